"""The daily reminders (Celery beat): what is overdue or coming, one digest per user per day."""

import datetime
from collections import defaultdict

from django.conf import settings
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from evaluation.enums import SIX_MONTHS, OutcomeMoment
from evaluation.models import Assessment, PathwayOutcome
from evaluation.outcomes import six_months_due_on
from funding.enums import FundingStatus
from funding.models import FundingFile
from pathways.enums import CLOSED_PHASES, PathwayPhase
from pathways.models import Pathway
from pathways.selectors import people_concerned
from vae_inversee.accounts.models import User
from vae_inversee.lib.dates import add_months
from vae_inversee.notifications.enums import NotificationCategory
from vae_inversee.notifications.services import notify

FUNDING_UNDECIDED_DAYS = 15
CONTRACT_ENDING_DAYS = 30
JURY_COMING_DAYS = 7
NO_PROGRESS_DAYS = 60
# The six-month situation is asked on the day it falls due, then every week for this many weeks.
OUTCOME_REMINDER_WEEKS = 8


def collect(today: datetime.date) -> dict[int, list[str]]:
    """{user id: [reminder lines]}: a bounded number of queries, whatever the number of pathways."""
    now = timezone.now()
    items: dict[int, list[str]] = defaultdict(list)

    def tell_pathway_people(pathways, line_of, **kinds):
        """Each pathway's line to everyone concerned by it (pathways.selectors.people_concerned)."""
        concerned = people_concerned(pathways.order_by(), **kinds)
        for pathway in pathways:
            for user_id in concerned[pathway.pk]:
                items[user_id].append(line_of(pathway))

    expected = settings.PHASE_EXPECTED_DAYS
    overdue = Q()
    for phase, days in expected.items():
        overdue |= Q(phase=phase, phase_changed_at__lt=now - datetime.timedelta(days=days))
    tell_pathway_people(
        Pathway.objects.filter(overdue).select_related("candidate").order_by("phase_changed_at"),
        lambda pathway: (
            f"{pathway.reference} ({pathway.candidate}) est en phase « {PathwayPhase(pathway.phase).label} » "
            f"depuis {(now - pathway.phase_changed_at).days} jours (durée attendue : {expected[pathway.phase]} jours)."
        ),
    )

    waiting = FundingFile.objects.filter(
        status=FundingStatus.SUBMITTED, submitted_at__lt=now - datetime.timedelta(days=FUNDING_UNDECIDED_DAYS)
    ).select_related("pathway")
    opco_staff = defaultdict(list)
    for user_id, organisation_id in User.objects.filter(
        is_active=True, membership__organisation_id__in=waiting.values("opco_id")
    ).values_list("pk", "membership__organisation_id"):
        opco_staff[organisation_id].append(user_id)
    for funding_file in waiting.order_by("submitted_at"):
        days = (now - funding_file.submitted_at).days
        for user_id in opco_staff[funding_file.opco_id]:
            items[user_id].append(
                f"Le dossier de financement du parcours {funding_file.pathway.reference} (année "
                f"{funding_file.contract_year}) attend une décision depuis {days} jours."
            )

    ending = (
        Pathway.objects.open()
        .filter(
            contract__end_date__gte=today, contract__end_date__lte=today + datetime.timedelta(days=CONTRACT_ENDING_DAYS)
        )
        .select_related("candidate", "contract")
    )
    tell_pathway_people(
        ending.order_by("contract__end_date"),
        lambda pathway: (
            f"Le contrat du parcours {pathway.reference} ({pathway.candidate}) se termine le "
            f"{pathway.contract.end_date:%d/%m/%Y}."
        ),
    )

    jury_soon = (
        Pathway.objects.filter(phase__in=[PathwayPhase.DELIVERY, PathwayPhase.EVALUATION])
        .filter(jury_session_date__gte=today, jury_session_date__lte=today + datetime.timedelta(days=JURY_COMING_DAYS))
        .select_related("candidate")
    )
    tell_pathway_people(
        jury_soon.order_by("jury_session_date"),
        lambda pathway: (
            f"Session de jury du parcours {pathway.reference} ({pathway.candidate}) le "
            f"{pathway.jury_session_date:%d/%m/%Y}."
        ),
        certifier=True,
    )

    since = today - datetime.timedelta(days=NO_PROGRESS_DAYS)
    recent = Assessment.objects.filter(pathway=OuterRef("pk"), phase=PathwayPhase.DELIVERY, assessed_at__gte=since)
    quiet = (
        Pathway.objects.filter(
            phase=PathwayPhase.DELIVERY, phase_changed_at__lt=now - datetime.timedelta(days=NO_PROGRESS_DAYS)
        )
        .filter(~Exists(recent))
        .select_related("candidate")
    )
    tell_pathway_people(
        quiet.order_by("phase_changed_at"),
        lambda pathway: (
            f"Aucune progression n'a été enregistrée depuis {NO_PROGRESS_DAYS} jours pour le parcours "
            f"{pathway.reference} ({pathway.candidate})."
        ),
    )
    # Six months after the end, the project holder is asked the person's situation again (weekly, for a while).
    latest_end = add_months(today, -SIX_MONTHS)
    earliest_end = add_months(today - datetime.timedelta(weeks=OUTCOME_REMINDER_WEEKS), -SIX_MONTHS)
    recorded = PathwayOutcome.objects.filter(pathway=OuterRef("pk"), at=OutcomeMoment.SIX_MONTHS)
    ended = (
        Pathway.objects.filter(
            phase__in=CLOSED_PHASES,
            # A day's margin each side for the time zone; the exact day is checked below.
            phase_changed_at__date__gte=earliest_end - datetime.timedelta(days=1),
            phase_changed_at__date__lte=latest_end + datetime.timedelta(days=1),
        )
        .filter(~Exists(recorded))
        .select_related("candidate")
    )
    due = [pathway.pk for pathway in ended if _outcome_asked_on(pathway, today)]
    tell_pathway_people(
        Pathway.objects.filter(pk__in=due).select_related("candidate").order_by("phase_changed_at", "pk"),
        lambda pathway: (
            f"Six mois après la fin du parcours {pathway.reference} ({pathway.candidate}), indiquez la situation "
            f"de la personne (emploi, formation, recherche d'emploi…)."
        ),
        companion=False,
    )
    return items


def _outcome_asked_on(pathway, today) -> bool:
    """The six-month situation is asked the day it falls due, then each week after, for a few weeks."""
    late = (today - six_months_due_on(pathway)).days
    return 0 <= late <= 7 * OUTCOME_REMINDER_WEEKS and late % 7 == 0


def send_digests(today: datetime.date | None = None) -> int:
    """One digest notification per concerned user for `today`; running it again sends nothing more."""
    today = today or timezone.localdate()
    items = collect(today)
    users = User.objects.in_bulk(list(items))
    sent = 0
    for user_id, lines in items.items():
        sent += len(
            notify(
                recipients=[users[user_id]],
                category=NotificationCategory.REMINDER,
                event_key=f"digest:{today.isoformat()}",
                subject=f"Vos rappels du {today:%d/%m/%Y} ({len(lines)} point{'s' if len(lines) > 1 else ''})",
                template="digest",
                context={"items": lines, "day": today},
                link="/notifications/",
            )
        )
    return sent
