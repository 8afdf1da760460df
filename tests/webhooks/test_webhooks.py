"""Webhooks end to end (issue 14): a receiver on 127.0.0.1 is registered through the API, a pathway and a
funding decision are walked through the services, and every event arrives once, signed, in order per
object, scoped to the receiving organisation; retries follow the schedule; production refuses private
addresses, at registration and at delivery."""

import datetime
import json

import pytest
import time_machine
from django.core import mail
from django.test import override_settings
from django.utils import timezone
from standardwebhooks.webhooks import Webhook

from funding import services as funding_services
from funding.models import FundingFile
from pathways import project_deadlines, project_services
from pathways.enums import PathwayPhase
from tests.accounts.factories import UserFactory
from tests.conftest import api_as
from tests.funding.factories import funded_pathway, submitted_file
from tests.funding.payment_factories import approved_file, bank_details, file_request
from tests.pathways.factories import ProjectHolderFactory, walk_to
from tests.pathways.test_projects import complete
from tests.webhooks.receiver import start_receiver
from vae_inversee.accounts.models import Organisation
from vae_inversee.notifications.models import Notification
from vae_inversee.webhooks import addresses, delivery
from vae_inversee.webhooks.enums import MessageStatus
from vae_inversee.webhooks.models import WebhookDelivery, WebhookEndpoint, WebhookMessage

ALL_EVENTS = ["pathway.transitioned", "funding_file.decided", "jury.recorded"]


@pytest.fixture
def receiver():
    found, server = start_receiver()
    yield found
    server.shutdown()
    server.server_close()


