from django.urls import path

from vae_inversee.www.accounts import views

app_name = "accounts"

urlpatterns = [
    path("connexion/", views.LoginView.as_view(), name="login"),
    path("deconnexion/", views.LogoutView.as_view(), name="logout"),
    path("compte/jetons/", views.api_tokens, name="api_tokens"),
    path("compte/jetons/<int:pk>/revoquer/", views.api_token_revoke, name="api_token_revoke"),
    path("filtres/enregistrer/", views.saved_filter_save, name="saved_filter_save"),
    path("filtres/<int:pk>/supprimer/", views.saved_filter_delete, name="saved_filter_delete"),
    path("accessibilite/", views.accessibility, name="accessibility"),
    path("organisation/", views.organisation, name="organisation"),
    path("organisation/membres/<int:pk>/administrateur/", views.member_set_admin, name="member_set_admin"),
    path("organisation/membres/<int:pk>/desactiver/", views.member_deactivate, name="member_deactivate"),
    path("organisation/invitations/<int:pk>/revoquer/", views.invitation_revoke, name="invitation_revoke"),
    path("invitation/<str:secret>/", views.invitation_accept, name="invitation_accept"),
    path("", views.home, name="home"),
]
