"""Anonymisation after the retention period (RGPD art. 5.1.e): identities, pieces and free text erased,
the indicators unchanged, candidates with an open or recent pathway left alone, idempotent."""

import datetime
import os
from pathlib import Path

import pytest
import time_machine
from django.conf import settings as django_settings
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from evaluation import anonymisation
from evaluation.anonymisation_tasks import anonymise_expired_candidates
from evaluation.indicators import compute
from evaluation.models import Assessment, Jury
from funding.models import FundingFile
from pathways import services as pathway_services
from pathways.models import Admissibility, Candidate, Contract, Document, Pathway, SupportOpinion
from tests.accounts.factories import UserFactory
from tests.funding.factories import pdf_text
from tests.pathways.factories import PathwayFactory, ProjectHolderFactory, record_jury, staff_of, walk_to
from vae_inversee.celery import app as celery_app
from vae_inversee.notifications.models import Notification

NIR = "295109912611193"
# Late enough for the factories' contract (15/09/2025 – 14/09/2026) to have ended: its jury has sat.
WALKED_AT = timezone.make_aware(datetime.datetime(2026, 10, 1, 9, 0))
RETENTION = datetime.timedelta(days=1826)
AFTER_RETENTION = WALKED_AT + RETENTION + datetime.timedelta(days=1)
BEFORE_RETENTION = WALKED_AT + RETENTION - datetime.timedelta(days=1)


def figures(user):
    result = compute(user)
    for stamp in ("generated_at", "computed_at", "up_to_date"):
        result.pop(stamp)
    return result


@pytest.fixture
def data(db, settings, tmp_path, django_capture_on_commit_callbacks):
    """A completed pathway with everything (pieces, decisions, funding and its agreement PDF, jury, the
    inbox's messages), an abandoned one, a candidate with one closed and one open pathway, an open one."""
    settings.MEDIA_ROOT = tmp_path
    holder = ProjectHolderFactory()
    with time_machine.travel(WALKED_AT, tick=False), django_capture_on_commit_callbacks(execute=True):
        completed = PathwayFactory(
            project_holder=holder, candidate__nir=NIR, candidate__first_name="Aminata", candidate__last_name="Diallo"
        )
        staff = staff_of(completed)
        completed = walk_to(completed, "evaluation", staff)
        record_jury(completed, staff, outcome="partial", validated=1)
        pathway_services.pathway_transition(acting_user=staff["certifier"], pathway=completed, to="completed")
        abandoned = PathwayFactory(project_holder=holder, certification=completed.certification)
        pathway_services.pathway_transition(
            acting_user=staff["project_holder"], pathway=abandoned, to="abandoned", comment="Déménagement"
        )
        still_open = PathwayFactory(project_holder=holder, certification=completed.certification)
        pathway_services.pathway_transition(
            acting_user=staff["project_holder"],
            pathway=PathwayFactory(
                project_holder=holder, candidate=still_open.candidate, certification=completed.certification
            ),
            to="abandoned",
            comment="Rupture du contrat",
        )
        open_only = PathwayFactory(project_holder=holder)
    # Free text a person may have written about the candidate.
    remark = "Mme Diallo, 06 12 34 56 78"
    for model in (SupportOpinion, Admissibility, Assessment, Jury):
        model.objects.filter(pathway=completed).update(comment=remark)
    return {
        "holder": holder,
        "staff": staff,
        "completed": completed,
        "abandoned": abandoned,
        "still_open": still_open,
        "open_only": open_only,
        "remark": remark,
    }


def test_the_indicators_give_the_same_figures_before_and_after(data):
    ministry, holder_staff = UserFactory(role="ministry"), data["staff"]["project_holder"]
    before = {user: figures(user) for user in (ministry, holder_staff, data["staff"]["opco"])}
    assert before[ministry]["total_pathways"] == 5
    assert before[ministry]["funding"]["approved_files"] == 1
    assert before[ministry]["blocks"]["assessed"] > 0

    anonymised = anonymisation.anonymise_expired(now=AFTER_RETENTION)

    assert set(anonymised) == {data["completed"].candidate_id, data["abandoned"].candidate_id}
    for user, expected in before.items():
        assert figures(user) == expected


def test_identity_is_erased_keeping_the_birth_year(data):
    candidate = data["completed"].candidate
    anonymisation.anonymise_expired(now=AFTER_RETENTION)

    candidate.refresh_from_db()
    assert (candidate.first_name, candidate.last_name) == ("Candidat", f"anonymisé n° {candidate.pk}")
    assert (candidate.email, candidate.nir) == ("", "")
    assert candidate.birth_date == datetime.date(1990, 1, 1)
    assert candidate.anonymised_at == AFTER_RETENTION
    # The field history held the names too.
    assert not candidate.history.filter(last_name="Diallo").exists()
    assert set(candidate.history.values_list("email", flat=True)) == {""}


def test_pieces_files_are_deleted_their_metadata_kept(data, django_capture_on_commit_callbacks):
    documents = list(Document.objects.filter(pathway=data["completed"]))
    paths = [document.file.path for document in documents]
    assert documents and all(Path(path).read_bytes()[:4] == b"%PDF" for path in paths)

    with django_capture_on_commit_callbacks(execute=True):
        anonymisation.anonymise_expired(now=AFTER_RETENTION)

    for document, path in zip(documents, paths, strict=True):
        kept = Document.objects.get(pk=document.pk)
        assert (kept.kind, kept.size, kept.content_type, kept.uploaded_at) == (
            document.kind, document.size, document.content_type, document.uploaded_at,
        )  # fmt: skip
        assert kept.original_name == "pièce supprimée (anonymisation)"
        assert not os.path.exists(path)


