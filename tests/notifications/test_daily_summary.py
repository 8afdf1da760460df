"""The daily summary: one e-mail a day listing the new unread notifications of the users who chose it,
none when nothing is new, never twice for a day; no e-mail per event for them, one for the others."""

import datetime

import pytest
from django.urls import reverse

from tests.accounts.factories import UserFactory
from tests.pathways.factories import PathwayFactory, staff_of, walk_to
from vae_inversee.notifications import tasks
from vae_inversee.notifications.models import DailySummary, Notification
from vae_inversee.notifications.services import notify, preferences_save

TODAY = datetime.date(2026, 11, 23)


def event(user, key, subject="Un événement", category="phase"):
    return notify(
        recipients=[user],
        category=category,
        event_key=key,
        subject=subject,
        template="digest",
        context={"items": [subject], "day": TODAY},
        link="/notifications/",
    )


@pytest.fixture
def people(db):
    on_summary = UserFactory(role="companion")
    preferences_save(acting_user=on_summary, enabled_categories=["phase", "message", "funding"], daily_summary=True)
    immediate = UserFactory(role="companion")
    return on_summary, immediate


def run(day=TODAY, capture=None):
    with capture(execute=True):
        return tasks.send_daily_summaries.apply(kwargs={"day": day.isoformat()}).get()


def test_one_mail_lists_the_new_notifications(people, mailoutbox, django_capture_on_commit_callbacks):
    on_summary, immediate = people
    with django_capture_on_commit_callbacks(execute=True):
        for index in range(3):
            event(on_summary, f"e:{index}", subject=f"Événement numéro {index}")
            event(immediate, f"e:{index}", subject=f"Événement numéro {index}")
    # Each event mailed at once to the other user; nothing yet to the summary user.
    assert sorted({tuple(mail.to) for mail in mailoutbox}) == [(immediate.email,)]
    assert len(mailoutbox) == 3
    mailoutbox.clear()
    assert run(capture=django_capture_on_commit_callbacks) == 1
    assert [mail.to for mail in mailoutbox] == [[on_summary.email]]
    mail = mailoutbox[0]
    assert mail.subject == "[VAE inversée] Votre résumé du 23/11/2026 (3 notifications)"
    for index in range(3):
        assert f"Événement numéro {index}" in mail.body
    assert "/notifications/preferences/" in mail.body and "contact@vae-inversee.example" in mail.body
    assert "/notifications/" in mail.alternatives[0][0]
    summary = DailySummary.objects.get(recipient=on_summary)
    assert summary.emailed_at is not None and summary.notifications.count() == 3
    assert not Notification.objects.filter(recipient=on_summary, emailed_at__isnull=True).exists()


def test_nothing_new_sends_nothing(people, mailoutbox, django_capture_on_commit_callbacks):
    assert run(capture=django_capture_on_commit_callbacks) == 0
    assert mailoutbox == [] and not DailySummary.objects.exists()


def test_a_retry_or_a_second_run_never_sends_twice(people, mailoutbox, django_capture_on_commit_callbacks):
    on_summary, _ = people
    with django_capture_on_commit_callbacks(execute=True):
        event(on_summary, "e:1")
    assert run(capture=django_capture_on_commit_callbacks) == 1
    summary = DailySummary.objects.get()
    # The beat task again the same day, and the send task delivered twice: still one e-mail.
    with django_capture_on_commit_callbacks(execute=True):
        event(on_summary, "e:2")
    assert run(capture=django_capture_on_commit_callbacks) == 0
    assert tasks.send_daily_summary.apply(args=[summary.pk]).get() is False
    assert len(mailoutbox) == 1
    # The next day's summary lists only what came since.
    assert run(TODAY + datetime.timedelta(days=1), capture=django_capture_on_commit_callbacks) == 1
    assert len(mailoutbox) == 2
    assert "Votre résumé du 24/11/2026 (1 notification)" in mailoutbox[1].subject
    assert list(DailySummary.objects.get(day=TODAY + datetime.timedelta(days=1)).notifications.all()) == list(
        Notification.objects.filter(event_key="e:2")
    )


def test_read_notifications_and_switched_off_categories_are_left_out(
    people, mailoutbox, django_capture_on_commit_callbacks
):
    on_summary, _ = people
    with django_capture_on_commit_callbacks(execute=True):
        event(on_summary, "read")
        event(on_summary, "jury", category="jury")  # switched off in the fixture
    Notification.objects.filter(event_key="read").update(read_at=datetime.datetime.now(datetime.UTC))
    assert run(capture=django_capture_on_commit_callbacks) == 0
    assert mailoutbox == []


def test_a_failed_send_is_retried_and_sent_once(people, mailoutbox, django_capture_on_commit_callbacks, settings):
    on_summary, _ = people
    with django_capture_on_commit_callbacks(execute=True):
        event(on_summary, "e:1")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        tasks.send_daily_summaries.apply(kwargs={"day": TODAY.isoformat()}).get()
    summary = DailySummary.objects.get()
    assert summary.emailed_at is None and mailoutbox == []
    # The outbox's message is what sends it (after the commit, or by the relay if the broker was down).
    for callback in callbacks:
        callback()
    assert len(mailoutbox) == 1
    assert tasks.send_daily_summary.apply(args=[summary.pk]).get() is False
    assert len(mailoutbox) == 1


def test_a_real_event_goes_to_the_summary_not_to_an_immediate_mail(
    db, settings, tmp_path, mailoutbox, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    pathway = PathwayFactory()
    staff = staff_of(pathway)
    preferences_save(acting_user=staff["companion"], enabled_categories=["phase"], daily_summary=True)
    with django_capture_on_commit_callbacks(execute=True):
        walk_to(pathway, "support", staff)
    assert staff["companion"].email not in [mail.to[0] for mail in mailoutbox]
    mailoutbox.clear()
    assert run(capture=django_capture_on_commit_callbacks) >= 1
    mail = next(mail for mail in mailoutbox if mail.to == [staff["companion"].email])
    assert f"{pathway.reference} : Information et positionnement → Accompagnement" in mail.body
    assert f"/parcours/{pathway.pk}/" in mail.body


def test_the_preferences_page_saves_the_choice(client, people):
    _, immediate = people
    client.force_login(immediate)
    url = reverse("notifications:preferences")
    assert "Recevoir un résumé quotidien au lieu d&#x27;un courriel par événement" in client.get(url).content.decode()
    response = client.post(url, {"categories": ["phase"], "daily_summary": "on"})
    assert response.status_code == 302
    assert immediate.email_rhythm.daily_summary is True
    assert "checked" in client.get(url).content.decode().split('name="daily_summary"', 1)[1].split(">", 1)[0]
    client.post(url, {"categories": ["phase"]})
    immediate.email_rhythm.refresh_from_db()
    assert immediate.email_rhythm.daily_summary is False


def test_the_beat_schedule_runs_it_daily(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["daily-summaries"]
    assert entry["task"] == tasks.send_daily_summaries.name
