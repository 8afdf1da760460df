"""The doors of the platform, listed from the URL conf, and a data set to knock on them with.

Two worlds: "own" objects that every role of the first world sees (a pathway in delivery with its
candidate, employer, documents, an approved funding file, progress records, a jury of a second pathway,
its token, its notifications), and "other" objects of a second world, none of which its roles see.
"""

from django.urls import URLPattern, URLResolver, get_resolver

from evaluation.models import Assessment, Jury
from funding import services as funding_services
from funding.agreements import agreement_store
from funding.models import FundingFile
from pathways import services as pathway_services
from pathways.enums import PathwayPhase
from tests.funding.payment_factories import bank_details, file_request
from tests.pathways.factories import (
    PathwayFactory,
    ProjectDocumentFactory,
    add_contract,
    candidate_account,
    pdf_upload,
    record_jury,
    record_progress,
    staff_of,
    walk_to,
)
from vae_inversee.accounts import services as account_services
from vae_inversee.accounts.models import Membership, Organisation
from vae_inversee.notifications.models import Notification
from vae_inversee.webhooks import delivery as webhook_delivery
from vae_inversee.webhooks import services as webhook_services
from vae_inversee.webhooks.events import EVENTS
from vae_inversee.webhooks.models import WebhookDelivery

ROLES = ["project_holder", "companion", "opco", "certifier", "ministry"]
SKIPPED_PREFIXES = ("admin/",)


def url_patterns(patterns=None, prefix="", namespace=None):
    """(name, route) of every URL of the platform but the admin site's (Django's own)."""
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(pattern, URLResolver):
            yield from url_patterns(pattern.url_patterns, prefix + str(pattern.pattern), pattern.namespace or namespace)
        elif isinstance(pattern, URLPattern) and not (prefix + str(pattern.pattern)).startswith(SKIPPED_PREFIXES):
            yield (f"{namespace}:{pattern.name}" if namespace else pattern.name), prefix + str(pattern.pattern)


def world(opco_code):
    """A pathway in delivery (approved year-1 file, documents, progress), a second one evaluated with a
    jury, and one user per role who sees them; returns (users, objects). Each world its own OPCO."""
    opco = Organisation.objects.get(kind="opco", code=opco_code)
    pathway = PathwayFactory(employer__opco=opco, employer__idcc="9999")
    add_contract(pathway)
    staff = staff_of(pathway)
    # The holder's webhooks (its first member is the organisation's admin): nothing listens on port 9, so
    # each message's first attempt fails and is logged.
    webhook, spare_webhook, portal_spare_webhook = (
        webhook_services.endpoint_create(acting_user=staff["project_holder"], url=url, events=list(EVENTS))
        for url in ("http://127.0.0.1:9/hooks", "http://127.0.0.1:9/spare", "http://127.0.0.1:9/portal-spare")
    )
    pathway = walk_to(pathway, PathwayPhase.DELIVERY, staff)
    record_progress(pathway, staff)
    judged = PathwayFactory(
        project_holder=pathway.project_holder,
        certification=pathway.certification,
        companion=pathway.companion,
        employer=pathway.employer,
    )
    judged = walk_to(judged, PathwayPhase.EVALUATION, staff)
    record_jury(judged, staff, outcome="full")
    webhook_delivery.retry_due()
    # The agreement PDF of the approved file (its task runs after a commit the test never makes).
    funding_file = FundingFile.objects.get(pathway=pathway, contract_year=1)
    agreement_store(funding_file_id=funding_file.pk)
    # Payments: bank details, a request waiting for the OPCO, another accepted and batched (not yet paid).
    bank_details(staff)
    payment_request = file_request(funding_file, staff, amount="500.00")
    batched = file_request(funding_file, staff, amount="700.00")
    funding_services.payment_request_approve(
        acting_user=staff["opco"], payment_request=batched, approved_amount="700.00"
    )
    batch = funding_services.payment_batch_create(acting_user=staff["opco"], requests=[batched])
    objects = {
        "pathway": pathway,
        "candidate": pathway.candidate,
        "employer": pathway.employer,
        "document": pathway.documents.first(),
        "funding_file": funding_file,
        "plan_action": pathway.plan_actions.order_by("pk").first(),
        "payment_request": payment_request,
        "payment_batch": batch,
        "assessment": Assessment.objects.filter(pathway=pathway).first(),
        "jury": Jury.objects.get(pathway=judged),
        "certification": pathway.certification,
        "project_holder": pathway.project_holder,
        # The accepted project the pathways opened in, with its fiche projet.
        "project": pathway.project,
        "project_document": ProjectDocumentFactory(project=pathway.project),
        "membership": staff["project_holder"].membership,
        "message": pathway_services.message_post(
            acting_user=staff["project_holder"], pathway=pathway, body="Bonjour", attachment=pdf_upload()
        ),
        "invitation": organisation_invitation(staff["project_holder"]),
        "webhook": webhook,
        "webhook_spare": spare_webhook,
        "webhook_portal_spare": portal_spare_webhook,
        "delivery": WebhookDelivery.objects.filter(endpoint=webhook).first(),
        # The pathway's candidate, invited and activated (« Mon parcours »): not a member, apart from `staff`.
        "candidate_user": candidate_account(pathway, staff),
    }
    return staff, objects


