"""The kept indicators (evaluation.indicator_version) equal a from-scratch computation after any writes."""

import csv
import io
import json
import random

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from evaluation import indicator_version
from evaluation.filters import IndicatorFilter
from evaluation.indicators import compute, compute_from_scratch
from pathways import services as pathway_services
from pathways.enums import PHASE_ORDER, PathwayPhase
from pathways.models import Pathway
from tests.accounts.factories import UserFactory
from tests.conftest import api_as
from tests.pathways.factories import (
    ACTING_ROLE,
    PathwayFactory,
    approve_year_one,
    fulfil_guards,
    staff_of,
)
from vae_inversee.accounts.services import api_token_issue


def _figures(data):
    return {name: value for name, value in data.items() if name not in ("generated_at", "computed_at", "up_to_date")}


def _sibling(pathway):
    """Another pathway of the same holder, employer, companion and certification (the same staff see it)."""
    return PathwayFactory(
        project_holder=pathway.project_holder,
        employer=pathway.employer,
        companion=pathway.companion,
        certification=pathway.certification,
    )


def _filters(user, **data):
    filters = IndicatorFilter(data, user=user)
    assert filters.is_valid(), filters.errors
    return filters


def _readers(staff, region):
    ministry = UserFactory(role="ministry")
    return [
        (ministry, lambda: None),
        (ministry, lambda: _filters(ministry, region=region)),
        (staff["project_holder"], lambda: None),
        (staff["opco"], lambda: None),
    ]


def _step(rng, pathways, staff):
    pathway = Pathway.objects.get(pk=rng.choice(pathways).pk)
    action = rng.choice(["create", "forward", "forward", "forward", "abandon", "fund", "rename"])
    if action == "create":
        pathways.append(_sibling(pathway))
    elif action == "forward" and pathway.phase in PHASE_ORDER[:-1]:
        step = PHASE_ORDER[PHASE_ORDER.index(pathway.phase) + 1]
        fulfil_guards(pathway, step, staff)
        pathway_services.pathway_transition(acting_user=staff[ACTING_ROLE[step]], pathway=pathway, to=step)
    elif action == "abandon" and pathway.phase not in (PathwayPhase.ABANDONED, PathwayPhase.COMPLETED):
        pathway_services.pathway_transition(
            acting_user=staff["project_holder"], pathway=pathway, to="abandoned", comment="Départ de l'entreprise"
        )
    elif action == "fund":
        approve_year_one(pathway, staff)
    elif action == "rename":
        organisation = pathway.project_holder.organisation
        organisation.name = f"Porteur {rng.randrange(1000)}"
        organisation.save()
    return action


