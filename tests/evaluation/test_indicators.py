"""Indicators on a hand-built data set: every figure below is known in advance."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from evaluation.indicators import compute
from pathways import services as pathway_services
from tests.accounts.factories import OrganisationFactory, UserFactory
from tests.pathways.factories import (
    EmployerFactory,
    PathwayFactory,
    ProjectHolderFactory,
    record_jury,
    staff_of,
    walk_to,
)
from vae_inversee.accounts.models import Organisation

# The walk happens at these moments (the log is append-only: lived, not rewritten); late enough for the
# factories' contract (15/09/2025 – 14/09/2026) to have started and its jury session (its end) to be held.
T0 = timezone.make_aware(datetime.datetime(2026, 4, 5, 9, 0))


def days(n):
    return T0 + datetime.timedelta(days=n)


def at(n):
    return time_machine.travel(days(n), tick=False)


@pytest.fixture
def data(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    holder_a = ProjectHolderFactory(
        pathway_ceiling=10, organisation=OrganisationFactory(kind="project_holder", region="Bretagne")
    )
    holder_b = ProjectHolderFactory(
        pathway_ceiling=4, organisation=OrganisationFactory(kind="project_holder", region="Normandie")
    )
    atlas_employer = EmployerFactory(project_holder=holder_b, idcc="1486", opco=Organisation.objects.get(code="ATLAS"))

    a1 = PathwayFactory(project_holder=holder_a)
    a2 = PathwayFactory(project_holder=holder_a, certification=a1.certification)
    staff = staff_of(a1)
    # a3: abandoned after 4 days of positioning.
    with at(0):
        a3 = PathwayFactory(project_holder=holder_a, certification=a1.certification, companion=a1.companion)
    with at(4):
        pathway_services.pathway_transition(
            acting_user=staff["project_holder"], pathway=a3, to="abandoned", comment="Rupture de la période d'essai"
        )
    # a4: completed with a partial jury (2 of 3 blocks), funding approved for less than asked.
    with at(0):
        a4 = PathwayFactory(project_holder=holder_a, certification=a1.certification, companion=a1.companion)
    moments = {"support": days(10), "admissibility": days(30), "delivery": days(60), "evaluation": days(160)}
    a4 = walk_to(a4, "evaluation", staff, moments=moments)
    with at(165):
        record_jury(a4, staff, outcome="partial", validated=2)
        pathway_services.pathway_transition(acting_user=staff["certifier"], pathway=a4, to="completed")
    # b1: holder B, employer of ATLAS, in positioning, certification without a level.
    b1 = PathwayFactory(project_holder=holder_b, employer=atlas_employer, certification__level=None)
    return {"holder_a": holder_a, "holder_b": holder_b, "a1": a1, "a2": a2, "a4": a4, "b1": b1, "staff": staff}


def test_every_figure_for_the_ministry(data):
    figures = compute(UserFactory(role="ministry"))
    assert figures["total_pathways"] == 5
    assert {row["phase"]: row["count"] for row in figures["by_phase"]} == {
        "positioning": 3, "support": 0, "admissibility": 0, "delivery": 0, "evaluation": 0, "completed": 1, "abandoned": 1,
    }  # fmt: skip
    assert [(row["opco"], row["count"]) for row in figures["by_opco"]] == [("AKTO", 4), ("ATLAS", 1)]
    assert [(row["region"], row["count"]) for row in figures["by_region"]] == [("Bretagne", 4), ("Normandie", 1)]
    assert [(row["level"], row["count"]) for row in figures["by_level"]] == [(None, 1), (3, 4)]
    assert sorted((row["count"], row["ceiling"], row["ceiling_use"]) for row in figures["by_project_holder"]) == [
        (1, 4, 25.0),
        (4, 10, 40.0),
    ]
    assert figures["national_ceiling"] == {"ceiling": 5000, "count": 5, "use": 0.1}
    assert figures["dropouts"] == [{"reason": "Rupture de la période d'essai", "count": 1}]
    assert {row["outcome"]: row["count"] for row in figures["jury_outcomes"]} == {
        "full": 0,
        "partial": 1,
        "none": 0,
        "absent": 0,
    }
    assert figures["blocks"] == {"assessed": 3, "validated": 2}
    assert [(row["phase"], row["median_days"], row["stays"]) for row in figures["median_days_per_phase"]] == [
        ("positioning", 7.0, 2),  # 10 and 4 days
        ("support", 20.0, 1),
        ("admissibility", 30.0, 1),
        ("delivery", 100.0, 1),
        ("evaluation", 5.0, 1),
    ]
    funding = figures["funding"]
    assert (funding["files"], funding["approved_files"]) == (1, 1)
    assert [(row["category"], row["requested"], row["approved"]) for row in funding["by_category"]] == [
        ("teaching", Decimal("4000.00"), Decimal("4000.00")),
        ("design", Decimal("500.00"), Decimal("500.00")),
        ("support", Decimal("1500.00"), Decimal("1500.00")),
    ]
    assert (funding["requested_total"], funding["approved_total"]) == (Decimal("6000.00"), Decimal("6000.00"))


def test_a_project_holder_sees_only_its_own(data):
    figures = compute(UserFactory(organisation=data["holder_b"].organisation))
    assert figures["total_pathways"] == 1
    assert [(row["opco"], row["count"]) for row in figures["by_opco"]] == [("ATLAS", 1)]
    assert figures["by_project_holder"] == [
        {
            "project_holder": data["holder_b"].pk,
            "name": data["holder_b"].organisation.name,
            "count": 1,
            "ceiling": 4,
            "ceiling_use": 25.0,
        }
    ]
    assert figures["funding"]["files"] == 0 and figures["dropouts"] == []


def test_an_opco_sees_the_pathways_of_the_files_addressed_to_it(data):
    """Section 2: only a4 has a (decided) file, addressed to AKTO; ATLAS's employer has none yet."""
    akto = compute(UserFactory(organisation=Organisation.objects.get(code="AKTO")))
    assert akto["total_pathways"] == 1 and [row["opco"] for row in akto["by_opco"]] == ["AKTO"]
    atlas = compute(UserFactory(organisation=Organisation.objects.get(code="ATLAS")))
    assert atlas["total_pathways"] == 0 and atlas["funding"]["files"] == 0


