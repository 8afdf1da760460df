from django.urls import path

from evaluation import views

app_name = "evaluation"

urlpatterns = [
    path("certification/", views.certifier_home, name="certifier_home"),
    path("pilotage/", views.ministry_home, name="ministry_home"),
]