def register(user, url, events=ALL_EVENTS):
    response = api_as(user).post("/api/v1/webhooks/", {"url": url, "events": events}, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["secret"].startswith("whsec_")
    # Shown once: a later read does not return it.
    again = api_as(user).get(f"/api/v1/webhooks/{body['id']}/").json()
    assert again["secret"] is None
    return body


def verified(receiver, secret):
    """Every request the receiver got, its signature checked with the Standard Webhooks library when it
    arrived (the library refuses a timestamp more than 5 minutes away from its clock)."""
    payloads = []
    for item in receiver.received:
        sent = datetime.datetime.fromtimestamp(int(item.headers["webhook-timestamp"]), tz=datetime.UTC)
        with time_machine.travel(sent, tick=False):
            payloads.append(Webhook(secret).verify(item.body, item.headers))
    return payloads


@pytest.mark.django_db
def test_a_walked_pathway_and_a_funding_decision_arrive_once_signed_in_order(
    receiver, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    pathway, staff = funded_pathway()
    holder = register(staff["project_holder"], receiver.url)
    other_opco = UserFactory(organisation=Organisation.objects.get(kind="opco", code="ATLAS"))
    stranger, stranger_server = start_receiver()
    try:
        register(other_opco, stranger.url)
        with django_capture_on_commit_callbacks(execute=True):
            walk_to(pathway, PathwayPhase.DELIVERY, staff)

        payloads = verified(receiver, holder["secret"])
        types = [payload["type"] for payload in payloads]
        # support, admissibility, delivery; and year 1's funding file approved on the way.
        assert types.count("pathway.transitioned") == 3
        assert types.count("funding_file.decided") == 1
        # Once each: every webhook-id is distinct, and the phases come in the order they were walked.
        assert len({item.headers["webhook-id"] for item in receiver.received}) == len(receiver.received)
        phases = [p["data"]["phase"] for p in payloads if p["type"] == "pathway.transitioned"]
        assert phases == ["support", "admissibility", "delivery"]
        decided = next(p for p in payloads if p["type"] == "funding_file.decided")
        funding_file = FundingFile.objects.get(pathway=pathway)
        # The object as the API returns it to that organisation, at the moment of the decision (its agreement
        # PDF is made after the commit: available now, not yet then).
        now = api_as(staff["project_holder"]).get(f"/api/v1/funding-files/{funding_file.pk}/").json()
        assert now.pop("agreement_available") is True
        assert decided["data"].pop("agreement_available") is False
        assert decided["data"] == now
        assert decided["data"]["status"] == "approved"
        timestamps = [int(item.headers["webhook-timestamp"]) for item in receiver.received]
        assert timestamps == sorted(timestamps)
        # An OPCO never receives another OPCO's events.
        assert stranger.received == []
        # Each attempt is logged, for the holder's organisation only.
        log = api_as(staff["project_holder"]).get(f"/api/v1/webhooks/{holder['id']}/deliveries/").json()
        assert log["count"] == 4 and all(row["status_code"] == 200 for row in log["results"])
        assert api_as(other_opco).get(f"/api/v1/webhooks/{holder['id']}/deliveries/").status_code == 404
    finally:
        stranger_server.shutdown()
        stranger_server.server_close()


@pytest.mark.django_db
def test_the_opco_hears_of_its_own_decision_and_the_pathway_it_sees(
    receiver, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    pathway, staff = funded_pathway()
    opco = register(staff["opco"], receiver.url, ["funding_file.decided"])
    with django_capture_on_commit_callbacks(execute=True):
        funding_file = submitted_file(pathway, staff)
        api_as(staff["opco"]).post(f"/api/v1/funding-files/{funding_file.pk}/reject/", {"reason": "Pièces manquantes."})
    [payload] = verified(receiver, opco["secret"])
    assert payload["type"] == "funding_file.decided"
    assert payload["data"]["id"] == funding_file.pk and payload["data"]["status"] == "rejected"


@pytest.mark.django_db
def test_a_receiver_answering_500_three_times_gets_the_event_on_the_fourth_attempt(
    settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    flaky, server = start_receiver(script=[500, 500, 500])
    try:
        pathway, staff = funded_pathway()
        hook = register(staff["project_holder"], flaky.url, ["pathway.transitioned"])
        start = timezone.now()
        with django_capture_on_commit_callbacks(execute=True):
            walk_to(pathway, PathwayPhase.SUPPORT, staff)
        message = WebhookMessage.objects.get()
        assert message.status == MessageStatus.PENDING and len(flaky.received) == 1
        delays = delivery.retry_delays()
        assert delays[:3] == [60, 120, 240] and sum(delays) <= 24 * 3600

        # Not due yet: nothing is sent.
        assert delivery.retry_due() == 0 and len(flaky.received) == 1
        elapsed = 0
        for attempt, wait in enumerate(delays[:3], start=2):
            elapsed += wait
            with time_machine.travel(start + datetime.timedelta(seconds=elapsed + 1), tick=False):
                delivered = delivery.retry_due()
            assert len(flaky.received) == attempt
            assert delivered == (1 if attempt == 4 else 0)

        message.refresh_from_db()
        assert message.status == MessageStatus.DELIVERED and message.attempts == 4
        # The same message each time: one webhook-id, each attempt signed afresh.
        assert len({item.headers["webhook-id"] for item in flaky.received}) == 1
        payloads = verified(flaky, hook["secret"])
        assert {p["data"]["phase"] for p in payloads} == {"support"}
        codes = list(WebhookDelivery.objects.order_by("attempt").values_list("status_code", flat=True))
        assert codes == [500, 500, 500, 200]
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.django_db
def test_an_endpoint_failing_again_and_again_is_disabled_and_its_admin_told(
    settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    settings.WEBHOOK_DISABLE_AFTER_FAILURES = 3
    down, server = start_receiver(default=503)
    try:
        pathway, staff = funded_pathway()
        hook = register(staff["project_holder"], down.url, ["pathway.transitioned"])
        with django_capture_on_commit_callbacks(execute=True):
            walk_to(pathway, PathwayPhase.ADMISSIBILITY, staff)
        start = timezone.now()
        # The second message waits behind the first (same object); the first fails twice more.
        for hours in (1, 2):
            with time_machine.travel(start + datetime.timedelta(hours=hours), tick=False):
                with django_capture_on_commit_callbacks(execute=True):
                    delivery.retry_due()
        assert len(down.received) == 3
        endpoint = WebhookEndpoint.objects.get(pk=hook["id"])
        assert not endpoint.active and "échecs consécutifs" in endpoint.disabled_reason
        assert Notification.objects.filter(recipient=staff["project_holder"], category="integration").exists()
        assert any("Webhook désactivé" in email.subject for email in mail.outbox)
        sent = len(down.received)
        with time_machine.travel(start + datetime.timedelta(hours=4), tick=False):
            assert delivery.retry_due() == 0
        assert len(down.received) == sent

        # Re-enabled once fixed, its waiting messages go, in order; a logged one can be redelivered by hand.
        down.default = 200
        response = api_as(staff["project_holder"]).patch(
            f"/api/v1/webhooks/{hook['id']}/", {"active": True}, format="json"
        )
        assert response.status_code == 200 and response.json()["consecutive_failures"] == 0
        with time_machine.travel(start + datetime.timedelta(hours=6), tick=False):
            delivery.retry_due()
        assert WebhookMessage.objects.filter(status=MessageStatus.DELIVERED).count() == 2
        first = WebhookDelivery.objects.filter(succeeded=True).order_by("id").first()
        with django_capture_on_commit_callbacks(execute=True):
            response = api_as(staff["project_holder"]).post(
                f"/api/v1/webhooks/{hook['id']}/deliveries/{first.pk}/redeliver/"
            )
        assert response.status_code == 202
        assert WebhookDelivery.objects.filter(manual=True, succeeded=True).count() == 1
        assert down.received[-1].headers["webhook-id"] == first.message.msg_id
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.django_db
def test_a_message_is_abandoned_after_24_hours_of_failures(settings, tmp_path, django_capture_on_commit_callbacks):
    settings.MEDIA_ROOT = tmp_path
    down, server = start_receiver(default=500)
    try:
        pathway, staff = funded_pathway()
        register(staff["project_holder"], down.url, ["pathway.transitioned"])
        start = timezone.now()
        with django_capture_on_commit_callbacks(execute=True):
            walk_to(pathway, PathwayPhase.SUPPORT, staff)
        elapsed = 0
        for wait in delivery.retry_delays():
            elapsed += wait
            with time_machine.travel(start + datetime.timedelta(seconds=elapsed + 1), tick=False):
                delivery.retry_due()
        message = WebhookMessage.objects.get()
        assert message.status == MessageStatus.FAILED and message.attempts == len(delivery.retry_delays()) + 1
        assert elapsed <= 24 * 3600
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.django_db
@override_settings(WEBHOOK_ALLOW_PRIVATE_ADDRESSES=False)
def test_production_refuses_private_addresses_at_registration_and_at_delivery(
    receiver, project_holder_user, monkeypatch
):
    client = api_as(project_holder_user)
    for url in (
        receiver.url,
        "https://127.0.0.1/hooks",
        "https://10.0.0.5/hooks",
        "https://169.254.169.254/latest/meta-data",
        "https://[::1]/hooks",
        "https://[::ffff:192.168.1.1]/hooks",
        "https://localhost/hooks",
    ):
        response = client.post("/api/v1/webhooks/", {"url": url, "events": ["jury.recorded"]}, format="json")
        assert response.status_code == 400, url
        assert "url" in response.json()
    assert not WebhookEndpoint.objects.exists()
    # A public name that later resolves to a private address is refused at delivery time.
    monkeypatch.setattr(addresses, "resolve", lambda host, port: ["93.184.215.14"])
    response = client.post(
        "/api/v1/webhooks/", {"url": "https://hooks.example.org/in", "events": ["jury.recorded"]}, format="json"
    )
    assert response.status_code == 201
    monkeypatch.setattr(addresses, "resolve", lambda host, port: ["192.168.0.10"])
    assert "adresse privée" in addresses.refusal("https://hooks.example.org/in")


@pytest.mark.django_db
def test_only_known_events_and_the_organisation_own_webhooks(project_holder_user, opco_user, receiver):
    client = api_as(project_holder_user)
    response = client.post("/api/v1/webhooks/", {"url": receiver.url, "events": ["nope"]}, format="json")
    assert response.status_code == 400 and "events" in response.json()
    response = client.post("/api/v1/webhooks/", {"url": receiver.url, "events": []}, format="json")
    assert response.status_code == 400 and "events" in response.json()
    hook = register(project_holder_user, receiver.url)
    assert api_as(opco_user).get(f"/api/v1/webhooks/{hook['id']}/").status_code == 404
    assert api_as(opco_user).delete(f"/api/v1/webhooks/{hook['id']}/").status_code == 404
    assert api_as(opco_user).get("/api/v1/webhooks/").json()["count"] == 0
    rotated = client.post(f"/api/v1/webhooks/{hook['id']}/rotate-secret/").json()
    assert rotated["secret"].startswith("whsec_") and rotated["secret"] != hook["secret"]
    assert json.loads(client.get("/api/v1/webhooks/").content)["count"] == 1


@pytest.mark.django_db
def test_only_an_organisation_admin_manages_its_webhooks(project_holder_user, receiver):
    colleague = UserFactory(organisation=project_holder_user.membership.organisation, is_admin=False)
    assert project_holder_user.membership.is_admin and not colleague.membership.is_admin
    response = api_as(colleague).post("/api/v1/webhooks/", {"url": receiver.url, "events": ALL_EVENTS}, format="json")
    assert response.status_code == 403 and "administrateur" in response.json()["detail"]
    hook = register(project_holder_user, receiver.url)
    assert api_as(colleague).get("/api/v1/webhooks/").status_code == 403
    assert api_as(colleague).delete(f"/api/v1/webhooks/{hook['id']}/").status_code == 403
    assert api_as(project_holder_user).delete(f"/api/v1/webhooks/{hook['id']}/").status_code == 204


@pytest.mark.django_db
def test_the_holder_hears_of_the_ministry_decision_on_its_project(
    receiver, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    holder = ProjectHolderFactory(pathway_ceiling=0)
    staff = UserFactory(organisation=holder.organisation)
    ministry = UserFactory(role="ministry")
    hook = register(staff, receiver.url, ["project.decided"])
    project = complete(staff, ministry, timezone.now())
    assert receiver.received == []  # submitted and complete: not decided yet
    with django_capture_on_commit_callbacks(execute=True):
        project_services.project_reject(acting_user=ministry, project=project, reason="Hors du champ de l'appel.")
    [payload] = verified(receiver, hook["secret"])
    assert payload["type"] == "project.decided"
    assert payload["data"]["id"] == project.pk and payload["data"]["status"] == "rejected"


@pytest.mark.django_db
def test_a_project_deemed_rejected_is_a_decision_too(receiver, settings, tmp_path, django_capture_on_commit_callbacks):
    settings.MEDIA_ROOT = tmp_path
    holder = ProjectHolderFactory(pathway_ceiling=0)
    staff = UserFactory(organisation=holder.organisation)
    hook = register(staff, receiver.url, ["project.decided"])
    project = complete(staff, UserFactory(role="ministry"), timezone.now() - datetime.timedelta(days=70))
    with django_capture_on_commit_callbacks(execute=True):
        project_deadlines.projects_deem_rejected(project.decision_deadline + datetime.timedelta(days=1))
    [payload] = verified(receiver, hook["secret"])
    assert payload["type"] == "project.decided"
    assert payload["data"]["id"] == project.pk and payload["data"]["status"] == "deemed_rejected"


@pytest.mark.django_db
def test_the_opco_hears_of_its_decision_on_a_payment_request(
    receiver, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    funding_file, staff = approved_file()
    bank_details(staff)
    payment_request = file_request(funding_file, staff, amount="1000.00")
    opco = register(staff["opco"], receiver.url, ["payment_request.decided"])
    with django_capture_on_commit_callbacks(execute=True):
        funding_services.payment_request_approve(
            acting_user=staff["opco"], payment_request=payment_request, approved_amount="800.00"
        )
    [payload] = verified(receiver, opco["secret"])
    assert payload["type"] == "payment_request.decided"
    assert payload["data"]["id"] == payment_request.pk and payload["data"]["status"] == "approved"
