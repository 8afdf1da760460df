"""The candidate's own access (product.md sections 2 and 13): invitation link, password, « Mon parcours »."""

import datetime
from urllib.parse import urlsplit

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from sesame.tokens import create_token

from evaluation.anonymisation import candidate_anonymise
from pathways import candidate_access, selectors, services
from pathways.enums import CANDIDATE_INVITATION_SCOPE, PathwayPhase
from pathways.models import Candidate, Pathway, PathwayMessage, PlanAction
from tests.accounts.factories import UserFactory
from tests.conftest import api_as
from tests.pathways.factories import (
    CANDIDATE_PASSWORD,
    PathwayFactory,
    candidate_account,
    pdf_upload,
    staff_of,
    walk_to,
)
from vae_inversee.accounts.enums import Role
from vae_inversee.accounts.models import User
from vae_inversee.lib import policy

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    pathway = PathwayFactory()
    staff = staff_of(pathway)
    other = PathwayFactory()
    return pathway, staff, other


def _link_of(message) -> str:
    line = next(line for line in message.body.splitlines() if "sesame=" in line)
    parts = urlsplit(line.strip())
    return f"{parts.path}?{parts.query}"


def _invite(client, pathway, staff, capture):
    client.force_login(staff["project_holder"])
    with capture(execute=True):
        response = client.post(f"/porteur/candidats/{pathway.candidate.pk}/inviter/", follow=True)
    client.logout()
    return response


# ---- the invitation ---------------------------------------------------------------------------------


def test_the_holder_invites_and_the_link_sets_a_password_once(world, client, django_capture_on_commit_callbacks):
    pathway, staff, _ = world
    response = _invite(client, pathway, staff, django_capture_on_commit_callbacks)
    assert "Invitation envoyée" in response.content.decode()
    candidate = Candidate.objects.get(pk=pathway.candidate.pk)
    assert candidate.invited_by == staff["project_holder"] and candidate.invited_at and not candidate.activated_at
    user = candidate.user
    assert user.email == candidate.email and not user.has_usable_password() and user.role == Role.CANDIDATE
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [candidate.email]
    link = _link_of(mail.outbox[0])
    assert link.startswith("/mon-parcours/bienvenue/?sesame=")

    # Opening the link spends nothing (a mail scanner may follow it); choosing the password does.
    assert client.get(link).status_code == 200
    page = client.get(link)
    assert page.status_code == 200 and "Choisissez un mot de passe" in page.content.decode()
    mismatch = client.post(link, {"new_password1": CANDIDATE_PASSWORD, "new_password2": "autre-chose-2026"})
    assert mismatch.status_code == 200 and "ne sont pas les mêmes" in mismatch.content.decode()
    response = client.post(link, {"new_password1": CANDIDATE_PASSWORD, "new_password2": CANDIDATE_PASSWORD})
    assert response.status_code == 302 and response.url == "/mon-parcours/"
    candidate.refresh_from_db()
    assert candidate.activated_at is not None
    assert client.get("/mon-parcours/").status_code == 200

    # The link is spent: a clear French page (410) with what to do.
    client.logout()
    used = client.get(link)
    assert used.status_code == 410 and "plus valable" in used.content.decode()
    assert client.post(link, {"new_password1": "x", "new_password2": "x"}).status_code == 410
    # Then a normal login.
    assert client.login(username=candidate.email, password=CANDIDATE_PASSWORD)
    assert client.get("/").url == "/mon-parcours/"
    # The holder's page tells when.
    client.force_login(staff["project_holder"])
    text = client.get(f"/porteur/candidats/{candidate.pk}/").content.decode()
    assert "Invité le" in text and "compte activé le" in text
    # Once activated, no new invitation (it would void their password).
    with pytest.raises(ValidationError, match="déjà activé"):
        candidate_access.candidate_invite(acting_user=staff["project_holder"], candidate=candidate)


def test_the_link_expires_after_seven_days(world):
    pathway, staff, _ = world
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        candidate = candidate_access.candidate_invite(acting_user=staff["project_holder"], candidate=pathway.candidate)
        token = create_token(candidate.user, CANDIDATE_INVITATION_SCOPE)
    with time_machine.travel(start + datetime.timedelta(days=6, hours=23), tick=False):
        assert candidate_access.invited_user(token) == candidate.user
    with time_machine.travel(start + datetime.timedelta(days=7, seconds=1), tick=False):
        assert candidate_access.invited_user(token) is None
        with pytest.raises(candidate_access.LinkUnavailable):
            candidate_access.candidate_activate(token=token, password=CANDIDATE_PASSWORD)