def test_free_text_is_blanked(data):
    pathway = data["completed"]
    anonymisation.anonymise_expired(now=AFTER_RETENTION)

    for model in (SupportOpinion, Admissibility, Assessment, Jury):
        assert set(model.objects.filter(pathway=pathway).values_list("comment", flat=True)) == {""}, model
    for model in (SupportOpinion, Admissibility, Jury):
        assert not model.history.filter(comment=data["remark"]).exists(), model
    assert set(Contract.objects.filter(pathway=pathway).values_list("tutor_name", flat=True)) == {"(anonymisé)"}
    assert not Contract.history.filter(pathway=pathway).exclude(tutor_name="(anonymisé)").exists()
    # The abandon reason is an indicator (dropouts): kept.
    assert Pathway.objects.get(pk=data["abandoned"].pk).abandon_reason == "Déménagement"


def test_the_inbox_no_longer_names_the_candidate(data):
    assert Notification.objects.filter(body__contains="Aminata Diallo").exists()
    candidate = data["completed"].candidate

    anonymisation.anonymise_expired(now=AFTER_RETENTION)

    assert not Notification.objects.filter(body__contains="Aminata Diallo").exists()
    assert Notification.objects.filter(body__contains=f"Candidat anonymisé n° {candidate.pk}").exists()


def test_the_agreement_pdf_is_rendered_again_without_the_identity(data, django_capture_on_commit_callbacks):
    funding_file = FundingFile.objects.get(pathway=data["completed"])
    old_path = funding_file.agreement.path
    assert "Diallo" in pdf_text(old_path)

    with django_capture_on_commit_callbacks(execute=True):
        anonymisation.anonymise_expired(now=AFTER_RETENTION)

    funding_file.refresh_from_db()
    assert funding_file.agreement and funding_file.approved_teaching is not None
    text = pdf_text(funding_file.agreement.path)
    assert "Diallo" not in text and "anonymisé" in text
    if funding_file.agreement.path != old_path:
        assert not os.path.exists(old_path)


def test_a_candidate_with_another_pathway_open_is_not_anonymised(data):
    anonymisation.anonymise_expired(now=AFTER_RETENTION)
    for key in ("still_open", "open_only"):
        candidate = Candidate.objects.get(pk=data[key].candidate_id)
        assert candidate.anonymised_at is None and candidate.last_name != "anonymisé"


def test_nothing_is_anonymised_before_the_retention_period_ends(data):
    assert anonymisation.anonymise_expired(now=BEFORE_RETENTION) == []
    assert Candidate.objects.get(pk=data["completed"].candidate_id).nir == NIR


def test_the_retention_period_is_a_setting(data, settings):
    settings.PERSONAL_DATA_RETENTION_DAYS = 30
    assert len(anonymisation.anonymise_expired(now=WALKED_AT + datetime.timedelta(days=31))) == 2


def test_running_again_changes_nothing(data):
    first = anonymisation.anonymise_expired(now=AFTER_RETENTION)
    anonymised_at = {pk: Candidate.objects.get(pk=pk).anonymised_at for pk in first}

    assert anonymisation.anonymise_expired(now=AFTER_RETENTION + datetime.timedelta(days=1)) == []
    assert not anonymisation.candidate_anonymise(candidate_id=first[0], now=AFTER_RETENTION)
    assert {pk: Candidate.objects.get(pk=pk).anonymised_at for pk in first} == anonymised_at


def test_the_nightly_task_is_scheduled_and_anonymises(data):
    schedule = django_settings.CELERY_BEAT_SCHEDULE["daily-anonymisation"]
    assert schedule["task"] == anonymise_expired_candidates.name
    assert "evaluation.anonymisation_tasks" in django_settings.CELERY_IMPORTS
    assert django_settings.PERSONAL_DATA_RETENTION_DAYS == 1826
    # The worker imports CELERY_IMPORTS at start-up: the task is registered under the schedule's name.
    celery_app.loader.import_default_modules()
    assert schedule["task"] in celery_app.tasks

    with time_machine.travel(AFTER_RETENTION, tick=False):
        assert anonymise_expired_candidates.delay().get() == 2
        assert anonymise_expired_candidates.delay().get() == 0


def test_the_command_counts_then_anonymises(data, capsys):
    with time_machine.travel(AFTER_RETENTION, tick=False):
        call_command("anonymise_expired", "--dry-run")
        assert "2 candidat(s) à anonymiser" in capsys.readouterr().out
        assert Candidate.objects.filter(anonymised_at__isnull=False).count() == 0
        call_command("anonymise_expired")
    assert "2 candidat(s) anonymisé(s)" in capsys.readouterr().out


def test_the_record_of_an_anonymised_candidate_says_so_and_offers_no_export(data, client):
    anonymisation.anonymise_expired(now=AFTER_RETENTION)
    candidate = data["completed"].candidate
    client.force_login(data["staff"]["project_holder"])

    html = client.get(reverse("pathways:candidate_detail", args=[candidate.pk])).content.decode()

    assert "Données personnelles anonymisées le" in html and "Année de naissance" in html
    assert "Exporter les données (RGPD)" not in html and "Modifier le candidat" not in html
    response = client.post(reverse("pathways:candidate_export", args=[candidate.pk]), follow=True)
    assert "il n&#x27;y a plus rien à exporter" in response.content.decode()
