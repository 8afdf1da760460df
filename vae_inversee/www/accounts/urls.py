from django.urls import path

from vae_inversee.www.accounts import views

app_name = "accounts"

urlpatterns = [
    path("connexion/", views.LoginView.as_view(), name="login"),
    path("deconnexion/", views.LogoutView.as_view(), name="logout"),
    path("", views.home, name="home"),
]
