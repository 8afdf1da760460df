from django.urls import path

from vae_inversee.www.candidate import views

app_name = "candidate"

urlpatterns = [
    path("mon-parcours/", views.home, name="home"),
    path("mon-parcours/bienvenue/", views.welcome, name="welcome"),
    path("mon-parcours/<int:pk>/", views.pathway, name="pathway"),
    path("mon-parcours/<int:pk>/messages/", views.message_post, name="message_post"),
    path("mon-parcours/<int:pk>/pieces/", views.document_add, name="document_add"),
    path("mon-parcours/<int:pk>/pieces/<int:document_pk>/", views.document_download, name="document_download"),
    path("mon-parcours/<int:pk>/accord/<int:file_pk>/", views.agreement_download, name="agreement_download"),
]
