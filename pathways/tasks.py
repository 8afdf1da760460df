import datetime
import smtplib
from urllib.parse import urlencode

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from sesame import settings as sesame_settings
from sesame.tokens import create_token

from pathways import project_deadlines
from pathways.enums import CANDIDATE_INVITATION_SCOPE
from pathways.models import Admissibility, Candidate, Pathway, PathwayMessage, PathwayTransition, ProjectTransition
from pathways.selectors import pathway_people
from pathways.workflow import named
from vae_inversee.notifications.enums import NotificationCategory
from vae_inversee.notifications.services import notify


def _link(pathway):
    return reverse("pathways:detail", args=[pathway.pk])


@shared_task(bind=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def notify_transition(self, transition_id):
    """Tell the people concerned that a pathway changed phase (inbox + e-mail)."""
    log = PathwayTransition.objects.select_related("pathway__candidate", "by").filter(pk=transition_id).first()
    if log is None:
        return 0
    pathway = log.pathway
    tells = named(log.name).tells
    created = notify(
        recipients=pathway_people(pathway, excluding=log.by, opco="opco" in tells, certifier="certifier" in tells),
        category=NotificationCategory.PHASE,
        event_key=f"transition:{log.pk}",
        subject=f"{pathway.reference} : {log.get_from_phase_display()} → {log.get_to_phase_display()}",
        template="phase_change",
        context={"pathway": pathway, "log": log, "at": timezone.localtime(log.at)},
        link=_link(pathway),
    )
    return len(created)


@shared_task(bind=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def notify_admissibility(self, admissibility_id):
    decision = (
        Admissibility.objects.select_related("pathway__candidate", "decided_by").filter(pk=admissibility_id).first()
    )
    if decision is None:
        return 0
    pathway = decision.pathway
    created = notify(
        recipients=pathway_people(pathway, excluding=decision.decided_by),
        category=NotificationCategory.ADMISSIBILITY,
        event_key=f"admissibility:{decision.pk}:{decision.decided_at.isoformat()}",
        subject=f"{pathway.reference} : dossier {decision.get_decision_display().lower()}",
        template="admissibility",
        context={"pathway": pathway, "decision": decision},
        link=_link(pathway),
    )
    return len(created)


@shared_task(bind=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def notify_jury_session(self, pathway_id, session_date):
    pathway = Pathway.objects.select_related("candidate").filter(pk=pathway_id).first()
    if pathway is None or str(pathway.jury_session_date) != session_date:
        return 0  # changed again meanwhile: the later task tells the new date
    created = notify(
        recipients=pathway_people(pathway),
        category=NotificationCategory.JURY,
        event_key=f"jury_session:{pathway.pk}:{session_date}",
        subject=f"{pathway.reference} : session de jury le {pathway.jury_session_date:%d/%m/%Y}",
        template="jury_session",
        context={"pathway": pathway},
        link=_link(pathway),
    )
    return len(created)


@shared_task(bind=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def notify_project(self, transition_id):
    """Tell the people a project's move concerns (pathways.project_deadlines.tell_move)."""
    log = (
        ProjectTransition.objects.select_related("project__project_holder__organisation")
        .filter(pk=transition_id)
        .first()
    )
    if log is None:
        return 0
    return project_deadlines.tell_move(log)


@shared_task(bind=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=3)
def project_deadlines_daily(self, today=None):
    """Celery beat, every morning: implicit refusals the day after a deadline, reminders to the Ministry.

    `today` (ISO date) for tests and replays; idempotent, so a second run the same day does nothing more.
    """
    day = datetime.date.fromisoformat(today) if today else timezone.localdate()
    rejected = project_deadlines.projects_deem_rejected(day)
    reminded = project_deadlines.deadline_reminders(day)
    return {"deemed_rejected": len(rejected), "reminders": reminded}


@shared_task(bind=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def notify_message(self, message_id):
    """Tell everyone who sees the pathway (but its author) that a message was written in its thread."""
    message = PathwayMessage.objects.select_related("pathway__candidate__user", "author").filter(pk=message_id).first()
    if message is None:
        return 0
    pathway = message.pathway
    people = pathway_people(pathway, excluding=message.author, opco=True, certifier=True)
    # The employer's OPCO sees the pathway only once a file is submitted to it: never tell more than see.
    recipients = [person for person in people if Pathway.objects.visible_to(person).filter(pk=pathway.pk).exists()]
    created = notify(
        recipients=recipients,
        category=NotificationCategory.MESSAGE,
        event_key=f"message:{message.pk}",
        subject=f"{pathway.reference} : nouveau message de {message.author.get_full_name() or message.author.email}",
        template="message",
        context={"pathway": pathway, "message": message},
        link=reverse("pathways:messages", args=[pathway.pk]) + "#messages",
    )
    # The candidate reads the thread too, on « Mon parcours » (once their account is active).
    candidate_user = pathway.candidate.user
    if (
        candidate_user is not None
        and candidate_user != message.author
        and Pathway.objects.visible_to(candidate_user).filter(pk=pathway.pk).exists()
    ):
        created += notify(
            recipients=[candidate_user],
            category=NotificationCategory.MESSAGE,
            event_key=f"message:{message.pk}",
            subject=f"Votre parcours : nouveau message de {message.author.get_full_name() or message.author.email}",
            template="message",
            context={"pathway": pathway, "message": message},
            link=reverse("candidate:pathway", args=[pathway.pk]) + "#messages",
        )
    return len(created)


@shared_task(autoretry_for=(smtplib.SMTPException, OSError), retry_backoff=True, max_retries=6)
def send_candidate_invitation(candidate_id):
    """E-mail the candidate their link to « Mon parcours » (made now, for the account as it is now)."""
    candidate = Candidate.objects.select_related("user", "invited_by", "project_holder__organisation").filter(
        pk=candidate_id
    )
    candidate = candidate.first()
    if candidate is None or candidate.user is None or candidate.activated_at or candidate.user.has_usable_password():
        return False
    token = create_token(candidate.user, CANDIDATE_INVITATION_SCOPE)
    link = settings.SITE_URL + reverse("candidate:welcome") + "?" + urlencode({sesame_settings.TOKEN_NAME: token})
    context = {
        "candidate": candidate,
        "holder": candidate.project_holder.organisation,
        "link": link,
        "valid_until": timezone.localtime(timezone.now() + datetime.timedelta(seconds=sesame_settings.MAX_AGE)),
    }
    send_mail(
        subject="[VAE inversée] Suivez votre parcours en ligne",
        message=render_to_string("emails/candidate_invitation-body.txt", context),
        from_email=None,
        recipient_list=[candidate.user.email],
    )
    return True
