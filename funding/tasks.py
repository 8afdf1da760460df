from celery import shared_task

from funding import services


@shared_task(bind=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def render_agreement(self, funding_file_id):
    """Render the agreement PDF of a decided file; running it again does nothing more."""
    return services.agreement_store(funding_file_id=funding_file_id)


@shared_task(bind=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def notify_funding(self, funding_file_id, event):
    """Submitted: tell the OPCO's staff. Decided or changes requested: tell the project holder and companion."""
    from django.urls import reverse

    from funding.enums import FundingStatus
    from funding.models import FundingFile
    from funding.money import format_euros
    from vae_inversee.accounts.models import User
    from vae_inversee.notifications.enums import NotificationCategory
    from vae_inversee.notifications.recipients import excluding, pathway_people
    from vae_inversee.notifications.services import notify

    funding_file = (
        FundingFile.objects.select_related("pathway__candidate", "decided_by").filter(pk=funding_file_id).first()
    )
    if funding_file is None or not event.startswith(f"{funding_file.status}:"):
        return 0  # the file moved on meanwhile: its later event tells the news
    pathway = funding_file.pathway
    if funding_file.status == FundingStatus.SUBMITTED:
        recipients = list(User.objects.filter(membership__organisation_id=funding_file.opco_id, is_active=True))
        link = reverse("funding:opco_home")
    else:
        recipients = excluding(pathway_people(pathway), funding_file.decided_by)
        link = reverse("pathways:detail", args=[pathway.pk])
    labels = {
        FundingStatus.SUBMITTED: "transmis à l'OPCO, à instruire",
        FundingStatus.CHANGES_REQUESTED: "l'OPCO demande des compléments",
        FundingStatus.APPROVED: "financement accordé",
        FundingStatus.REJECTED: "financement refusé",
    }
    created = notify(
        recipients=recipients,
        category=NotificationCategory.FUNDING,
        event_key=f"funding:{funding_file.pk}:{event}"[:100],
        subject=f"{pathway.reference} : dossier de financement — {labels[funding_file.status]}",
        template="funding",
        context={
            "pathway": pathway,
            "file": funding_file,
            "event_label": labels[funding_file.status],
            "requested_total": format_euros(funding_file.requested_total),
            "approved_total": format_euros(funding_file.approved_total)
            if funding_file.approved_total is not None
            else "",
        },
        link=link,
    )
    return len(created)
