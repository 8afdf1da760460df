"""Every operation of the OpenAPI schema, fuzzed by schemathesis as each of the five roles (issue 10).

The requests go to the WSGI application in-process, against a data set where every role has objects
in its scope; the generated path ids are often swapped for real ones so that the code behind a 404 is
exercised too. Every check of schemathesis runs but those excluded below, each with its reason.
Zero server errors and zero schema violations.
"""

import random

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from django.utils import timezone
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

from certifications.models import Certification
from evaluation import services as evaluation_services
from evaluation.models import Assessment, Jury, PathwayOutcome
from funding import services as funding_services
from funding.models import FundingFile, PaymentBatch, PaymentRequest
from pathways import services as pathway_services
from pathways.enums import PathwayPhase
from pathways.models import Candidate, Document, Employer, Pathway, PathwayMessage, PlanAction, Project
from tests.funding.factories import funded_pathway, submitted_file
from tests.funding.payment_factories import bank_details, file_request
from tests.pathways.factories import PathwayFactory, ProjectFactory, pdf_upload, record_jury, staff_of, walk_to
from vae_inversee.accounts import services as account_services
from vae_inversee.accounts.models import ApiToken
from vae_inversee.webhooks import delivery as webhook_delivery
from vae_inversee.webhooks import services as webhook_services
from vae_inversee.webhooks.events import EVENTS
from vae_inversee.webhooks.models import WebhookDelivery, WebhookEndpoint
from vae_inversee.wsgi import application

schema = schemathesis.openapi.from_wsgi("/api/schema/", application)

EXCLUDED_CHECKS = {
    # Schema-valid input that the rules refuse is the point of the platform (a phase not reached, a cap,
    # the ceiling, a contract window, a decision already taken): 400 or 409 with the reason, not 2xx.
    schemathesis.checks.positive_data_acceptance,
    # Response time is measured by the bench (bench/), not asserted by tests on a shared 2-core machine.
    schemathesis.checks.max_response_time,
}
ROLES = ["project_holder", "companion", "opco", "certifier", "ministry"]
# The ids a generated path may be swapped for, by the first segment of the route.
REAL_IDS = {
    "pathways": lambda: Pathway.objects.values_list("pk", flat=True),
    "funding-files": lambda: FundingFile.objects.values_list("pk", flat=True),
    "candidates": lambda: Candidate.objects.values_list("pk", flat=True),
    "employers": lambda: Employer.objects.values_list("pk", flat=True),
    "assessments": lambda: Assessment.objects.values_list("pk", flat=True),
    "juries": lambda: Jury.objects.values_list("pk", flat=True),
    "certifications": lambda: Certification.objects.values_list("pk", flat=True),
    "project-holders": lambda: Pathway.objects.values_list("project_holder_id", flat=True),
    "projects": lambda: Project.objects.values_list("pk", flat=True),
    "tokens": lambda: ApiToken.objects.values_list("pk", flat=True),
    "plan-actions": lambda: PlanAction.objects.values_list("pk", flat=True),
    "payment-requests": lambda: PaymentRequest.objects.values_list("pk", flat=True),
    "payment-batches": lambda: PaymentBatch.objects.values_list("pk", flat=True),
    "webhooks": lambda: WebhookEndpoint.objects.values_list("pk", flat=True),
}


@pytest.fixture(autouse=True, scope="module")
def keep_the_test_database_connection():
    """The raw WSGI handler closes the connection when a request ends, as a server would; the test's own
    transaction needs it open (what django.test.Client does)."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def tokens(db, settings, tmp_path):
    """A data set where each role has objects in its scope, and one API token per role."""
    settings.MEDIA_ROOT = tmp_path
    pathway, staff = funded_pathway()
    # The holder's webhook (nothing listens on port 9: the attempts fail and are logged).
    webhook_services.endpoint_create(
        acting_user=staff["project_holder"], url="http://127.0.0.1:9/hooks", events=list(EVENTS)
    )
    walk_to(pathway, PathwayPhase.DELIVERY, staff)
    second = PathwayFactory(
        project_holder=pathway.project_holder, certification=pathway.certification, companion=pathway.companion
    )
    second = walk_to(second, PathwayPhase.EVALUATION, staff)
    record_jury(second, staff, outcome="partial", validated=1)
    # Completed, with its situation at exit (pathways/{id}/outcomes/).
    second = pathway_services.pathway_transition(acting_user=staff["certifier"], pathway=second, to="completed")
    evaluation_services.outcome_record(
        acting_user=staff["project_holder"], pathway=second, at="exit", situation="same_employer", contract_type="cdi"
    )
    third, _ = funded_pathway()
    submitted_file(third, staff_of(third))
    # Projects in the holder's hands and in the Ministry's (besides the accepted ones of the pathways).
    ProjectFactory(project_holder=pathway.project_holder)
    ProjectFactory(project_holder=pathway.project_holder, status="submitted")
    ProjectFactory(project_holder=pathway.project_holder, status="complete", complete_at=timezone.now())
    # Payments: a request waiting, another accepted and batched.
    funding_file = FundingFile.objects.get(pathway=pathway, contract_year=1)
    bank_details(staff)
    file_request(funding_file, staff, amount="300.00")
    batched = file_request(funding_file, staff, amount="400.00")
    funding_services.payment_request_approve(
        acting_user=staff["opco"], payment_request=batched, approved_amount="400.00"
    )
    funding_services.payment_batch_create(acting_user=staff["opco"], requests=[batched])
    pathway_services.message_post(
        acting_user=staff["project_holder"], pathway=pathway, body="Bonjour", attachment=pdf_upload()
    )
    assert Document.objects.exists() and FundingFile.objects.exists() and Jury.objects.exists()
    assert PathwayOutcome.objects.exists()
    webhook_delivery.retry_due()
    assert Document.objects.exists() and FundingFile.objects.exists() and Jury.objects.exists()
    assert WebhookDelivery.objects.exists()
    return {role: account_services.api_token_issue(acting_user=staff[role])[1] for role in ROLES}


def with_real_ids(case):
    """Half the time, the path's ids become ids that exist (inside or outside the caller's scope)."""
    segment = case.path.strip("/").split("/")[2] if case.path.count("/") > 3 else ""
    real = REAL_IDS.get(segment)
    if real and case.path_parameters and random.random() < 0.5:
        ids = list(real())
        if ids:
            case.path_parameters = {**case.path_parameters, "id": random.choice(ids)}
    if case.path_parameters and "delivery_id" in case.path_parameters and random.random() < 0.5:
        deliveries = list(WebhookDelivery.objects.values_list("pk", flat=True))
        if deliveries:
            case.path_parameters = {**case.path_parameters, "delivery_id": random.choice(deliveries)}
    if case.path_parameters and "document_id" in case.path_parameters and random.random() < 0.5:
        documents = list(Document.objects.values_list("pk", flat=True))
        case.path_parameters = {**case.path_parameters, "document_id": random.choice(documents)}
    if case.path_parameters and "message_id" in case.path_parameters and random.random() < 0.5:
        messages = list(PathwayMessage.objects.values_list("pk", flat=True))
        if messages:
            case.path_parameters = {**case.path_parameters, "message_id": random.choice(messages)}


@pytest.mark.django_db
@schema.parametrize()
@hypothesis_settings(
    max_examples=12,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much],
)
def test_every_operation_as_every_role(case, tokens):
    with_real_ids(case)
    for role in ROLES:
        case.call_and_validate(
            headers={"Authorization": f"Token {tokens[role]}"}, excluded_checks=list(EXCLUDED_CHECKS)
        )
