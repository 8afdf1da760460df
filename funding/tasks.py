import logging

from celery import shared_task
from django.urls import reverse

from funding.agreements import agreement_store
from funding.enums import FundingStatus, PaymentRequestStatus
from funding.models import FundingFile, PaymentRequest
from pathways.selectors import pathway_people
from vae_inversee.accounts.models import User
from vae_inversee.notifications.enums import NotificationCategory
from vae_inversee.notifications.services import notify


def _opco_staff(funding_file):
    """A submitted file: the staff of the OPCO it is addressed to, sent to their queue."""
    staff = User.objects.filter(membership__organisation_id=funding_file.opco_id, is_active=True)
    return list(staff), reverse("funding:opco_home")


def _pathway_people(funding_file):
    """A decision or a request for changes: the people of the pathway, but who decided."""
    pathway = funding_file.pathway
    return pathway_people(pathway, excluding=funding_file.decided_by), reverse("pathways:detail", args=[pathway.pk])


# Who hears of each status the file reaches.
TOLD = {
    FundingStatus.SUBMITTED: _opco_staff,
    FundingStatus.CHANGES_REQUESTED: _pathway_people,
    FundingStatus.APPROVED: _pathway_people,
    FundingStatus.REJECTED: _pathway_people,
}
EVENT_LABELS = {
    FundingStatus.SUBMITTED: "transmis à l'OPCO, à instruire",
    FundingStatus.CHANGES_REQUESTED: "l'OPCO demande des compléments",
    FundingStatus.APPROVED: "financement accordé",
    FundingStatus.REJECTED: "financement refusé",
}


@shared_task(bind=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def render_agreement(self, funding_file_id):
    """Render the agreement PDF of a decided file; running it again does nothing more."""
    return agreement_store(funding_file_id=funding_file_id)


@shared_task(bind=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def notify_funding(self, funding_file_id, event):
    """Submitted: tell the OPCO's staff. Decided or changes requested: tell the project holder and companion."""
    funding_file = (
        FundingFile.objects.select_related("pathway__candidate", "decided_by").filter(pk=funding_file_id).first()
    )
    if funding_file is None or not event.startswith(f"{funding_file.status}:"):
        return 0  # the file moved on meanwhile: its later event tells the news
    pathway = funding_file.pathway
    recipients, link = TOLD[funding_file.status](funding_file)
    label = EVENT_LABELS[funding_file.status]
    created = notify(
        recipients=recipients,
        category=NotificationCategory.FUNDING,
        event_key=f"funding:{funding_file.pk}:{event}"[:100],
        subject=f"{pathway.reference} : dossier de financement — {label}",
        template="funding",
        context={"pathway": pathway, "file": funding_file, "event_label": label},
        link=link,
    )
    return len(created)


def _request_opco_staff(payment_request):
    staff = User.objects.filter(membership__organisation_id=payment_request.funding_file.opco_id, is_active=True)
    return list(staff), reverse("funding:payment_queue")


def _request_holder_staff(payment_request):
    pathway = payment_request.funding_file.pathway
    staff = User.objects.filter(membership__organisation_id=pathway.project_holder_id, is_active=True)
    return list(staff), reverse("funding:pathway_payments", args=[pathway.pk])


# Who hears of each status a payment request reaches: both ways, the OPCO then the holder.
PAYMENT_TOLD = {
    PaymentRequestStatus.SUBMITTED: _request_opco_staff,
    PaymentRequestStatus.APPROVED: _request_holder_staff,
    PaymentRequestStatus.REJECTED: _request_holder_staff,
    PaymentRequestStatus.PAID: _request_holder_staff,
}
PAYMENT_EVENT_LABELS = {
    PaymentRequestStatus.SUBMITTED: "nouvelle demande de paiement à instruire",
    PaymentRequestStatus.APPROVED: "demande de paiement acceptée",
    PaymentRequestStatus.REJECTED: "demande de paiement refusée",
    PaymentRequestStatus.PAID: "demande de paiement payée",
}


@shared_task(bind=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def notify_payment(self, payment_request_id, event):
    """Filed: tell the OPCO's staff. Decided or paid: tell the project holder's staff."""
    payment_request = (
        PaymentRequest.objects.select_related("funding_file__pathway__candidate", "batch")
        .filter(pk=payment_request_id)
        .first()
    )
    if payment_request is None or not event.startswith(f"{payment_request.status}:"):
        return 0
    pathway = payment_request.funding_file.pathway
    recipients, link = PAYMENT_TOLD[payment_request.status](payment_request)
    label = PAYMENT_EVENT_LABELS[payment_request.status]
    created = notify(
        recipients=recipients,
        category=NotificationCategory.FUNDING,
        event_key=f"payment:{payment_request.pk}:{event}"[:100],
        subject=f"{pathway.reference} : {label}",
        template="payment",
        context={"pathway": pathway, "request": payment_request, "event_label": label},
        link=link,
    )
    return len(created)


logger = logging.getLogger(__name__)
# Files rendered per run of the sweep below at most (a PDF takes 0.1 to 0.3 s): the next run goes on.
MISSING_AGREEMENTS_PER_RUN = 200


@shared_task
def regenerate_missing_agreements():
    """Celery beat, every 15 minutes: store the PDF of every decided file still without one.

    The safety net behind `render_agreement`, whose message can be lost (a broker restarted empty, a task
    out of retries); `agreement_store` does nothing for a file that has its PDF, so racing it is harmless.
    Returns how many PDFs were rendered.
    """
    missing = FundingFile.objects.decided().filter(agreement="").order_by("decided_at", "pk")
    rendered = 0
    for funding_file_id in missing.values_list("pk", flat=True)[:MISSING_AGREEMENTS_PER_RUN]:
        try:
            rendered += agreement_store(funding_file_id=funding_file_id)
        except Exception:
            # One file that fails to render does not hold up the others; the next run tries it again.
            logger.exception("Agreement PDF of funding file %s not rendered", funding_file_id)
    return rendered