def test_inviting_again_voids_the_earlier_link_and_a_login_voids_it_too(world, client):
    pathway, staff, _ = world
    candidate = candidate_access.candidate_invite(acting_user=staff["project_holder"], candidate=pathway.candidate)
    first = create_token(candidate.user, CANDIDATE_INVITATION_SCOPE)
    candidate = candidate_access.candidate_invite(acting_user=staff["project_holder"], candidate=candidate)
    second = create_token(candidate.user, CANDIDATE_INVITATION_SCOPE)
    assert candidate_access.invited_user(first) is None and candidate_access.invited_user(second) is not None
    # A token of another scope (or a made-up one) is refused.
    assert candidate_access.invited_user(create_token(candidate.user)) is None
    assert candidate_access.invited_user("pas-un-jeton") is None
    # One use: a login (last_login moves) voids the link.
    User.objects.filter(pk=candidate.user_id).update(last_login=timezone.now())
    assert candidate_access.invited_user(second) is None


def test_who_may_invite_and_when(world):
    pathway, staff, other = world
    for role in ("companion", "opco", "certifier", "ministry"):
        with pytest.raises(PermissionDenied):
            candidate_access.candidate_invite(acting_user=staff[role], candidate=pathway.candidate)
    with pytest.raises(PermissionDenied):
        candidate_access.candidate_invite(acting_user=staff["project_holder"], candidate=other.candidate)
    Candidate.objects.filter(pk=pathway.candidate.pk).update(email="")
    with pytest.raises(ValidationError, match="adresse électronique"):
        candidate_access.candidate_invite(
            acting_user=staff["project_holder"], candidate=Candidate.objects.get(pk=pathway.candidate.pk)
        )
    Candidate.objects.filter(pk=pathway.candidate.pk).update(email=staff["companion"].email)
    with pytest.raises(ValidationError, match="Un autre compte"):
        candidate_access.candidate_invite(
            acting_user=staff["project_holder"], candidate=Candidate.objects.get(pk=pathway.candidate.pk)
        )


# ---- what the candidate sees ---------------------------------------------------------------------------


def test_a_candidate_sees_their_own_pathway_only(world):
    pathway, staff, other = world
    user = candidate_account(pathway, staff)
    assert list(Pathway.objects.visible_to(user)) == [pathway]
    assert not Candidate.objects.visible_to(user).exists()
    assert not PlanAction.objects.visible_to(user).exists()
    # Every other scope answers none, and the staff's actions are refused.
    for action in ("pathway.view", "candidate.manage", "document.kind_choose", "pathway_note.write", "indicators.view"):
        assert not policy.may(user, action)
    assert policy.may(user, "message.write") and policy.may(user, "candidate_portal.view")


def test_the_candidate_page_and_another_pathway(world, client):
    pathway, staff, other = world
    user = candidate_account(pathway, staff)
    client.force_login(user)
    page = client.get("/mon-parcours/")
    text = page.content.decode()
    assert page.status_code == 200 and "Où en êtes-vous ?" in text and "Ce que vous avez à faire" in text
    assert pathway.certification.title in text
    # Header: their page, messages, account, logout; nothing else.
    assert "Mes jetons d'API" not in text and "Notifications" not in text and "Documentation de l'API" not in text
    assert client.get(f"/mon-parcours/{pathway.pk}/").status_code == 200
    assert client.get(f"/mon-parcours/{other.pk}/").status_code == 404
    # The staff's pages: refused, even the candidate's own pathway's.
    for url in (f"/parcours/{pathway.pk}/", "/porteur/", "/messages/", "/certifications/", "/notifications/",
                "/compte/jetons/", "/organisation/"):  # fmt: skip
        assert client.get(url).status_code == 403, url


def test_the_candidate_reads_and_writes_the_thread(world, client, django_capture_on_commit_callbacks):
    pathway, staff, other = world
    pathway = walk_to(pathway, PathwayPhase.SUPPORT, staff)
    user = candidate_account(pathway, staff)
    message = services.message_post(
        acting_user=staff["project_holder"], pathway=pathway, body="Voici votre planning.", attachment=pdf_upload()
    )
    assert selectors.unread_count(user) == 1
    client.force_login(user)
    text = client.get("/mon-parcours/").content.decode()
    assert "Voici votre planning." in text and "Messages (1 non lu)" in text
    assert selectors.unread_count(user) == 0
    download = client.get(f"/parcours/{pathway.pk}/messages/{message.pk}/piece-jointe/")
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"%PDF")
    other_message = services.message_post(acting_user=UserFactory(organisation=other.project_holder.organisation),
                                          pathway=other, body="Ailleurs", attachment=pdf_upload())  # fmt: skip
    assert client.get(f"/parcours/{other.pk}/messages/{other_message.pk}/piece-jointe/").status_code == 404
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/mon-parcours/{pathway.pk}/messages/", {"body": "Merci, bien reçu."})
    assert response.status_code == 302 and response.url == f"/mon-parcours/{pathway.pk}/#messages"
    written = PathwayMessage.objects.get(body="Merci, bien reçu.")
    assert written.author == user and written.organisation is None
    assert client.post(f"/mon-parcours/{pathway.pk}/messages/", {"body": ""}).status_code == 400
    assert client.post(f"/mon-parcours/{other.pk}/messages/", {"body": "Intrus"}).status_code == 404
    # The staff's door to the thread stays closed to them.
    assert client.post(f"/parcours/{pathway.pk}/messages/", {"body": "Par la porte du personnel"}).status_code == 403
    # The staff read it in the same thread.
    assert "Merci, bien reçu." in [m.body for m in selectors.thread_of(pathway, staff["companion"])]


