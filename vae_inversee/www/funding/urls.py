from django.urls import path

from vae_inversee.www.funding import views

app_name = "funding"

urlpatterns = [
    path("opco/", views.opco_home, name="opco_home"),
    path("opco/dossiers/<int:pk>/", views.file_detail, name="file_detail"),
    path("opco/dossiers/<int:pk>/accorder/", views.file_approve, name="file_approve"),
    path("opco/dossiers/<int:pk>/demander-des-complements/", views.file_request_changes, name="file_request_changes"),
    path("opco/dossiers/<int:pk>/refuser/", views.file_reject, name="file_reject"),
    path("financement/dossiers/<int:pk>/accord/", views.agreement_download, name="agreement"),
    path("parcours/<int:pk>/financement/", views.pathway_funding, name="pathway_funding"),
    path("pilotage/financements/", views.ministry_list, name="ministry_list"),
]
