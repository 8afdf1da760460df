from django.urls import path

from pathways import views

app_name = "pathways"

urlpatterns = [
    path("porteur/", views.project_holder_home, name="project_holder_home"),
    path("accompagnement/", views.companion_home, name="companion_home"),
]
