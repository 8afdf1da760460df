"""Indicators read while a worker runs the tasks: the last figures at once, computed again in the background.

With Celery eager (the embedded default, the rest of the suite) every read after a write computes in the
request (tests/evaluation/test_indicators_kept.py). Here the app is switched to a worker's mode and the
refresh it asks for is taken off the broker's way and run by hand, as the worker would run it; the
integration test at the end does the same with a real worker on Redis.
"""

import logging
import random

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from kombu.exceptions import OperationalError

from evaluation import indicator_version, indicators, tasks
from evaluation.filters import IndicatorFilter
from evaluation.indicators import compute, compute_from_scratch
from tests.accounts.factories import UserFactory
from tests.celery_worker import redis_reachable, running_worker
from tests.conftest import api_as, require_service
from tests.evaluation.test_indicators_kept import _figures, _readers, _sibling, _step
from tests.pathways.factories import PathwayFactory, staff_of
from vae_inversee.celery import app


@pytest.fixture
def not_eager():
    """Celery as a worker runs it: tasks sent to the broker, not run in the request. The cache starts empty
    (a refresh lock of an earlier test's user, whose id SQLite gives again, would hold)."""
    cache.clear()
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = False
    yield
    app.conf.task_always_eager = previous


@pytest.fixture
def worker_mode(not_eager, monkeypatch):
    """Tasks run apart from the request; `asked` holds each refresh sent to the broker, `run()` runs them."""
    asked = []
    monkeypatch.setattr(indicators, "_ask_refresh", lambda user, echo: asked.append((user.pk, echo)))

    def run():
        while asked:
            tasks.refresh_indicators.run(*asked.pop(0))

    return asked, run


@pytest.fixture
def seen(settings, tmp_path):
    """A pathway its staff see, and a Ministry user (who sees every pathway)."""
    settings.MEDIA_ROOT = tmp_path
    pathway = PathwayFactory()
    staff_of(pathway)
    return pathway, UserFactory(role="ministry")


def _filters(user, **data):
    filters = IndicatorFilter(data, user=user)
    assert filters.is_valid(), filters.errors
    return filters


@pytest.mark.django_db
def test_a_read_after_a_write_answers_the_last_figures_and_asks_a_worker_for_new_ones(seen, worker_mode):
    asked, run = worker_mode
    pathway, ministry = seen
    first = compute(ministry)  # nothing kept yet: computed in the request
    assert first["up_to_date"] is True and first["total_pathways"] == 1 and asked == []

    _sibling(pathway)
    stale = compute(ministry)
    assert stale["up_to_date"] is False
    assert _figures(stale) == _figures(first) and stale["computed_at"] == first["computed_at"]
    assert asked == [(ministry.pk, None)]
    compute(ministry)
    assert len(asked) == 1  # one refresh at a time per figure (REFRESH_EVERY)

    run()
    fresh = compute(ministry)
    assert fresh["up_to_date"] is True and fresh["total_pathways"] == 2
    assert _figures(fresh) == _figures(compute_from_scratch(ministry))
    assert fresh["computed_at"] > first["computed_at"]


@pytest.mark.django_db
def test_refreshed_figures_equal_a_computation_from_scratch_after_random_writes(
    settings, tmp_path, worker_mode, monkeypatch
):
    settings.MEDIA_ROOT = tmp_path
    asked, run = worker_mode
    monkeypatch.setattr(indicator_version, "REFRESH_EVERY", 0)  # every stale read asks
    rng = random.Random(1207)
    first = PathwayFactory()
    staff = staff_of(first)
    pathways = [first]
    readers = _readers(staff, first.project_holder.organisation.region)
    stale_reads = 0
    for _ in range(25):
        try:
            with transaction.atomic():
                _step(rng, pathways, staff)
        except ValidationError:
            continue
        for user, filters in readers:
            stale_reads += not compute(user, filters())["up_to_date"]
        run()
        for user, filters in readers:
            data = compute(user, filters())
            assert data["up_to_date"] is True
            assert _figures(data) == _figures(compute_from_scratch(user, filters()))
    assert stale_reads > 0  # the reads did meet stale figures (not a test that cannot fail)


