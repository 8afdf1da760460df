"""The Ministry's two months (product.md section 10): the daily task's work, below `pathways.tasks`.

`projects_deem_rejected(today)` sets `deemed_rejected` on every complete project whose decision deadline
(complete_at + 2 calendar months) is before `today`, logs the move as the platform's and tells the holder;
`deadline_reminders(today)` tells the Ministry's staff 15 and 3 days before a deadline. Both are
idempotent: a project deemed rejected is never processed again, a reminder is one notice per event.
Who hears of a move (`tell_move`) is written here once, for the task of every move.
"""

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from pathways import projects_workflow
from pathways.enums import ProjectPartnerRole, ProjectStatus
from pathways.models import Employer, Project, ProjectTransition
from vae_inversee.accounts.enums import Role
from vae_inversee.accounts.models import User
from vae_inversee.notifications.enums import NotificationCategory
from vae_inversee.notifications.services import notify
from vae_inversee.webhooks.services import emit

REMINDER_DAYS = (15, 3)
EVENT_LABELS = {
    "submit": "projet déposé, à instruire",
    "request_complements": "la DGEFP demande des compléments",
    "mark_complete": "dossier déclaré complet : la DGEFP décide sous deux mois",
    "accept": "projet accepté",
    "reject": "projet refusé",
    "deem_rejected": "projet refusé implicitement (silence de deux mois)",
}


def holder_staff(project):
    return list(User.objects.filter(membership__organisation_id=project.project_holder_id, is_active=True))


def ministry_staff():
    return list(User.objects.filter(membership__role=Role.MINISTRY, is_active=True))


def partner_opcos_staff(project):
    """The staff of the OPCOs of the partner employers: a known employer's SIRET gives its IDCC's OPCO."""
    sirets = project.partners.filter(role=ProjectPartnerRole.EMPLOYER).values_list("siret", flat=True)
    opcos = Employer.objects.filter(siret__in=list(sirets)).values_list("opco_id", flat=True)
    return list(User.objects.filter(membership__organisation_id__in=set(opcos), is_active=True))


def _links(project):
    return {
        "holder": reverse("projects:detail", args=[project.pk]),
        "ministry": reverse("projects:detail", args=[project.pk]),
        "opcos": "",
    }


def tell_move(log) -> int:
    """Tell whoever the move names (the table's `tells`): the holder, the Ministry, the partners' OPCOs."""
    project = log.project
    move = projects_workflow.named(log.name)
    label = EVENT_LABELS[log.name]
    links = _links(project)
    audiences = {"holder": holder_staff, "ministry": lambda project: ministry_staff(), "opcos": partner_opcos_staff}
    created = 0
    for audience in sorted(move.tells):
        recipients = [user for user in audiences[audience](project) if user.pk != log.by_id]
        created += len(
            notify(
                recipients=recipients,
                category=NotificationCategory.PROJECT,
                event_key=f"project:{log.pk}:{audience}",
                subject=f"{project.reference} : {label}",
                template="project",
                context={"project": project, "log": log, "event_label": label, "audience": audience},
                link=links[audience],
            )
        )
    return created


def overdue(today):
    """Complete projects whose deadline has passed on `today` (complete_at + 2 months < today)."""
    return [
        project
        for project in Project.objects.filter(status=ProjectStatus.COMPLETE).order_by("pk")
        if project.decision_deadline < today
    ]


def projects_deem_rejected(today=None) -> list[Project]:
    """Silence is a refusal: each overdue project locked, moved by the platform, logged, its holder told."""
    today = today or timezone.localdate()
    move = projects_workflow.named("deem_rejected")
    done = []
    for candidate in overdue(today):
        with transaction.atomic():
            project = Project.objects.select_for_update().get(pk=candidate.pk)
            if not move.allows(project, {"today": today}):
                continue  # decided meanwhile
            source = project.status
            now = timezone.now()
            project.status, project.decided_at, project.decided_by = move.target, now, None
            project.decision_reason = (
                f"Sans décision au {project.decision_deadline:%d/%m/%Y} (deux mois après le dossier complet), "
                "le silence gardé par l'administration vaut refus."
            )
            project.full_clean()
            project.save(update_fields=["status", "decided_at", "decided_by", "decision_reason", "updated_at"])
            log = ProjectTransition.objects.create(
                project=project,
                name=move.name,
                from_status=source,
                to_status=move.target,
                by=None,
                comment=project.decision_reason,
            )
            tell_move(log)
            emit("project.decided", project)
        done.append(project)
    return done


def deadline_reminders(today=None) -> int:
    """The Ministry's staff, 15 and 3 days before a deadline: one notice per project and day of reminder."""
    today = today or timezone.localdate()
    staff = ministry_staff()
    created = 0
    for project in Project.objects.filter(status=ProjectStatus.COMPLETE).order_by("pk"):
        days_left = (project.decision_deadline - today).days
        if days_left not in REMINDER_DAYS:
            continue
        created += len(
            notify(
                recipients=staff,
                category=NotificationCategory.PROJECT,
                event_key=f"project_deadline:{project.pk}:{days_left}",
                subject=f"{project.reference} : décision attendue avant le {project.decision_deadline:%d/%m/%Y}",
                template="project_deadline",
                context={"project": project, "days_left": days_left},
                link=reverse("projects:detail", args=[project.pk]),
            )
        )
    return created
