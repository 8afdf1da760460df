"""Add N pathways (with contracts, transitions and funding files) to a database that holds the demo.

Bulk inserts, so that 20 000 pathways take seconds; the data are shaped like the demo's (same project
holders, employers, certifications), phases spread like a real experiment.
"""

import argparse
import datetime
import os
import random
import sys
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vae_inversee.settings")

import django  # noqa: E402

django.setup()

from django.db import transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from certifications.models import Certification  # noqa: E402
from funding.models import FundingFile, FundingPolicy  # noqa: E402
from pathways.enums import PHASE_ORDER, PathwayPhase  # noqa: E402
from pathways.models import Candidate, Contract, Employer, Pathway, PathwayTransition, Project, ProjectHolder  # noqa: E402
from vae_inversee.accounts.models import User  # noqa: E402

PHASE_WEIGHTS = [(PathwayPhase.POSITIONING, 15), (PathwayPhase.SUPPORT, 10), (PathwayPhase.ADMISSIBILITY, 10),
                 (PathwayPhase.DELIVERY, 40), (PathwayPhase.EVALUATION, 10), (PathwayPhase.COMPLETED, 10),
                 (PathwayPhase.ABANDONED, 5)]  # fmt: skip


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--pathways", type=int, default=20000)
    args = parser.parse_args()
    random.seed(2026)
    holders = list(ProjectHolder.objects.all())
    if not holders:
        sys.exit("Lancez d'abord `manage.py seed_demo` sur cette base.")
    # Room for the load: the ceilings of the demo holders would stop a real import long before.
    Project.objects.filter(status="accepted").update(
        requested_pathways=args.pathways + 1000, granted_pathways=args.pathways + 1000
    )
    projects = {p.project_holder_id: p for p in Project.objects.filter(status="accepted").order_by("-pk")}
    certifications = list(Certification.objects.vae_eligible().filter(skill_blocks__isnull=False).distinct())
    employers = {h.pk: list(Employer.objects.filter(project_holder=h)) for h in holders}
    companions = list(User.objects.filter(membership__role="companion"))
    actor = User.objects.filter(membership__role="project_holder").first()
    policy = FundingPolicy.objects.order_by("-effective_from").first()
    phases = [phase for phase, weight in PHASE_WEIGHTS for _ in range(weight)]
    now = timezone.now()
    batch = 2000
    created = 0
    start_ref = Pathway.objects.count() + 1
    while created < args.pathways:
        size = min(batch, args.pathways - created)
        with transaction.atomic():
            candidates = Candidate.objects.bulk_create(
                [
                    Candidate(
                        project_holder=holders[i % len(holders)], first_name="Charge", last_name=f"Test{created + i}",
                        birth_date=datetime.date(1970 + i % 35, 1 + i % 12, 1 + i % 28), highest_qualification="none",
                    )
                    for i in range(size)
                ]
            )  # fmt: skip
            pathways = []
            for i, candidate in enumerate(candidates):
                holder = holders[i % len(holders)]
                phase = random.choice(phases)
                pathways.append(
                    Pathway(
                        reference=f"VAEI-BENCH-{start_ref + created + i:07d}", project_holder=holder, candidate=candidate,
                        project=projects[holder.pk],
                        employer=random.choice(employers[holder.pk]), certification=random.choice(certifications),
                        companion=random.choice(companions), phase=phase,
                        abandon_reason="Charge de test" if phase == PathwayPhase.ABANDONED else "",
                        phase_changed_at=now - datetime.timedelta(days=random.randint(1, 300)),
                    )
                )  # fmt: skip
            pathways = Pathway.objects.bulk_create(pathways)
            contracts, transitions, files = [], [], []
            for pathway in pathways:
                start = datetime.date(2025, 1, 1) + datetime.timedelta(days=random.randint(0, 300))
                contracts.append(
                    Contract(
                        pathway=pathway, signed_on=start - datetime.timedelta(days=10), start_date=start,
                        end_date=start + datetime.timedelta(days=364), weekly_hours=Decimal("35"),
                        monthly_gross_salary=Decimal("1900"), tutor_name=f"Tuteur {pathway.pk}",
                    )
                )  # fmt: skip
                reached = PHASE_ORDER.index(pathway.phase) if pathway.phase in PHASE_ORDER else 0
                for step in range(reached):
                    transitions.append(
                        PathwayTransition(
                            pathway=pathway, from_phase=PHASE_ORDER[step], to_phase=PHASE_ORDER[step + 1], by=actor,
                            comment="",
                        )
                    )  # fmt: skip
                if reached >= 2:
                    files.append(
                        FundingFile(
                            pathway=pathway, contract_year=1, opco_id=pathway.employer.opco_id, policy=policy, months=12,
                            cap_teaching=policy.cap_teaching, cap_design=policy.cap_design,
                            cap_support=policy.cap_support, cap_total=policy.cap_total,
                            requested_teaching=Decimal("5000"), requested_design=Decimal("800"),
                            requested_support=Decimal("1500"),
                            status="approved" if reached >= 3 else "submitted", submitted_at=now,
                            approved_teaching=Decimal("4500") if reached >= 3 else None,
                            approved_design=Decimal("800") if reached >= 3 else None,
                            approved_support=Decimal("1500") if reached >= 3 else None,
                            decided_at=now if reached >= 3 else None,
                        )
                    )  # fmt: skip
            Contract.objects.bulk_create(contracts)
            PathwayTransition.objects.bulk_create(transitions)
            FundingFile.objects.bulk_create(files)
        created += size
        print(f"{created} parcours ajoutés", flush=True)
    print(f"Total : {Pathway.objects.count()} parcours, {PathwayTransition.objects.count()} changements de phase, "
          f"{FundingFile.objects.count()} dossiers de financement.")  # fmt: skip


if __name__ == "__main__":
    main()
