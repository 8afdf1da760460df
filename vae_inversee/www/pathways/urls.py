from django.urls import path

from vae_inversee.www.pathways import plan, views

app_name = "pathways"

urlpatterns = [
    path("porteur/", views.project_holder_home, name="project_holder_home"),
    path("porteur/candidats/", views.candidate_list, name="candidate_list"),
    path("porteur/candidats/nouveau/", views.candidate_create, name="candidate_create"),
    path("porteur/candidats/<int:pk>/", views.candidate_detail, name="candidate_detail"),
    path("porteur/candidats/<int:pk>/modifier/", views.candidate_edit, name="candidate_edit"),
    path("porteur/candidats/<int:pk>/export/", views.candidate_export, name="candidate_export"),
    path("porteur/candidats/<int:pk>/inviter/", views.candidate_invite, name="candidate_invite"),
    path("porteur/employeurs/", views.employer_list, name="employer_list"),
    path("porteur/employeurs/nouveau/", views.employer_create, name="employer_create"),
    path("porteur/employeurs/<int:pk>/modifier/", views.employer_edit, name="employer_edit"),
    path("accompagnement/", views.companion_home, name="companion_home"),
    path("parcours/nouveau/", views.pathway_create, name="create"),
    path("parcours/<int:pk>/", views.pathway_detail, name="detail"),
    path("parcours/<int:pk>/modifier/", views.pathway_edit, name="edit"),
    path("parcours/<int:pk>/contrat/", views.contract_edit, name="contract"),
    path("parcours/<int:pk>/contrat/renouvellement/", views.contract_renewal, name="contract_renewal"),
    path("parcours/<int:pk>/phase/", views.pathway_transition, name="transition"),
    path("parcours/<int:pk>/abandon/", views.pathway_abandon, name="abandon"),
    path("parcours/<int:pk>/pieces/", views.document_upload, name="document_upload"),
    path("parcours/<int:pk>/pieces/<int:document_pk>/", views.document_download, name="document_download"),
    path("parcours/<int:pk>/pieces/<int:document_pk>/retirer/", views.document_withdraw, name="document_withdraw"),
    path("parcours/<int:pk>/avis-accompagnement/", views.support_opinion, name="support_opinion"),
    path("parcours/<int:pk>/recevabilite/", views.admissibility_decision, name="admissibility"),
    path("parcours/<int:pk>/jury/", views.jury_session, name="jury_session"),
    path("parcours/<int:pk>/plan/nouvelle-action/", plan.plan_action_create, name="plan_action_create"),
    path("parcours/<int:pk>/plan/<int:action_pk>/", plan.plan_action_edit, name="plan_action_edit"),
    path("parcours/<int:pk>/plan/<int:action_pk>/retirer/", plan.plan_action_delete, name="plan_action_delete"),
    path("parcours/<int:pk>/plan/<int:action_pk>/heures/", plan.plan_action_realise, name="plan_action_realise"),
    path("messages/", views.message_inbox, name="message_inbox"),
    path("parcours/<int:pk>/messages/", views.pathway_messages, name="messages"),
    path(
        "parcours/<int:pk>/messages/<int:message_pk>/piece-jointe/",
        views.message_attachment,
        name="message_attachment",
    ),
    path("parcours/<int:pk>/notes/", views.note_add, name="note_add"),
    path("parcours/<int:pk>/assignation/", views.pathway_assign, name="assign"),
]