def organisation_invitation(member):
    """A pending invitation of the member's organisation, sent by one of its admins."""
    admin = Membership.objects.filter(organisation=member.organisation, is_admin=True).first().user
    invitation, _ = account_services.invitation_create(
        organisation=member.organisation, email=f"invite-{member.pk}@exemple.fr", acting_user=admin
    )
    return invitation


def tokens_and_notifications(staff):
    """Each user's own API token, notification and saved filter set (each is its owner's only)."""
    owned = {}
    for role, user in staff.items():
        token, _ = account_services.api_token_issue(acting_user=user, name="matrice")
        notification = Notification.objects.create(
            recipient=user, category="phase", event_key=f"matrice:{user.pk}", subject="Test", body="Test"
        )
        saved_filter, _ = account_services.saved_filter_save(
            user=user, list_key="pathways:project_holder_home", name="Matrice", query="phase=positioning"
        )
        owned[role] = {"token": token, "notification": notification, "saved_filter": saved_filter}
    return owned


def both_worlds():
    staff, own = world("AKTO")
    other_staff, other = world("ATLAS")
    return staff, own, other, tokens_and_notifications(staff), tokens_and_notifications(other_staff)


# Which object a route's parameter names, by URL name (first match of the prefix) and parameter.
OBJECT_OF = [
    ("pathways:candidate_", "candidate"),
    ("pathways:employer_", "employer"),
    ("funding:file_", "funding_file"),
    ("funding:agreement", "funding_file"),
    ("funding:invoice", "payment_request"),
    ("funding:payment_request_", "payment_request"),
    ("funding:batch_", "payment_batch"),
    ("notifications:mark_read", "notification"),
    ("accounts:api_token", "token"),
    ("accounts:saved_filter_delete", "saved_filter"),
    ("accounts:member_", "membership"),
    ("accounts:invitation_revoke", "invitation"),
    ("certifications:", "certification"),
    ("candidate-", "candidate"),
    ("employer-", "employer"),
    ("funding-file-", "funding_file"),
    ("plan-action-", "plan_action"),
    ("payment-request-", "payment_request"),
    ("payment-batch-", "payment_batch"),
    ("assessment-", "assessment"),
    ("jury-", "jury"),
    ("certification-", "certification"),
    ("project-holder-", "project_holder"),
    ("projects:", "project"),
    # A jury session is a certification and a date (evaluation.sessions).
    ("evaluation:jury_session", "certification"),
    ("project-", "project"),
    ("auth-token-", "token"),
    # The webhooks the holder may delete (API, portal), apart: a deletion comes before other routes of it.
    ("webhook-detail", "webhook_spare"),
    ("webhooks:delete", "webhook_portal_spare"),
    ("webhooks:", "webhook"),
    ("webhook-", "webhook"),
    ("", "pathway"),
]
PARAMETER = __import__("re").compile(r"<(?:\w+:)?(\w+)>|\(\?P<(\w+)>[^)]*\)")


def object_kind(name):
    return next(kind for prefix, kind in OBJECT_OF if name.startswith(prefix))


def concrete(name, route, objects, owned):
    """The route with its parameters filled from one world (None when it takes no object)."""
    parameters = [a or b for a, b in PARAMETER.findall(route)]
    if not parameters:
        return None
    values = {}
    for parameter in parameters:
        if parameter in ("document_pk", "document_id"):
            document = "project_document" if object_kind(name) == "project" else "document"
            values[parameter] = objects[document].pk
        elif parameter in ("message_pk", "message_id"):
            values[parameter] = objects["message"].pk
        elif parameter == "delivery_id":
            values[parameter] = objects["delivery"].pk
        elif parameter == "file_format":
            values[parameter] = "csv"
        elif parameter == "session_date":
            # A session named by the caller (the accessibility crawl), else the date of the world's jury.
            values[parameter] = objects.get("session_date") or objects["jury"].session_date.isoformat()
        elif parameter == "file_pk":
            values[parameter] = objects["funding_file"].pk
        elif parameter == "action_pk":
            values[parameter] = objects["plan_action"].pk
        else:
            kind = object_kind(name)
            values[parameter] = (owned[kind] if kind in owned else objects[kind]).pk
    return values


def path_of(route, values):
    path = route.replace("^", "").replace("$", "").replace("\\.", ".")
    for parameter, value in values.items():
        path = __import__("re").sub(rf"<(?:\w+:)?{parameter}>|\(\?P<{parameter}>[^)]*\)", str(value), path)
    return "/" + path
