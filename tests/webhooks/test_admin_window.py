import pytest
from django.urls import reverse

from tests.webhooks.test_webhooks import register


@pytest.mark.django_db
def test_the_admin_sees_webhooks_without_their_secret_and_changes_nothing(admin_client, project_holder_user):
    hook = register(project_holder_user, "http://127.0.0.1:9/hooks")
    for name in ("webhookendpoint", "webhookmessage", "webhookdelivery", "tombstone"):
        assert admin_client.get(reverse(f"admin:webhooks_{name}_changelist")).status_code == 200
    page = admin_client.get(reverse("admin:webhooks_webhookendpoint_change", args=[hook["id"]]))
    assert page.status_code == 200 and hook["secret"].encode() not in page.content
    response = admin_client.post(
        reverse("admin:webhooks_webhookendpoint_change", args=[hook["id"]]), {"url": "http://evil.example/"}
    )
    assert response.status_code == 403
