"""The sync feed (issue 14): every list accepts `?updated_since=`, ordered by (updated_at, id); deletions and
anonymisations are tombstones."""

import datetime

import pytest
import time_machine
from django.utils import timezone

from pathways.models import Candidate
from tests.conftest import api_as
from tests.funding.factories import funded_pathway
from tests.pathways.factories import CandidateFactory
from vae_inversee.api.filtering import UpdatedSinceFilter
from vae_inversee.api.urls import router
from vae_inversee.webhooks import services as webhook_services
from vae_inversee.webhooks.models import Tombstone


def test_every_list_of_the_api_has_the_sync_filter():
    for prefix, viewset, _ in router.registry:
        assert UpdatedSinceFilter in viewset.filter_backends, prefix


@pytest.mark.django_db
def test_a_client_pages_through_the_changes_in_order():
    pathway, staff = funded_pathway()
    holder = pathway.project_holder
    start = timezone.now()
    moments = [start + datetime.timedelta(minutes=minute) for minute in (1, 2, 3)]
    candidates = []
    for moment in moments:
        with time_machine.travel(moment, tick=False):
            candidates.append(CandidateFactory(project_holder=holder))
    # The first one changes last.
    with time_machine.travel(start + datetime.timedelta(minutes=5), tick=False):
        first = candidates[0]
        first.first_name = "Inès"
        first.save()
    client = api_as(staff["project_holder"])
    since = (start + datetime.timedelta(minutes=2)).isoformat()
    response = client.get("/api/v1/candidates/", {"updated_since": since})
    assert response.status_code == 200
    ids = [row["id"] for row in response.json()["results"]]
    assert ids == [candidates[1].pk, candidates[2].pk, first.pk]
    # Page by page, nothing missed.
    seen, url = [], "/api/v1/candidates/"
    params = {"updated_since": (start + datetime.timedelta(seconds=30)).isoformat(), "page_size": 1}
    while url:
        body = client.get(url, params).json()
        seen += [row["id"] for row in body["results"]]
        url, params = body["next"], None
    assert seen == [candidates[1].pk, candidates[2].pk, first.pk]


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["hier", "2026-13-01T00:00:00Z", ""])
def test_a_malformed_moment_is_a_french_400(project_holder_user, value):
    response = api_as(project_holder_user).get("/api/v1/pathways/", {"updated_since": value})
    assert response.status_code == 400
    assert "ISO 8601" in response.json()["updated_since"][0]


@pytest.mark.django_db
def test_every_list_answers_the_filter():
    pathway, staff = funded_pathway()
    client = api_as(staff["project_holder"])
    later = (timezone.now() + datetime.timedelta(days=1)).isoformat()
    for prefix, _, _ in router.registry:
        response = client.get(f"/api/v1/{prefix}/", {"updated_since": later})
        assert response.status_code == 200, prefix
        assert response.json()["results"] == [], prefix
        assert client.get(f"/api/v1/{prefix}/", {"updated_since": "2000-01-01T00:00:00Z"}).status_code == 200
    assert client.get("/api/v1/auth/tokens/", {"updated_since": later}).status_code == 200


@pytest.mark.django_db
def test_an_anonymised_candidate_and_a_deleted_webhook_are_tombstones(opco_user):
    pathway, staff = funded_pathway()
    project_holder_user = staff["project_holder"]
    holder = pathway.project_holder.organisation
    candidate = pathway.candidate
    webhook_services.tombstone("candidates", candidate.pk, Tombstone.Reason.ANONYMISED, [holder])
    endpoint = webhook_services.endpoint_create(
        acting_user=project_holder_user, url="http://127.0.0.1:9/hooks", events=["jury.recorded"]
    )
    webhook_services.endpoint_delete(acting_user=project_holder_user, endpoint=endpoint)
    rows = api_as(project_holder_user).get("/api/v1/tombstones/", {"updated_since": "2000-01-01T00:00:00Z"}).json()
    assert [(r["resource"], r["object_id"], r["reason"]) for r in rows["results"]] == [
        ("candidates", candidate.pk, "anonymised"),
        ("webhooks", endpoint.pk, "deleted"),
    ]
    assert api_as(opco_user).get("/api/v1/tombstones/").json()["count"] == 0
    assert Candidate.objects.filter(pk=candidate.pk).exists()


@pytest.mark.django_db
def test_a_moment_beyond_the_calendar_is_a_400_too(ministry_user):
    response = api_as(ministry_user).get("/api/v1/pathways/", {"updated_since": "9999-12-31T23:59:59-23:59"})
    assert response.status_code == 400 and "updated_since" in response.json()
