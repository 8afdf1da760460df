from django.urls import path

from vae_inversee.www.accounts import views

app_name = "accounts"

urlpatterns = [
    path("connexion/", views.LoginView.as_view(), name="login"),
    path("deconnexion/", views.LogoutView.as_view(), name="logout"),
    path("compte/jetons/", views.api_tokens, name="api_tokens"),
    path("compte/jetons/<int:pk>/revoquer/", views.api_token_revoke, name="api_token_revoke"),
    path("accessibilite/", views.accessibility, name="accessibility"),
    path("", views.home, name="home"),
]