def test_a_new_project_holder_sees_its_ceiling_before_its_first_pathway(db):
    holder = ProjectHolderFactory(pathway_ceiling=12)
    figures = compute(UserFactory(organisation=holder.organisation))
    assert figures["by_project_holder"][0]["ceiling_use"] == 0.0 and figures["total_pathways"] == 0


def test_query_count_does_not_grow_with_the_pathways(data):
    ministry = UserFactory(role="ministry")
    with CaptureQueriesContext(connection) as before:
        compute(ministry)
    for _ in range(6):
        PathwayFactory(project_holder=data["holder_a"])
    with CaptureQueriesContext(connection) as after:
        compute(ministry)
    assert len(after.captured_queries) == len(before.captured_queries)


def test_an_opcos_funding_totals_count_only_the_files_it_may_see(db, settings, tmp_path):
    """A draft is the holder's: it is not in the OPCO's totals (FundingFile.objects.visible_to)."""
    from funding import services as funding_services
    from funding.money import Amounts
    from tests.funding.factories import funded_pathway, submitted_file

    settings.MEDIA_ROOT = tmp_path
    pathway, staff = funded_pathway()
    submitted_file(pathway, staff, requested_teaching="1000.00")
    draft_pathway, draft_staff = funded_pathway()
    funding_services.funding_file_create(
        acting_user=draft_staff["project_holder"], pathway=draft_pathway, requested=Amounts.of(teaching="5000.00")
    )

    opco_figures = compute(staff["opco"])["funding"]
    ministry_figures = compute(staff["ministry"])["funding"]

    assert (opco_figures["files"], opco_figures["requested_total"]) == (1, Decimal("1000.00"))
    assert (ministry_figures["files"], ministry_figures["requested_total"]) == (2, Decimal("6000.00"))


def test_a_holder_without_an_accepted_project_has_a_ceiling_of_zero(db):
    holder = ProjectHolderFactory(pathway_ceiling=0)
    user = UserFactory(organisation=holder.organisation)
    rows = compute(user)["by_project_holder"]
    assert rows == [
        {"project_holder": holder.pk, "name": holder.organisation.name, "count": 0, "ceiling": 0, "ceiling_use": 0.0}
    ]
