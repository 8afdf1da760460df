"""The demo's outcomes (product.md section 8): the person's situation after each ended demo pathway, in
every situation, six-month records where six months have passed, and one pathway ended seven months ago
still awaiting its six-month record (the daily reminder's case). Recorded through the service, at the
moments they would have been (time-machine)."""

import datetime

import time_machine
from django.utils import timezone

from certifications.models import Certification
from evaluation import services as evaluation_services
from evaluation.enums import OutcomeMoment
from evaluation.models import PathwayOutcome
from evaluation.outcomes import ended_on, six_months_due_on
from pathways import services
from pathways.enums import CLOSED_PHASES, HighestQualification, PathwayPhase
from pathways.models import Candidate, Employer, Pathway
from vae_inversee.accounts.models import User
from vae_inversee.lib.dates import add_months

# (situation, contract type), cycled over the ended pathways: every situation appears.
SITUATIONS = [
    ("same_employer", "cdi"),
    ("other_employer", "cdd"),
    ("job_seeker", ""),
    ("same_employer", "cdd"),
    ("training", ""),
    ("other_employer", "interim"),
    ("other", ""),
    ("unknown", ""),
    ("same_employer", "other"),
]
# Six months on, the situation often improved.
SIX_MONTHS_LATER = {"job_seeker": ("other_employer", "cdi"), "training": ("same_employer", "cdi")}
# The pathway ended seven months ago, awaiting its six-month situation.
AWAITING = {
    "holder": "GEIQ Propreté Île-de-France",
    "staff": "porteur@demo.vae",
    "companion": "accompagnateur@demo.vae",
    "employer": "Nettoyage Services Franciliens",
    "certification": "RNCP90001",
    "candidate": ("Lucie", "Marchand", datetime.date(1987, 6, 14)),
}


def _at(moment):
    """Noon on that day, at the latest now (nothing is recorded in the future)."""
    when = timezone.make_aware(datetime.datetime.combine(moment, datetime.time(12)))
    return time_machine.travel(min(when, timezone.now()), tick=False)


def _awaiting_pathway(holders) -> Pathway | None:
    holder = holders[AWAITING["holder"]]
    first_name, last_name, birth_date = AWAITING["candidate"]
    candidate, _ = Candidate.objects.get_or_create(
        project_holder=holder,
        first_name=first_name,
        last_name=last_name,
        defaults={"birth_date": birth_date, "highest_qualification": HighestQualification.NONE, "email": ""},
    )
    existing = Pathway.objects.filter(candidate=candidate).first()
    if existing:
        return existing
    staff = User.objects.get(email=AWAITING["staff"])
    today = timezone.localdate()
    with _at(add_months(today, -8)):
        certification = Certification.objects.get(code=AWAITING["certification"])
        pathway = services.pathway_create(
            acting_user=staff,
            candidate=candidate,
            employer=Employer.objects.get(project_holder=holder, name=AWAITING["employer"]),
            certification=certification,
            target_blocks=certification.skill_blocks.all()[:2],
            companion=User.objects.get(email=AWAITING["companion"]),
        )
    with _at(add_months(today, -7)):
        services.pathway_transition(
            acting_user=staff,
            pathway=pathway,
            to=PathwayPhase.ABANDONED,
            comment="Embauche en CDI chez l'employeur avant la fin du positionnement.",
        )
    return pathway


def seed_outcomes(holders) -> int:
    """The situations of the ended demo pathways; returns how many were recorded (none on a second run)."""
    awaiting = _awaiting_pathway(holders)
    staff = {
        organisation_id: user
        for organisation_id, user in (
            (user.membership.organisation_id, user)
            for user in User.objects.filter(membership__role="project_holder")
            .select_related("membership")
            .order_by("pk")
        )
    }
    recorded = 0
    today = timezone.localdate()
    ended = Pathway.objects.filter(phase__in=CLOSED_PHASES).order_by("pk")
    for index, pathway in enumerate(ended):
        if PathwayOutcome.objects.filter(pathway=pathway).exists():
            continue
        user = staff[pathway.project_holder_id]
        situation, contract_type = SITUATIONS[index % len(SITUATIONS)]
        if pathway.pk == awaiting.pk:
            situation, contract_type = "same_employer", "cdi"
        with _at(ended_on(pathway) + datetime.timedelta(days=3)):
            evaluation_services.outcome_record(
                acting_user=user, pathway=pathway, at=OutcomeMoment.EXIT, situation=situation,
                contract_type=contract_type,
            )  # fmt: skip
        recorded += 1
        # Six months on, where they have passed (one in four still missing, the awaiting one too).
        due = six_months_due_on(pathway)
        if due <= today - datetime.timedelta(days=10) and index % 4 != 3 and pathway.pk != awaiting.pk:
            later, later_contract = SIX_MONTHS_LATER.get(situation, (situation, contract_type))
            with _at(due + datetime.timedelta(days=5)):
                evaluation_services.outcome_record(
                    acting_user=user, pathway=pathway, at=OutcomeMoment.SIX_MONTHS, situation=later,
                    contract_type=later_contract,
                )  # fmt: skip
            recorded += 1
    return recorded
