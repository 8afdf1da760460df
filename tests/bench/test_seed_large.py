"""bench/seed_large.py on a tiny size: the shape of what it seeds, so the bench's data cannot silently rot."""

from collections import defaultdict
from decimal import Decimal

import pytest
from django.db import connection
from django.db.models import Count, Sum

from certifications.models import AccessRoute, Certification
from evaluation.models import Assessment, Jury
from funding.models import FundingFile, PaymentRequest
from pathways.enums import PHASE_ORDER
from pathways.models import Document, Pathway, PathwayMessage, PathwayTransition, PlanAction, ProjectHolder
from tests.bench.modules import bench_module
from tests.pathways.factories import ProjectFactory, ProjectHolderFactory
from vae_inversee.accounts.models import Membership, User

SIZE = 200
pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="seed_large écrit par COPY (PostgreSQL)")


def load_seeder():
    return bench_module("seed_large")


@pytest.fixture
def seeded(db, ministry_user):
    demo_holder = ProjectHolderFactory()
    ProjectFactory(project_holder=demo_holder, status="accepted", requested_pathways=5, granted_pathways=5)
    AccessRoute.objects.get_or_create(label="Par expérience")
    ceiling = demo_holder.pathway_ceiling
    load_seeder().main(["--pathways", str(SIZE), "--batch", "70"])
    return demo_holder, ceiling


def test_seed_large_shape(seeded):
    bench = Pathway.objects.filter(project_holder__laureate_reference__startswith="BENCH-")
    assert bench.count() == SIZE
    # The demo holder's ceiling is left alone; every bench holder's pathways fit its accepted grants.
    demo_holder, ceiling = seeded
    assert ProjectHolder.objects.get(pk=demo_holder.pk).pathway_ceiling == ceiling
    for holder in ProjectHolder.objects.filter(laureate_reference__startswith="BENCH-"):
        assert holder.pathways.count() <= holder.pathway_ceiling
    assert ProjectHolder.objects.filter(laureate_reference__startswith="BENCH-").count() == 300
    assert (
        Certification.objects.filter(code__startswith="RNCP9")
        .annotate(n=Count("skill_blocks"))
        .filter(n__gte=3, n__lte=6)
        .count()
        == 2000
    )
    # Every role can log in with the demo password.
    for role in ("project_holder", "companion", "opco", "certifier", "ministry"):
        user = User.objects.filter(membership__role=role, email__endswith="@bench.vae").first()
        assert user is not None and user.check_password("demo-vae-2026"), role
    assert Membership.objects.filter(user__email__endswith="@bench.vae").count() > 300

    transitions = defaultdict(list)
    for row in PathwayTransition.objects.filter(pathway__in=bench).order_by("at", "id"):
        transitions[row.pathway_id].append(row)
    phases = set()
    for pathway in bench.annotate(blocks=Count("target_blocks", distinct=True)):
        phases.add(pathway.phase)
        assert pathway.blocks >= 2, "target blocks on every pathway"
        rows = transitions[pathway.pk]
        reached = PHASE_ORDER.index(pathway.phase) if pathway.phase != "abandoned" else len(rows) - 1
        assert len(rows) == (reached + 1 if pathway.phase == "abandoned" else reached)
        moments = [pathway.created_at] + [row.at for row in rows]
        assert moments == sorted(moments) and moments[-1] <= pathway.phase_changed_at
        assert [row.to_phase for row in rows[:reached]] == PHASE_ORDER[1 : reached + 1]
        assert Document.objects.filter(pathway=pathway, kind__in=["feasibility_study", "skills_diagnosis"]).count() == 2
        if reached >= 3:
            assert Assessment.objects.filter(pathway=pathway).count() >= 4
        if pathway.phase == "completed":
            jury = Jury.objects.get(pathway=pathway)
            assert jury.block_results.count() == pathway.blocks
        if reached >= 1:
            assert PlanAction.objects.filter(pathway=pathway).exists()
    assert phases == {"positioning", "support", "admissibility", "delivery", "evaluation", "completed", "abandoned"}
    # Timestamps spread over the past (medians not 0).
    span = bench.order_by("created_at").first().created_at, bench.order_by("-created_at").first().created_at
    assert (span[1] - span[0]).days > 180

    files = FundingFile.objects.filter(pathway__in=bench)
    assert {"draft", "submitted", "approved"} <= set(files.values_list("status", flat=True))
    assert set(files.values_list("contract_year", flat=True)) <= {1, 2}
    for funding_file in files:
        assert funding_file.requested_total <= funding_file.cap_total
        if funding_file.status == "approved":
            paid = PaymentRequest.objects.filter(funding_file=funding_file, category="teaching").aggregate(
                total=Sum("amount")
            )["total"] or Decimal("0")
            assert paid <= funding_file.approved_teaching
    assert PaymentRequest.objects.filter(funding_file__in=files).exists()
    assert PathwayMessage.objects.filter(pathway__in=bench).count() >= SIZE


def test_seed_large_refuses_a_second_seed(seeded):
    with pytest.raises(SystemExit):
        load_seeder().main(["--pathways", "10"])
