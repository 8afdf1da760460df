from django.urls import path

from vae_inversee.www.projects import views

app_name = "projects"

urlpatterns = [
    path("projets/", views.project_list, name="list"),
    path("projets/nouveau/", views.project_create, name="create"),
    path("projets/<int:pk>/", views.project_detail, name="detail"),
    path("projets/<int:pk>/modifier/", views.project_edit, name="edit"),
    path("projets/<int:pk>/pieces/", views.project_document_add, name="document_add"),
    path("projets/<int:pk>/pieces/<int:document_pk>/", views.project_document_download, name="document_download"),
    path("projets/<int:pk>/deposer/", views.project_submit, name="submit"),
    path("projets/<int:pk>/demander-des-complements/", views.project_request_complements, name="request_complements"),
    path("projets/<int:pk>/declarer-complet/", views.project_mark_complete, name="mark_complete"),
    path("projets/<int:pk>/accepter/", views.project_accept, name="accept"),
    path("projets/<int:pk>/refuser/", views.project_reject, name="reject"),
    path("pilotage/projets/", views.project_queue, name="queue"),
]