@pytest.mark.django_db
def test_a_filtered_reader_gets_its_own_figures_refreshed(seen, worker_mode):
    asked, run = worker_mode
    pathway, ministry = seen
    region = pathway.project_holder.organisation.region
    compute(ministry, _filters(ministry, region=region))
    _sibling(pathway)
    assert compute(ministry, _filters(ministry, region=region))["up_to_date"] is False
    assert asked == [(ministry.pk, {"region": region})]
    run()
    data = compute(ministry, _filters(ministry, region=region))
    assert data["up_to_date"] is True and data["total_pathways"] == 2


@pytest.mark.django_db
def test_the_api_and_the_dashboard_say_when_the_figures_are_not_up_to_date(seen, worker_mode, client):
    asked, run = worker_mode
    pathway, ministry = seen
    api = api_as(ministry)
    client.force_login(ministry)
    first = api.get("/api/v1/indicators/").json()
    assert list(first)[:2] == ["generated_at", "up_to_date"] and first["up_to_date"] is True
    assert "mise à jour" not in client.get("/pilotage/").content.decode()

    _sibling(pathway)
    stale = api.get("/api/v1/indicators/").json()
    assert stale["up_to_date"] is False and stale["computed_at"] == first["computed_at"]
    assert stale["total_pathways"] == 1
    page = client.get("/pilotage/").content.decode()
    assert "les dernières modifications sont en cours de prise en compte" in page
    run()
    fresh = api.get("/api/v1/indicators/").json()
    assert fresh["up_to_date"] is True and fresh["total_pathways"] == 2
    assert "en cours de prise en compte" not in client.get("/pilotage/").content.decode()
    assert b"".join(api.get("/api/v1/indicators/", {"format": "csv"}).streaming_content)


@pytest.mark.django_db
def test_a_broker_that_does_not_answer_still_gets_the_last_figures_served(seen, not_eager, monkeypatch, caplog):
    def down(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(app, "send_task", down)
    pathway, ministry = seen
    compute(ministry)
    _sibling(pathway)
    with caplog.at_level(logging.WARNING, logger="evaluation.indicators"):
        data = compute(ministry)
    assert data["up_to_date"] is False and data["total_pathways"] == 1
    assert "nouveau calcul non demandé" in caplog.text


def test_the_task_asked_for_is_the_refresh_task():
    assert app.tasks[indicators.REFRESH_TASK].name == tasks.refresh_indicators.name == indicators.REFRESH_TASK


@pytest.mark.django_db
def test_the_task_skips_a_user_gone_and_filters_no_longer_valid(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    ministry = UserFactory(role="ministry")
    assert tasks.refresh_indicators.run(ministry.pk + 1000, None) is False
    assert tasks.refresh_indicators.run(ministry.pk, {"level": "12"}) is False
    assert tasks.refresh_indicators.run(ministry.pk, None) is True
    ministry.is_active = False
    ministry.save()
    assert tasks.refresh_indicators.run(ministry.pk, None) is False


@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_refreshes_the_figures_a_reader_found_stale(settings, tmp_path):
    """Production's parts: the Redis cache shared with a real Celery worker, which computes the figures again."""
    import os
    import time

    url = os.environ.get("REDIS_URL", "")
    require_service(redis_reachable(url), "REDIS_URL is not set or Redis does not answer")
    settings.CACHES = {"default": {"BACKEND": "vae_inversee.lib.redis_cache.RedisCache", "LOCATION": url}}
    settings.MEDIA_ROOT = tmp_path
    cache.clear()
    pathway = PathwayFactory()
    staff_of(pathway)
    ministry = UserFactory(role="ministry")
    with running_worker(tmp_path, needs_database=True):
        assert compute(ministry)["total_pathways"] == 1
        _sibling(pathway)
        assert compute(ministry)["up_to_date"] is False
        deadline = time.monotonic() + 60
        while not (data := compute(ministry))["up_to_date"] and time.monotonic() < deadline:
            time.sleep(0.2)
    assert data["up_to_date"] is True and data["total_pathways"] == 2
    assert _figures(data) == _figures(compute_from_scratch(ministry))
    assert indicator_version.version() is not None