@pytest.mark.django_db
def test_kept_figures_equal_a_computation_from_scratch_after_random_writes(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    rng = random.Random(16)
    first = PathwayFactory()
    staff = staff_of(first)
    pathways = [first]
    readers = _readers(staff, first.project_holder.organisation.region)
    done = []
    for _ in range(40):
        for user, filters in readers:
            compute(user, filters())  # kept before the write
        try:
            with transaction.atomic():
                done.append(_step(rng, pathways, staff))
        except ValidationError:
            continue
        for user, filters in readers:
            assert _figures(compute(user, filters())) == _figures(compute_from_scratch(user, filters()))
    # The sequence did write (not a test that cannot fail).
    assert {"create", "forward", "fund"} <= set(done)
    assert Pathway.objects.exclude(phase=PathwayPhase.POSITIONING).exists()


@pytest.mark.django_db
def test_a_kept_read_costs_no_query_and_a_write_drops_it(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    pathway = PathwayFactory()
    staff_of(pathway)
    ministry = UserFactory(role="ministry")
    before = compute(ministry)
    with CaptureQueriesContext(connection) as queries:
        assert _figures(compute(ministry)) == _figures(before)
    assert len(queries) == 0
    _sibling(pathway)
    assert compute(ministry)["total_pathways"] == before["total_pathways"] + 1
    indicator_version.bump()
    assert compute(ministry)["total_pathways"] == before["total_pathways"] + 1


def _downloads(client):
    json_body = client.get("/api/v1/indicators/").json()
    csv_text = b"".join(client.get("/api/v1/indicators/", {"format": "csv"}).streaming_content).decode("utf-8-sig")
    workbook = openpyxl.load_workbook(
        io.BytesIO(b"".join(client.get("/api/v1/indicators/", {"format": "xlsx"}).streaming_content))
    )
    return json_body, csv_text, [[cell.value for cell in row] for row in workbook["Indicateurs"].iter_rows()]


@pytest.mark.django_db
def test_the_kept_json_and_files_follow_every_write_and_the_json_is_stamped_at_each_read(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    pathway = PathwayFactory()
    staff_of(pathway)
    ministry = UserFactory(role="ministry")
    client = api_as(ministry)
    first, first_csv, first_sheet = _downloads(client)
    again, again_csv, again_sheet = _downloads(client)
    assert again_csv == first_csv and again_sheet == first_sheet
    assert _figures(again) == _figures(first)
    # The kept JSON is the figures' own encoding (decimals as strings), only its stamp is of this read.
    assert list(again)[0] == "generated_at" and again["generated_at"] >= first["generated_at"]
    assert again["funding"]["requested_total"] == "0.00"
    assert again["total_pathways"] == 1

    _sibling(pathway)
    after, after_csv, after_sheet = _downloads(client)
    assert after["total_pathways"] == 2
    assert ["Ensemble", "Parcours", "2", ""] in list(csv.reader(io.StringIO(after_csv), delimiter=";"))
    assert ["Ensemble", "Parcours", 2, None] in after_sheet
    scratch = json.loads(json.dumps(_figures(compute_from_scratch(ministry)), cls=DjangoJSONEncoder))
    assert _figures(after) == scratch


@pytest.mark.django_db
def test_query_count_of_a_computation_does_not_grow_with_the_data(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    pathway = PathwayFactory()
    staff = staff_of(pathway)
    ministry = UserFactory(role="ministry")
    # A funded pathway from the start: the labels of the money flow's groups are read in one query each, none
    # when there is no group at all.
    approve_year_one(pathway, staff)
    counts = []
    for _ in range(2):
        with CaptureQueriesContext(connection) as queries:
            compute_from_scratch(ministry)
        counts.append(len(queries))
        for _ in range(3):
            other = PathwayFactory(
                project_holder=pathway.project_holder, employer=pathway.employer, companion=pathway.companion
            )
            approve_year_one(other, staff)
    assert counts[0] == counts[1]


@pytest.mark.django_db
def test_with_the_cache_down_writes_go_through_and_the_figures_are_computed_in_full(settings, tmp_path, caplog):
    settings.MEDIA_ROOT = tmp_path
    settings.CACHES = {
        "default": {"BACKEND": "vae_inversee.lib.redis_cache.RedisCache", "LOCATION": "redis://127.0.0.1:1/0"}
    }
    pathway = PathwayFactory()
    staff_of(pathway)
    ministry = UserFactory(role="ministry")
    first = compute(ministry)
    PathwayFactory(project_holder=pathway.project_holder, employer=pathway.employer, companion=pathway.companion)
    assert compute(ministry)["total_pathways"] == first["total_pathways"] + 1
    assert _figures(compute(ministry)) == _figures(compute_from_scratch(ministry))
    assert any("le cache est indisponible" in record.getMessage() for record in caplog.records)


@pytest.mark.django_db
def test_issuing_an_api_token_keeps_the_figures(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    PathwayFactory()
    ministry = UserFactory(role="ministry")
    before = indicator_version.version()
    api_token_issue(acting_user=ministry)
    assert indicator_version.version() == before


@pytest.mark.django_db(transaction=True)
def test_one_transaction_changes_the_version_once_unless_read_between_its_writes(settings, tmp_path, monkeypatch):
    settings.MEDIA_ROOT = tmp_path
    changes = []
    real = indicator_version._new_version
    monkeypatch.setattr(indicator_version, "_new_version", lambda: (changes.append(1), real()))
    with transaction.atomic():
        PathwayFactory()  # several rows: one change at once, one registered for the commit
        at_once = len(changes)
        PathwayFactory()
        assert len(changes) == at_once  # nothing read since: no new token needed yet
        ministry = UserFactory(role="ministry")
        seen = compute(ministry)["total_pathways"]
        PathwayFactory()  # read between: the figure just kept is stale now
        assert compute(ministry)["total_pathways"] == seen + 1
    assert len(changes) >= at_once + 2  # the change after the read, and the one at commit
    assert _figures(compute(ministry)) == _figures(compute_from_scratch(ministry))
