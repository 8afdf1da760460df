"""The transition log and the decisions are append-only down to the database (issue 10 item 6)."""

import pytest
from django.db import IntegrityError, connection, transaction

from funding.models import FundingFile
from pathways.enums import PathwayPhase
from pathways.models import PathwayTransition, ProjectTransition
from tests.conftest import require_service
from tests.funding.factories import funded_pathway, submitted_file
from tests.pathways.factories import PathwayFactory, walk_to

pytestmark = pytest.mark.django_db


def require_postgresql():
    """The triggers are PostgreSQL's (the production database): CI runs these on it."""
    require_service(connection.vendor == "postgresql", "the append-only triggers are PostgreSQL's (DATABASE_URL)")


@pytest.fixture
def log(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return PathwayTransition.objects.get(pathway=walk_to(PathwayFactory(), PathwayPhase.SUPPORT))


@pytest.mark.parametrize(
    "rewrite",
    [
        lambda log: PathwayTransition.objects.filter(pk=log.pk).update(comment="réécrit"),
        lambda log: PathwayTransition.objects.filter(pk=log.pk).delete(),
        lambda log: log.delete(),
        lambda log: (setattr(log, "to_phase", "completed"), log.save()),
    ],
    ids=["queryset-update", "queryset-delete", "delete", "save"],
)
def test_the_orm_refuses_to_rewrite_the_log(log, rewrite):
    with pytest.raises(IntegrityError, match="ajout seul"), transaction.atomic():
        rewrite(log)
    assert PathwayTransition.objects.filter(pk=log.pk, comment="", to_phase="support").exists()


@pytest.mark.parametrize(
    "sql",
    ["UPDATE pathways_pathwaytransition SET comment = 'réécrit' WHERE id = %s",
     "DELETE FROM pathways_pathwaytransition WHERE id = %s"],
    ids=["update", "delete"],
)  # fmt: skip
def test_the_database_refuses_to_rewrite_the_log(log, sql):
    require_postgresql()
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, [log.pk])
    assert PathwayTransition.objects.filter(pk=log.pk, comment="").exists()


@pytest.fixture
def decided(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    pathway, staff = funded_pathway()
    funding_file = submitted_file(pathway, staff)
    FundingFile.objects.filter(pk=funding_file.pk).update(status="rejected", decision_reason="Hors barème")
    return funding_file


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE funding_fundingfile SET status = 'approved' WHERE id = %s",
        "UPDATE funding_fundingfile SET decision_reason = 'autre motif' WHERE id = %s",
        "UPDATE funding_fundingfile SET requested_teaching = 1 WHERE id = %s",
        "DELETE FROM funding_fundingfile WHERE id = %s",
    ],
    ids=["status", "reason", "amount", "delete"],
)
def test_the_database_refuses_to_rewrite_a_decision(decided, sql):
    require_postgresql()
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, [decided.pk])
    decided.refresh_from_db()
    assert (decided.status, decided.decision_reason) == ("rejected", "Hors barème")


def test_a_decided_file_still_gets_its_agreement_and_caps(decided):
    FundingFile.objects.filter(pk=decided.pk).update(agreement="agreements/accord.pdf", months=11)
    decided.refresh_from_db()
    assert (decided.agreement.name, decided.months) == ("agreements/accord.pdf", 11)


def test_an_undecided_file_may_change(decided):
    other_pathway, staff = funded_pathway()
    draft = submitted_file(other_pathway, staff)
    FundingFile.objects.filter(pk=draft.pk).update(status="changes_requested", decision_reason="Devis")
    assert FundingFile.objects.get(pk=draft.pk).status == "changes_requested"


@pytest.mark.parametrize(
    "sql",
    ["UPDATE pathways_projecttransition SET comment = 'réécrit' WHERE id = %s",
     "DELETE FROM pathways_projecttransition WHERE id = %s"],
    ids=["update", "delete"],
)  # fmt: skip
def test_the_database_refuses_to_rewrite_the_project_log(sql):
    require_postgresql()
    project = PathwayFactory().project
    log = ProjectTransition.objects.create(project=project, name="accept", from_status="complete", to_status="accepted")
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, [log.pk])
    assert ProjectTransition.objects.filter(pk=log.pk, comment="").exists()
