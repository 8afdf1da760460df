"""Each event notifies exactly the people concerned, once, in the inbox and by e-mail."""

import pytest

from funding import services as funding_services
from pathways import services as pathway_services
from pathways.tasks import notify_transition
from tests.accounts.factories import UserFactory
from tests.funding.factories import submitted_file
from tests.pathways.factories import PathwayFactory, add_contract, record_jury, staff_of, walk_to
from vae_inversee.notifications.models import Notification
from vae_inversee.notifications.services import preferences_save


def inbox(user):
    return list(Notification.objects.filter(recipient=user).values_list("subject", flat=True))


@pytest.fixture
def setup(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    pathway = PathwayFactory()
    staff = staff_of(pathway)
    colleague = UserFactory(organisation=pathway.project_holder.organisation)
    return pathway, staff, colleague


def test_a_phase_change_notifies_the_holder_staff_and_companion_not_the_actor(
    setup, mailoutbox, django_capture_on_commit_callbacks
):
    pathway, staff, colleague = setup
    with django_capture_on_commit_callbacks(execute=True):
        walk_to(pathway, "support", staff)
    subject = f"{pathway.reference} : Information et positionnement → Accompagnement"
    assert inbox(colleague) == [subject] and inbox(staff["companion"]) == [subject]
    assert inbox(staff["project_holder"]) == []  # the actor
    assert inbox(staff["opco"]) == [] and inbox(staff["certifier"]) == [] and inbox(staff["ministry"]) == []
    assert sorted(mail.to[0] for mail in mailoutbox) == sorted([colleague.email, staff["companion"].email])
    mail = mailoutbox[0]
    assert mail.subject == f"[VAE inversée] {subject}"
    assert "est passé de la phase « Information et positionnement » à la phase « Accompagnement »" in mail.body
    html = mail.alternatives[0][0]
    assert html.startswith("<!DOCTYPE html>") and f"/parcours/{pathway.pk}/" in html


def test_a_retried_task_does_not_notify_twice(setup, mailoutbox, django_capture_on_commit_callbacks):
    pathway, staff, colleague = setup
    with django_capture_on_commit_callbacks(execute=True):
        walk_to(pathway, "support", staff)
    log = pathway.transitions.get()
    assert notify_transition.apply(args=[log.pk]).get() == 0
    assert Notification.objects.filter(recipient=colleague).count() == 1
    assert len(mailoutbox) == 2


def test_preferences_stop_the_mail_not_the_inbox(setup, mailoutbox, django_capture_on_commit_callbacks):
    pathway, staff, colleague = setup
    preferences_save(acting_user=colleague, enabled_categories=["funding", "jury"])
    with django_capture_on_commit_callbacks(execute=True):
        walk_to(pathway, "support", staff)
    assert len(inbox(colleague)) == 1
    assert [mail.to for mail in mailoutbox] == [[staff["companion"].email]]


def test_funding_events_reach_the_opco_then_the_holder(setup, django_capture_on_commit_callbacks):
    pathway, staff, colleague = setup
    add_contract(pathway)
    opco_colleague = UserFactory(organisation=staff["opco"].membership.organisation)
    with django_capture_on_commit_callbacks(execute=True):
        funding_file = submitted_file(pathway, staff)
    assert [s.endswith("transmis à l'OPCO, à instruire") for s in inbox(opco_colleague)] == [True]
    assert inbox(colleague) == []
    with django_capture_on_commit_callbacks(execute=True):
        funding_services.funding_file_request_changes(
            acting_user=staff["opco"], funding_file=funding_file, reason="Devis"
        )
    assert inbox(colleague)[0].endswith("l'OPCO demande des compléments")
    assert Notification.objects.get(recipient=colleague).body.endswith("Motif : Devis")
    assert inbox(staff["opco"]) == [f"{pathway.reference} : dossier de financement — transmis à l'OPCO, à instruire"]


def test_admissibility_jury_date_and_result(setup, django_capture_on_commit_callbacks):
    pathway, staff, colleague = setup
    pathway = walk_to(pathway, "admissibility", staff)
    with django_capture_on_commit_callbacks(execute=True):
        pathway_services.admissibility_record(acting_user=staff["certifier"], pathway=pathway, decision="admissible")
    assert f"{pathway.reference} : dossier recevable" in inbox(colleague)
    # A second pathway, walked to evaluation without running the on-commit tasks.
    pathway = PathwayFactory(
        project_holder=pathway.project_holder, companion=pathway.companion,
        certification=pathway.certification, employer=pathway.employer,
    )  # fmt: skip
    pathway = walk_to(pathway, "evaluation", staff)
    assert not any("session de jury le" in subject for subject in inbox(colleague))
    with django_capture_on_commit_callbacks(execute=True):
        pathway_services.jury_session_set(
            acting_user=staff["certifier"], pathway=pathway, session_date=pathway.jury_session_date
        )
        record_jury(pathway, staff, outcome="partial", validated=1)
    subjects = inbox(colleague)
    assert f"{pathway.reference} : session de jury le {pathway.jury_session_date:%d/%m/%Y}" in subjects
    assert f"{pathway.reference} : résultat du jury — validation partielle" in subjects
    # The OPCO hears of the jury result, not of the jury date.
    assert inbox(staff["opco"]) == [f"{pathway.reference} : résultat du jury — validation partielle"]