def test_the_api_refuses_a_candidate(world, client):
    pathway, staff, _ = world
    user = candidate_account(pathway, staff)
    for url in ("/api/v1/pathways/", f"/api/v1/pathways/{pathway.pk}/", "/api/v1/me/", "/api/v1/candidates/"):
        response = api_as(user).get(url)
        assert response.status_code == 403, url
    client.force_login(user)
    response = client.get("/api/v1/pathways/")
    assert response.status_code == 403 and "réservée aux organisations" in response.json()["detail"]
    token = client.post(
        "/api/v1/auth/token/", {"email": user.email, "password": CANDIDATE_PASSWORD}, content_type="application/json"
    )
    assert token.status_code == 403 and "Mon parcours" in token.json()["detail"]


def test_an_anonymised_candidate_loses_their_account(world, settings):
    pathway, staff, _ = world
    user = candidate_account(pathway, staff)
    pathway = walk_to(pathway, PathwayPhase.SUPPORT, staff)
    services.pathway_transition(
        acting_user=staff["project_holder"], pathway=pathway, to=PathwayPhase.ABANDONED, comment="Déménagement"
    )
    later = timezone.now() + datetime.timedelta(days=365 * 6)
    assert candidate_anonymise(candidate_id=pathway.candidate_id, now=later)
    user.refresh_from_db()
    candidate = Candidate.objects.get(pk=pathway.candidate_id)
    assert candidate.user is None and not user.is_active and "anonymise" in user.email
    assert user.role is None and not user.has_usable_password()


def test_a_member_is_never_a_candidate(world):
    pathway, staff, _ = world
    member = UserFactory(organisation=pathway.project_holder.organisation)
    Candidate.objects.filter(pk=pathway.candidate.pk).update(user=member)
    member = User.objects.get(pk=member.pk)
    assert member.role == Role.PROJECT_HOLDER


def test_the_candidate_is_told_of_a_new_message_by_e_mail_with_a_link_to_their_page(
    world, django_capture_on_commit_callbacks
):
    from vae_inversee.notifications.models import Notification

    pathway, staff, other = world
    pathway = walk_to(pathway, PathwayPhase.SUPPORT, staff)
    user = candidate_account(pathway, staff)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.message_post(acting_user=staff["project_holder"], pathway=pathway, body="Votre rendez-vous est fixé.")
    told = Notification.objects.get(recipient=user)
    assert told.link == f"/mon-parcours/{pathway.pk}/#messages" and told.subject.startswith("Votre parcours")
    sent = [m for m in mail.outbox if user.email in m.to]
    assert len(sent) == 1 and "Votre rendez-vous est fixé." in sent[0].body
    assert f"/mon-parcours/{pathway.pk}/#messages" in sent[0].body
    # Their own message tells the others, never themselves.
    with django_capture_on_commit_callbacks(execute=True):
        services.message_post(acting_user=user, pathway=pathway, body="Merci.")
    assert Notification.objects.filter(recipient=user).count() == 1
    assert Notification.objects.filter(recipient=staff["project_holder"], event_key__startswith="message:").exists()


def test_the_candidate_sends_a_document_they_were_asked_for(world, client):
    pathway, staff, other = world
    pathway = walk_to(pathway, PathwayPhase.SUPPORT, staff)
    user = candidate_account(pathway, staff)
    client.force_login(user)
    before = pathway.documents.count()
    page = client.get(f"/mon-parcours/{pathway.pk}/").content.decode()
    assert "Envoyer un document qu&#x27;on vous a demandé" in page or "Envoyer un document qu'on vous a demandé" in page
    response = client.post(f"/mon-parcours/{pathway.pk}/pieces/", {"file": pdf_upload(name="attestation.pdf")})
    assert response.status_code == 302 and response.url == f"/mon-parcours/{pathway.pk}/#documents"
    document = pathway.documents.get(original_name="attestation.pdf")
    assert document.kind == "other" and document.uploaded_by == user
    # The staff find it among the pathway's pieces.
    assert document in selectors.candidate_documents(pathway)
    # A fake PDF is refused in plain words, nothing is kept; another pathway is a 404.
    refused = client.post(f"/mon-parcours/{pathway.pk}/pieces/", {"file": pdf_upload(content=b"%PDF-1.4 faux")})
    assert refused.status_code == 400 and pathway.documents.count() == before + 1
    assert client.post(f"/mon-parcours/{other.pk}/pieces/", {"file": pdf_upload()}).status_code == 404
    # The pieces the phases require are the staff's to file.
    with pytest.raises(PermissionDenied):
        services.document_add(
            acting_user=user, pathway=pathway, kind="feasibility_study", uploaded_file=pdf_upload(name="etude.pdf")
        )
