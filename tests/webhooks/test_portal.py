"""The portal's webhook pages: an organisation admin registers (the secret shown once), follows the log,
disables, redelivers and deletes; a member who is not an admin is refused."""

import pytest
from django.urls import reverse

from tests.accounts.factories import UserFactory
from tests.webhooks.receiver import start_receiver
from vae_inversee.webhooks.models import WebhookEndpoint


@pytest.fixture
def receiver():
    found, server = start_receiver()
    yield found
    server.shutdown()
    server.server_close()


@pytest.mark.django_db
def test_an_admin_registers_and_manages_a_webhook_from_the_portal(client, project_holder_user, receiver):
    client.force_login(project_holder_user)
    assert b"webhooks-link" in client.get(reverse("accounts:organisation")).content
    refused = client.post(reverse("webhooks:list"), {"url": "ftp://x", "events": ["jury.recorded"]})
    assert refused.status_code == 200 and "https://" in refused.content.decode()
    page = client.post(reverse("webhooks:list"), {"url": receiver.url, "events": ["jury.recorded"]})
    endpoint = WebhookEndpoint.objects.get()
    assert endpoint.secret.encode() in page.content
    assert endpoint.secret.encode() not in client.get(reverse("webhooks:list")).content
    assert client.get(reverse("webhooks:detail", args=[endpoint.pk])).status_code == 200
    client.post(reverse("webhooks:toggle", args=[endpoint.pk]))
    endpoint.refresh_from_db()
    assert not endpoint.active
    client.post(reverse("webhooks:delete", args=[endpoint.pk]))
    assert not WebhookEndpoint.objects.exists()


@pytest.mark.django_db
def test_a_member_who_is_not_an_admin_is_refused(client, project_holder_user):
    colleague = UserFactory(organisation=project_holder_user.membership.organisation, is_admin=False)
    client.force_login(colleague)
    assert client.get(reverse("webhooks:list")).status_code == 403
