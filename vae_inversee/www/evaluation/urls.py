from django.urls import path, re_path

from vae_inversee.www.evaluation import views

app_name = "evaluation"

urlpatterns = [
    path("certification/", views.certifier_home, name="certifier_home"),
    path("certification/sessions/", views.jury_sessions, name="jury_sessions"),
    re_path(
        r"^certification/sessions/(?P<certification>[0-9]{1,18})/(?P<session_date>[0-9]{4}-[0-9]{2}-[0-9]{2})/$",
        views.jury_session,
        name="jury_session",
    ),
    path("parcours/<int:pk>/progression/", views.assessment_create, name="assessment_create"),
    path("parcours/<int:pk>/jury/resultat/", views.jury_result, name="jury_result"),
    path("parcours/<int:pk>/situation/", views.outcome_record, name="outcome_record"),
    path("pilotage/", views.ministry_home, name="ministry_home"),
    path("pilotage/parcours/", views.steering_pathways, name="steering_pathways"),
    path("opco/parcours/", views.opco_pathways, name="opco_pathways"),
    path("indicateurs/", views.dashboard, name="dashboard"),
    re_path(r"^indicateurs/export\.(?P<file_format>csv|xlsx)$", views.indicators_export, name="indicators_export"),
    re_path(r"^indicateurs/parcours\.(?P<file_format>csv|xlsx)$", views.pathways_export, name="pathways_export"),
]
