"""The daily job selects exactly the overdue items and sends one digest per user per day."""

import datetime

import pytest
from django.utils import timezone

from evaluation.reminders import collect, send_digests
from funding.models import FundingFile
from pathways.models import Pathway
from tests.funding.factories import submitted_file
from tests.pathways.factories import PathwayFactory, add_contract, staff_of, walk_to
from vae_inversee.notifications.models import Notification

TODAY = timezone.localdate()


def ago(days):
    return timezone.now() - datetime.timedelta(days=days)


@pytest.fixture
def data(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.PHASE_EXPECTED_DAYS = {
        "positioning": 45,
        "support": 45,
        "admissibility": 60,
        "delivery": 400,
        "evaluation": 45,
    }
    overdue = PathwayFactory()
    staff = staff_of(overdue)
    Pathway.objects.filter(pk=overdue.pk).update(phase_changed_at=ago(46))
    on_time = PathwayFactory(project_holder=overdue.project_holder, companion=overdue.companion)
    Pathway.objects.filter(pk=on_time.pk).update(phase_changed_at=ago(44))
    # A funding file waiting for 16 days (reminded) and one for 14 (not yet).
    waiting = PathwayFactory(project_holder=overdue.project_holder, companion=overdue.companion)
    add_contract(waiting, end_date=TODAY + datetime.timedelta(days=30))
    old_file = submitted_file(waiting, staff)
    FundingFile.objects.filter(pk=old_file.pk).update(submitted_at=ago(16))
    recent = PathwayFactory(project_holder=overdue.project_holder, companion=overdue.companion)
    add_contract(recent, end_date=TODAY + datetime.timedelta(days=31))
    FundingFile.objects.filter(pk=submitted_file(recent, staff).pk).update(submitted_at=ago(14))
    return {"overdue": overdue, "waiting": waiting, "recent": recent, "staff": staff}


def test_collect_selects_exactly_the_overdue_items(data):
    staff = data["staff"]
    items = collect(TODAY)
    holder_lines = items[staff["project_holder"].pk]
    assert len(holder_lines) == 2
    assert holder_lines[0] == (
        f"{data['overdue'].reference} ({data['overdue'].candidate}) est en phase « Information et positionnement » "
        "depuis 46 jours (durée attendue : 45 jours)."
    )
    assert holder_lines[1].startswith(f"Le contrat du parcours {data['waiting'].reference}")  # ends in 30 days, not 31
    assert items[staff["opco"].pk] == [
        f"Le dossier de financement du parcours {data['waiting'].reference} (année 1) attend une décision depuis 16 jours."
    ]
    assert staff["certifier"].pk not in items and staff["ministry"].pk not in items


def test_one_digest_per_user_per_day(data, mailoutbox, django_capture_on_commit_callbacks):
    staff = data["staff"]
    with django_capture_on_commit_callbacks(execute=True):
        sent = send_digests(TODAY)
    assert sent == 3  # project holder, companion, OPCO
    digest = Notification.objects.get(recipient=staff["project_holder"], category="reminder")
    assert digest.subject == f"Vos rappels du {TODAY:%d/%m/%Y} (2 points)"
    assert len(mailoutbox) == 3
    with django_capture_on_commit_callbacks(execute=True):
        assert send_digests(TODAY) == 0
    assert len(mailoutbox) == 3


def test_jury_soon_and_no_progress(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    pathway = PathwayFactory()
    staff = staff_of(pathway)
    pathway = walk_to(pathway, "delivery", staff)
    Pathway.objects.filter(pk=pathway.pk).update(
        phase_changed_at=ago(61), jury_session_date=TODAY + datetime.timedelta(days=7)
    )
    items = collect(TODAY)
    lines = items[staff["certifier"].pk]
    assert lines == [
        f"Session de jury du parcours {pathway.reference} ({pathway.candidate}) le {TODAY + datetime.timedelta(days=7):%d/%m/%Y}."
    ]
    companion_lines = items[staff["companion"].pk]
    assert any(line.startswith("Aucune progression n'a été enregistrée depuis 60 jours") for line in companion_lines)
