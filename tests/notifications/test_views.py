from tests.accounts.factories import UserFactory
from vae_inversee.notifications.models import EmailPreference, Notification


def make(user, n, **kwargs):
    return [
        Notification.objects.create(
            recipient=user, category="phase", event_key=f"e{i}", subject=f"Sujet {i}", body="Corps", **kwargs
        )
        for i in range(n)
    ]


def test_inbox_lists_only_ones_own_and_counts_unread(client, db):
    user, other = UserFactory(role="companion"), UserFactory(role="companion")
    make(user, 2)
    make(other, 1)
    client.force_login(user)
    html = client.get("/notifications/").content.decode()
    assert "Sujet 0" in html and "Sujet 1" in html and html.count("Non lue") == 2
    assert "Notifications (2 non lues)" in html


def test_marking_read(client, db):
    user = UserFactory(role="companion")
    first, second = make(user, 2)
    client.force_login(user)
    assert client.post(f"/notifications/{first.pk}/lue/").status_code == 302
    first.refresh_from_db()
    assert first.read_at is not None
    other = UserFactory(role="companion")
    assert client.post(f"/notifications/{make(other, 1)[0].pk}/lue/").status_code == 404
    client.post("/notifications/lues/")
    assert not Notification.objects.filter(recipient=user, read_at__isnull=True).exists()


def test_preferences_page(client, db):
    user = UserFactory(role="opco")
    client.force_login(user)
    html = client.get("/notifications/preferences/").content.decode()
    assert "Rappels quotidiens" in html
    response = client.post("/notifications/preferences/", {"categories": ["funding", "reminder"]})
    assert response.status_code == 302
    disabled = set(EmailPreference.objects.filter(user=user, enabled=False).values_list("category", flat=True))
    assert disabled == {"phase", "admissibility", "jury", "project", "message", "integration"}


def test_anonymous_is_sent_to_login(client, db):
    assert client.get("/notifications/").status_code == 302
