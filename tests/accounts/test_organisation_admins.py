"""Organisation admins (product.md section 2): at least one admin, invitations valid 7 days, deactivation."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from tests.accounts.factories import UserFactory
from vae_inversee.accounts import services
from vae_inversee.accounts.enums import Role
from vae_inversee.accounts.models import ApiToken, Invitation, Membership
from vae_inversee.lib.errors import Conflict, Unavailable

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_and_colleague():
    admin = UserFactory(role=Role.PROJECT_HOLDER)
    colleague = UserFactory(organisation=admin.organisation)
    return admin, colleague


def test_the_first_member_is_admin_and_the_next_is_not(admin_and_colleague):
    admin, colleague = admin_and_colleague
    assert admin.membership.is_admin and not colleague.membership.is_admin


def test_the_last_admin_can_neither_be_demoted_nor_deactivated(admin_and_colleague):
    admin, _ = admin_and_colleague
    with pytest.raises(ValidationError, match="au moins un·e administrateur"):
        services.membership_set_admin(membership=admin.membership, is_admin=False, acting_user=admin)
    with pytest.raises(ValidationError, match="au moins un·e administrateur"):
        services.member_deactivate(membership=admin.membership, acting_user=admin)
    admin.refresh_from_db()
    assert admin.is_active and Membership.objects.get(user=admin).is_admin


def test_an_admin_names_another_then_may_step_down(admin_and_colleague):
    admin, colleague = admin_and_colleague
    services.membership_set_admin(membership=colleague.membership, is_admin=True, acting_user=admin)
    services.membership_set_admin(membership=admin.membership, is_admin=False, acting_user=admin)
    assert not Membership.objects.get(user=admin).is_admin
    assert Membership.objects.get(user=colleague).is_admin


def test_a_member_who_is_not_admin_manages_nobody(admin_and_colleague):
    admin, colleague = admin_and_colleague
    with pytest.raises(PermissionDenied):
        services.membership_set_admin(membership=colleague.membership, is_admin=True, acting_user=colleague)
    with pytest.raises(PermissionDenied):
        services.member_deactivate(membership=admin.membership, acting_user=colleague)
    with pytest.raises(PermissionDenied):
        services.invitation_create(organisation=admin.organisation, email="x@exemple.fr", acting_user=colleague)


def test_an_admin_of_another_organisation_manages_nobody_here(admin_and_colleague):
    _, colleague = admin_and_colleague
    stranger_admin = UserFactory(role=Role.PROJECT_HOLDER)
    with pytest.raises(PermissionDenied):
        services.member_deactivate(membership=colleague.membership, acting_user=stranger_admin)


def test_deactivating_a_member_stops_their_login_and_tokens(admin_and_colleague):
    admin, colleague = admin_and_colleague
    services.api_token_issue(acting_user=colleague)
    services.member_deactivate(membership=colleague.membership, acting_user=admin)
    colleague.refresh_from_db()
    assert not colleague.is_active and not ApiToken.objects.filter(user=colleague).exists()
    with pytest.raises(Conflict):
        services.member_deactivate(membership=colleague.membership, acting_user=admin)


def test_an_invitation_is_mailed_and_accepted_once(admin_and_colleague, django_capture_on_commit_callbacks):
    admin, _ = admin_and_colleague
    with django_capture_on_commit_callbacks(execute=True):
        invitation, secret = services.invitation_create(
            organisation=admin.organisation, email="Nouvelle@Exemple.fr", acting_user=admin, is_admin=True
        )
    assert invitation.email == "nouvelle@exemple.fr"
    assert invitation.expires_at - invitation.created_at >= datetime.timedelta(days=7) - datetime.timedelta(seconds=5)
    assert len(mail.outbox) == 1 and secret in mail.outbox[0].body and mail.outbox[0].to == ["nouvelle@exemple.fr"]

    user = services.invitation_accept(secret=secret, password="un-mot-de-passe-solide-42", first_name="Nina")
    assert user.check_password("un-mot-de-passe-solide-42")
    assert (user.organisation, user.role, user.membership.is_admin) == (admin.organisation, Role.PROJECT_HOLDER, True)
    with pytest.raises(Unavailable, match="déjà été acceptée"):
        services.invitation_accept(secret=secret, password="un-mot-de-passe-solide-42")


def test_an_expired_or_revoked_invitation_is_refused(admin_and_colleague):
    admin, _ = admin_and_colleague
    expired, expired_secret = services.invitation_create(
        organisation=admin.organisation, email="a@exemple.fr", acting_user=admin
    )
    Invitation.objects.filter(pk=expired.pk).update(expires_at=timezone.now() - datetime.timedelta(minutes=1))
    revoked, revoked_secret = services.invitation_create(
        organisation=admin.organisation, email="b@exemple.fr", acting_user=admin
    )
    services.invitation_revoke(invitation=revoked, acting_user=admin)

    with pytest.raises(Unavailable, match="expiré"):
        services.invitation_accept(secret=expired_secret, password="un-mot-de-passe-solide-42")
    with pytest.raises(Unavailable, match="révoquée"):
        services.invitation_accept(secret=revoked_secret, password="un-mot-de-passe-solide-42")
    with pytest.raises(Unavailable, match="n'existe pas"):
        services.invitation_accept(secret="inconnu", password="un-mot-de-passe-solide-42")


def test_invitation_errors_are_french_and_per_field(admin_and_colleague):
    admin, colleague = admin_and_colleague
    with pytest.raises(ValidationError) as bad_email:
        services.invitation_create(organisation=admin.organisation, email="pas-une-adresse", acting_user=admin)
    with pytest.raises(ValidationError) as existing:
        services.invitation_create(organisation=admin.organisation, email=colleague.email.upper(), acting_user=admin)
    _, secret = services.invitation_create(organisation=admin.organisation, email="c@exemple.fr", acting_user=admin)
    with pytest.raises(ValidationError) as twice:
        services.invitation_create(organisation=admin.organisation, email="c@exemple.fr", acting_user=admin)
    with pytest.raises(ValidationError) as weak:
        services.invitation_accept(secret=secret, password="123")
    assert "email" in bad_email.value.message_dict and "existe déjà" in existing.value.message_dict["email"][0]
    assert "en attente" in twice.value.message_dict["email"][0]
    assert "password" in weak.value.message_dict


def test_the_organisation_page_invites_and_the_link_creates_the_account(
    client, admin_and_colleague, django_capture_on_commit_callbacks
):
    admin, colleague = admin_and_colleague
    client.force_login(colleague)
    assert b"form-invitation" not in client.get("/organisation/").content
    assert client.post("/organisation/", {"email": "x@exemple.fr"}).status_code == 403

    client.force_login(admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/organisation/", {"email": "nouveau@exemple.fr", "first_name": "Noé"}, follow=True)
    assert "Invitation envoyée à nouveau@exemple.fr" in response.content.decode()
    assert client.post("/organisation/", {"email": "pas-une-adresse"}).status_code == 200

    client.logout()
    link = next(line for line in mail.outbox[-1].body.splitlines() if "/invitation/" in line).strip()
    path = link.split("://", 1)[1].split("/", 1)[1]
    page = client.get(f"/{path}")
    assert page.status_code == 200 and "nouveau@exemple.fr" in page.content.decode()
    weak = client.post(f"/{path}", {"first_name": "Noé", "last_name": "Martin", "password": "123"})
    assert weak.status_code == 200 and "Mot de passe" in weak.content.decode()
    done = client.post(
        f"/{path}", {"first_name": "Noé", "last_name": "Martin", "password": "un-mot-de-passe-solide-42"}
    )
    assert done.status_code == 302
    assert Membership.objects.get(user__email="nouveau@exemple.fr").organisation == admin.organisation
    assert client.get(f"/{path}").status_code == 410


def test_an_expired_invitation_link_explains_itself(client, admin_and_colleague):
    admin, _ = admin_and_colleague
    invitation, secret = services.invitation_create(
        organisation=admin.organisation, email="tard@exemple.fr", acting_user=admin
    )
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    page = client.get(f"/invitation/{secret}/")
    assert page.status_code == 410 and "a expiré" in page.content.decode()


def test_the_admin_deactivates_a_member_from_the_organisation_page(client, admin_and_colleague):
    admin, colleague = admin_and_colleague
    client.force_login(colleague)
    assert client.get(f"/organisation/membres/{admin.membership.pk}/desactiver/").status_code == 403
    client.force_login(admin)
    assert "Désactiver" in client.get("/organisation/").content.decode()
    assert client.get(f"/organisation/membres/{colleague.membership.pk}/desactiver/").status_code == 200
    response = client.post(f"/organisation/membres/{colleague.membership.pk}/desactiver/", {"successor": admin.pk})
    assert response.status_code == 302
    colleague.refresh_from_db()
    assert not colleague.is_active
    last = client.post(f"/organisation/membres/{admin.membership.pk}/desactiver/", {"successor": ""}, follow=True)
    assert "au moins un·e administrateur" in last.content.decode()
