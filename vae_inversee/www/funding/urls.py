from django.urls import path

from vae_inversee.www.funding import payments, views

app_name = "funding"

urlpatterns = [
    path("opco/", views.opco_home, name="opco_home"),
    path("opco/dossiers/<int:pk>/", views.file_detail, name="file_detail"),
    path("opco/dossiers/<int:pk>/accorder/", views.file_approve, name="file_approve"),
    path("opco/dossiers/<int:pk>/demander-des-complements/", views.file_request_changes, name="file_request_changes"),
    path("opco/dossiers/<int:pk>/refuser/", views.file_reject, name="file_reject"),
    path("opco/dossiers/<int:pk>/assignation/", views.file_assign, name="file_assign"),
    path("opco/dossiers/<int:pk>/notes/", views.file_note_add, name="file_note_add"),
    path("financement/dossiers/<int:pk>/accord/", views.agreement_download, name="agreement"),
    path("parcours/<int:pk>/financement/", views.pathway_funding, name="pathway_funding"),
    path("pilotage/financements/", views.ministry_list, name="ministry_list"),
    # Payments (section 12).
    path("parcours/<int:pk>/paiements/", payments.pathway_payments, name="pathway_payments"),
    path("paiements/demandes/<int:pk>/facture/", payments.invoice_download, name="invoice"),
    path("opco/paiements/", payments.payment_queue, name="payment_queue"),
    path("opco/paiements/<int:pk>/", payments.payment_request_detail, name="payment_request_detail"),
    path("opco/paiements/<int:pk>/accepter/", payments.payment_request_approve, name="payment_request_approve"),
    path("opco/paiements/<int:pk>/refuser/", payments.payment_request_reject, name="payment_request_reject"),
    path("opco/lots/", payments.batch_list, name="batch_list"),
    path("opco/lots/nouveau/", payments.batch_create, name="batch_create"),
    path("paiements/lots/<int:pk>/", payments.batch_detail, name="batch_detail"),
    path("opco/lots/<int:pk>/paye/", payments.batch_mark_paid, name="batch_mark_paid"),
    path("opco/lots/<int:pk>/export/<str:file_format>/", payments.batch_export, name="batch_export"),
    path("coordonnees-bancaires/", payments.bank_account, name="bank_account"),
]
