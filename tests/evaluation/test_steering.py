"""National steering (issue 11): one filter object for the dashboard, the exports and the indicators API,
always within what the user may see; the browsable pathway lists of the Ministry and of an OPCO
(filters in the URL, whitelisted sorts, pagination, a fixed number of queries); insertion rates."""

import csv
import datetime
import io

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from evaluation import services
from evaluation.filters import IndicatorFilter, SteeringFilter
from evaluation.indicators import compute
from pathways import services as pathway_services
from tests.accounts.factories import OrganisationFactory, UserFactory
from tests.certifications.factories import CertificationFactory
from tests.conftest import api_as
from tests.pathways.factories import (
    EmployerFactory,
    PathwayFactory,
    ProjectFactory,
    ProjectHolderFactory,
    show_to_opco,
    staff_of,
)
from vae_inversee.accounts.models import Organisation


def on(day):
    return time_machine.travel(timezone.make_aware(datetime.datetime(2026, *day, 10, 0)), tick=False)


@pytest.fixture
def world(db, settings, tmp_path):
    """Four pathways: two of a Breton holder (AKTO), two of a Norman holder (ATLAS), levels 3 and 5,
    opened on 10 January, February, March and April 2026; one of each holder abandoned, with its situation
    at exit (employed for the Breton one, job seeker for the Norman one)."""
    settings.MEDIA_ROOT = tmp_path
    breton = ProjectHolderFactory(
        organisation=OrganisationFactory(kind="project_holder", region="Bretagne", name="Breizh VAE")
    )
    norman = ProjectHolderFactory(
        organisation=OrganisationFactory(kind="project_holder", region="Normandie", name="Normandie Compétences")
    )
    level_3 = CertificationFactory(vae_target=True, level=3, code="RNCP90003")
    level_5 = CertificationFactory(vae_target=True, level=5, code="RNCP90005")
    atlas = Organisation.objects.get(kind="opco", code="ATLAS")
    atlas_employer = EmployerFactory(project_holder=norman, idcc="1486", opco=atlas)
    with on((1, 10)):
        a1 = PathwayFactory(project_holder=breton, certification=level_3, reference="VAEI-2026-000001")
    staff = staff_of(a1)
    with on((2, 10)):
        a2 = PathwayFactory(
            project_holder=breton, certification=level_5, companion=a1.companion, reference="VAEI-2026-000002"
        )
    with on((3, 10)):
        b1 = PathwayFactory(
            project_holder=norman, employer=atlas_employer, certification=level_3, reference="VAEI-2026-000003"
        )
    with on((4, 10)):
        b2 = PathwayFactory(
            project_holder=norman, employer=atlas_employer, certification=level_5, reference="VAEI-2026-000004"
        )
    norman_staff = staff_of(b1)
    # The ATLAS staff see the Norman pathways through their submitted funding files.
    show_to_opco(b1, norman_staff)
    show_to_opco(b2, norman_staff)
    opco = UserFactory(organisation=atlas)
    for pathway, holder_staff, situation, contract_type in (
        (a2, staff, "same_employer", "cdi"),
        (b1, norman_staff, "job_seeker", ""),
    ):
        pathway = pathway_services.pathway_transition(
            acting_user=holder_staff["project_holder"], pathway=pathway, to="abandoned", comment="Rupture"
        )
        services.outcome_record(
            acting_user=holder_staff["project_holder"], pathway=pathway, at="exit", situation=situation,
            contract_type=contract_type,
        )  # fmt: skip
    return {
        "ministry": UserFactory(role="ministry"),
        "opco": opco,
        "breton_staff": staff["project_holder"],
        "breton": breton,
        "norman": norman,
        "pathways": {"a1": a1, "a2": a2, "b1": b1, "b2": b2},
    }


def filters_for(user, **data):
    filters = IndicatorFilter(data, user=user)
    assert filters.is_valid(), filters.errors
    return filters


# ---- the filter object -----------------------------------------------------------------------------------


def test_each_filter_narrows_every_figure(world):
    ministry = world["ministry"]
    assert compute(ministry)["total_pathways"] == 4
    cases = [
        ({"region": "Normandie"}, 2),
        ({"opco": "ATLAS"}, 2),
        ({"opco": "AKTO"}, 2),
        ({"level": "5"}, 2),
        ({"level": "none"}, 0),
        ({"project_holder": str(world["breton"].pk)}, 2),
        ({"created_from": "2026-02-10"}, 3),
        ({"created_to": "2026-02-10"}, 2),
        ({"created_from": "2026-02-11", "created_to": "2026-03-10"}, 1),
        ({"region": "Bretagne", "level": "3"}, 1),
    ]
    for data, total in cases:
        figures = compute(ministry, filters_for(ministry, **data))
        assert figures["total_pathways"] == total, data
        assert sum(row["count"] for row in figures["by_phase"]) == total
        assert sum(row["count"] for row in figures["by_opco"]) == total
        assert figures["filters"] == data
    # Funding and outcomes follow the filters too.
    normandy = compute(ministry, filters_for(ministry, region="Normandie"))
    assert normandy["funding"]["files"] == 2
    assert normandy["outcomes"]["exit"] == {"recorded": 1, "employed": 0, "rate": 0.0}
    brittany = compute(ministry, filters_for(ministry, region="Bretagne"))
    assert brittany["funding"]["files"] == 0
    assert brittany["outcomes"]["exit"] == {"recorded": 1, "employed": 1, "rate": 100.0}


def test_the_period_is_of_french_calendar_days(db, settings, tmp_path):
    """A pathway opened at 23:30 in Paris on 10 February (22:30 UTC) belongs to the 10th, one opened at 00:10
    on the 11th (23:10 UTC on the 10th) to the 11th: the bounds are the instants the French days span."""
    settings.MEDIA_ROOT = tmp_path
    paris = datetime.timezone(datetime.timedelta(hours=1))  # winter time
    late, early = (
        datetime.datetime(2026, 2, 10, 23, 30, tzinfo=paris),
        datetime.datetime(2026, 2, 11, 0, 10, tzinfo=paris),
    )
    for moment in (late, early):
        with time_machine.travel(moment, tick=False):
            PathwayFactory(reference=f"VAEI-2026-{moment.minute:06d}")
    ministry = UserFactory(role="ministry")

    def total(**period):
        return compute(ministry, filters_for(ministry, **period))["total_pathways"]

    assert total(created_to="2026-02-10") == 1
    assert total(created_from="2026-02-11") == 1
    assert total(created_from="2026-02-10", created_to="2026-02-10") == 1
    assert total(created_from="2026-02-10", created_to="2026-02-11") == 2
    assert total(created_from="2026-02-12") == 0


def test_the_filters_never_widen_the_scope(world):
    opco = world["opco"]
    assert compute(opco)["total_pathways"] == 2
    assert compute(opco, filters_for(opco, opco="AKTO"))["total_pathways"] == 0
    assert compute(opco, filters_for(opco, level="5"))["total_pathways"] == 1
    # A project holder the OPCO does not see is not a valid choice (no leak of its existence).
    filters = IndicatorFilter({"project_holder": str(world["breton"].pk)}, user=opco)
    assert not filters.is_valid()
    assert "project_holder" in filters.errors
    # The regions offered are those of the pathways one sees.
    assert [value for value, label in filters.form.fields["region"].choices if value] == ["Normandie"]


@pytest.mark.parametrize(
    "data, field, message",
    [
        ({"opco": "XYZ"}, "opco", "« XYZ » n'est pas un code d'OPCO connu (ex. AKTO)."),
        ({"level": "9"}, "level", "« 9 » n'est pas un niveau valide : 3 à 8, ou none."),
        ({"region": "Atlantide"}, "region", "« Atlantide » n'est pas une région des parcours que vous voyez."),
        (
            {"created_from": "2026-02-30"},
            "created_from",
            "Indiquez une date au format AAAA-MM-JJ (par exemple 2026-01-31).",
        ),
        (
            {"created_from": "1850-01-01"},
            "created_from",
            "La date doit être comprise entre le 01/01/1900 et le 31/12/2100.",
        ),
        (
            {"created_from": "2026-03-01", "created_to": "2026-02-01"},
            "created_to",
            "La fin de la période précède son début.",
        ),
        (
            {"project_holder": "abc"},
            "project_holder",
            "« abc » n'est pas un porteur de projet des parcours que vous voyez.",
        ),
        ({"project_holder": "-5588844665452881772544"}, "project_holder", None),
        ({"project": "40223690724318999999999"}, "project", None),
        ({"project": "1.5"}, "project", None),
    ],
)
def test_invalid_filters_say_why_in_french(world, data, field, message):
    filters = IndicatorFilter(data, user=world["ministry"])
    assert not filters.is_valid()
    assert field in filters.errors
    if message:
        assert filters.errors[field] == [message]


# ---- the three doors: API, dashboard, exports ---------------------------------------------------------------


def test_the_indicators_api_takes_the_filters(world):
    api = api_as(world["ministry"])
    body = api.get("/api/v1/indicators/", {"region": "Normandie", "level": "5"}).json()
    assert body["total_pathways"] == 1
    assert body["filters"] == {"region": "Normandie", "level": "5"}
    assert body["outcomes"]["exit"]["recorded"] == 0
    response = api.get("/api/v1/indicators/", {"level": "9", "created_from": "hier", "opco": ""})
    assert response.status_code == 400
    assert set(response.json()) == {"opco"}  # an empty parameter first, named
    response = api.get("/api/v1/indicators/", {"level": "9", "created_from": "hier"})
    assert response.status_code == 400
    assert response.json() == {
        "created_from": ["Indiquez une date au format AAAA-MM-JJ (par exemple 2026-01-31)."],
        "level": ["« 9 » n'est pas un niveau valide : 3 à 8, ou none."],
    }
    # An id that cannot exist is a 400, before any query (never a database overflow).
    response = api.get("/api/v1/indicators/", {"project_holder": "-5588844665452881772544", "project": "9" * 30})
    assert response.status_code == 400 and set(response.json()) == {"project_holder", "project"}
    # The files carry the same filtered figures, and say which filters made them.
    text = api.get("/api/v1/indicators/", {"format": "csv", "opco": "ATLAS"}).getvalue().decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert ["Filtres", "OPCO", "ATLAS", ""] in rows
    assert ["Ensemble", "Parcours", "2", ""] in rows
    assert any(row[0] == "Insertion à la sortie" and row[1] == "Ensemble" and row[2] == "0,00" for row in rows)
    # Within the scope: the OPCO asking for AKTO gets nothing of AKTO's.
    assert api_as(world["opco"]).get("/api/v1/indicators/", {"opco": "AKTO"}).json()["total_pathways"] == 0


def test_the_dashboard_filter_form_and_its_errors(client, world):
    client.force_login(world["ministry"])
    response = client.get(reverse("evaluation:ministry_home"), {"opco": "ATLAS"})
    html = response.content.decode()
    assert response.status_code == 200
    assert '<p class="kpi-value" id="kpi-parcours">2</p>' in html
    assert 'id="filtres-indicateurs"' in html and "Réinitialiser les filtres" in html
    # The export links keep the filters.
    assert f'href="{reverse("evaluation:indicators_export", args=["csv"])}?opco=ATLAS"' in html
    # /indicateurs/ sends the Ministry to its home page, filters kept.
    redirect = client.get(reverse("evaluation:dashboard"), {"region": "Bretagne"})
    assert redirect["Location"] == reverse("evaluation:ministry_home") + "?region=Bretagne"
    response = client.get(reverse("evaluation:ministry_home"), {"level": "9"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "n&#x27;est pas un niveau valide" in html
    assert '<p class="kpi-value" id="kpi-parcours">4</p>' in html  # unfiltered, and said so


def test_the_opco_dashboard_is_filtered_within_its_scope(client, world):
    client.force_login(world["opco"])
    html = client.get(reverse("evaluation:dashboard"), {"level": "3"}).content.decode()
    assert '<p class="kpi-value" id="kpi-parcours">1</p>' in html
    assert 'id="insertion-sortie">0' in html


def test_the_exports_take_the_same_filters(client, world):
    client.force_login(world["ministry"])
    response = client.get(reverse("evaluation:pathways_export", args=["csv"]), {"region": "Bretagne"})
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig")), delimiter=";"))
    assert [row[0] for row in rows[1:]] == ["VAEI-2026-000001", "VAEI-2026-000002"]
    assert rows[0][-2:] == ["Situation à la sortie", "Situation à six mois"]
    assert rows[2][-2:] == ["En emploi chez le même employeur (CDI)", ""]
    response = client.get(reverse("evaluation:indicators_export", args=["xlsx"]), {"level": "5"})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    response = client.get(reverse("evaluation:indicators_export", args=["csv"]), {"created_to": "n'importe"})
    assert response.status_code == 400 and "AAAA-MM-JJ" in response.content.decode()


def test_insertion_rates_by_certification_and_opco(world):
    figures = compute(world["ministry"])["outcomes"]
    assert figures["exit"] == {"recorded": 2, "employed": 1, "rate": 50.0}
    assert figures["six_months"] == {"recorded": 0, "employed": 0, "rate": None}
    by_certification = {row["certification"]: row["exit"] for row in figures["by_certification"]}
    assert by_certification == {
        "RNCP90003": {"recorded": 1, "employed": 0, "rate": 0.0},
        "RNCP90005": {"recorded": 1, "employed": 1, "rate": 100.0},
    }
    assert {row["opco"]: row["exit"]["rate"] for row in figures["by_opco"]} == {"AKTO": 100.0, "ATLAS": 0.0}
    counts = {(row["at"], row["situation"]): row["count"] for row in figures["by_situation"]}
    assert counts[("exit", "same_employer")] == 1 and counts[("exit", "job_seeker")] == 1
    assert sum(counts.values()) == 2


# ---- the steering lists --------------------------------------------------------------------------------------


def references(response):
    return [pathway.reference for pathway in response.context["page"].object_list]


def test_the_ministry_list_filters_and_sorts(client, world):
    client.force_login(world["ministry"])
    url = reverse("evaluation:steering_pathways")
    # Newest first by default.
    assert references(client.get(url)) == [
        "VAEI-2026-000004",
        "VAEI-2026-000003",
        "VAEI-2026-000002",
        "VAEI-2026-000001",
    ]
    assert references(client.get(url, {"phase": "abandoned"})) == ["VAEI-2026-000003", "VAEI-2026-000002"]
    assert references(client.get(url, {"opco": "ATLAS", "sort": "reference"})) == [
        "VAEI-2026-000003",
        "VAEI-2026-000004",
    ]
    assert references(client.get(url, {"level": "5", "sort": "-reference"})) == ["VAEI-2026-000004", "VAEI-2026-000002"]
    assert references(client.get(url, {"q": "000003"})) == ["VAEI-2026-000003"]
    certification = world["pathways"]["a1"].certification
    # A certification is typed by its code (any case, or a suggestion as shown); a link with its id still works.
    for typed in (
        certification.code,
        certification.code.lower(),
        f"{certification.code} — {certification.title}",
        certification.pk,
    ):
        assert references(client.get(url, {"certification": typed, "sort": "created"})) == [
            "VAEI-2026-000001", "VAEI-2026-000003",
        ]  # fmt: skip
    refused = client.get(url, {"certification": "RNCP0"})
    assert (
        "« RNCP0 » n&#x27;est le code d&#x27;aucune certification que vous pouvez filtrer" in refused.content.decode()
    )
    # Phases sort in the workflow's order, not alphabetically; ties broken by id.
    assert references(client.get(url, {"sort": "phase"})) == [
        "VAEI-2026-000001", "VAEI-2026-000004", "VAEI-2026-000002", "VAEI-2026-000003",
    ]  # fmt: skip
    assert references(client.get(url, {"sort": "project_holder"}))[:2] == ["VAEI-2026-000001", "VAEI-2026-000002"]
    html = client.get(url, {"sort": "-created", "region": "Normandie"}).content.decode()
    # The column links keep the filters; the current sort is marked for assistive technologies.
    assert 'aria-sort="descending"' in html
    assert (
        'href="?sort=reference&amp;region=Normandie"' in html or 'href="?region=Normandie&amp;sort=reference"' in html
    )
    assert '<input type="hidden" name="sort" value="-created">' in html


def test_the_ministry_list_refuses_an_unknown_sort_or_filter(client, world):
    client.force_login(world["ministry"])
    response = client.get(reverse("evaluation:steering_pathways"), {"sort": "candidate__nir"})
    assert response.status_code == 400
    assert "n&#x27;est pas un tri possible" in response.content.decode()
    assert len(references(response)) == 4  # the list, unfiltered
    response = client.get(reverse("evaluation:steering_pathways"), {"created_from": "2026-02-30"})
    assert response.status_code == 400


def test_the_opco_list_shows_its_scope_only(client, world):
    client.force_login(world["opco"])
    url = reverse("evaluation:opco_pathways")
    assert references(client.get(url)) == ["VAEI-2026-000004", "VAEI-2026-000003"]
    assert references(client.get(url, {"opco": "AKTO"})) == []
    assert references(client.get(url, {"phase": "abandoned"})) == ["VAEI-2026-000003"]
    # Another holder's certification is not even offered.
    response = client.get(url, {"project_holder": world["breton"].pk})
    assert response.status_code == 400


def test_the_lists_are_paginated_and_linked_from_the_navigation(client, world, settings):
    client.force_login(world["ministry"])
    html = client.get(reverse("evaluation:ministry_home")).content.decode()
    assert f'href="{reverse("evaluation:steering_pathways")}"' in html
    client.force_login(world["opco"])
    html = client.get(reverse("funding:opco_home")).content.decode()
    assert f'href="{reverse("evaluation:opco_pathways")}"' in html


@pytest.mark.parametrize("count", [3, 30])
def test_the_steering_list_query_count_does_not_grow(client, db, django_assert_num_queries, count):
    first = PathwayFactory()
    for _ in range(count - 1):
        PathwayFactory(
            project_holder=first.project_holder, certification=first.certification, companion=first.companion
        )
    client.force_login(UserFactory(role="ministry"))
    # * session, the user with their membership (the role) and organisation (accounts.backends)
    # * choices of the filters: regions, OPCO, project holders, projects (the certification is typed, with suggestions)
    # * page count, page pks, page rows (holder, project, candidate, employer and OPCO, certification joined)
    # * unread notifications (header), unread messages (header, issue 13)
    #   and the user's last read (the key the unread count is kept under, issue 16)
    # * the user's saved filter sets for this list
    with django_assert_num_queries(13):
        response = client.get(reverse("evaluation:steering_pathways"), {"sort": "opco"})
    assert response.status_code == 200
    assert len(response.context["page"].object_list) == min(count, 25)


def test_steering_filter_sorts_are_a_whitelist(world):
    ministry = world["ministry"]
    assert not SteeringFilter({"sort": "candidate__last_name"}, user=ministry).is_valid()
    assert SteeringFilter({"sort": "-level"}, user=ministry).is_valid()


# ---- projects: the filter, the use of each grant ---------------------------------------------------------


@pytest.fixture
def projects(world):
    """A second accepted project of the Breton holder (3 granted) with one pathway; a rejected project."""
    breton = world["breton"]
    second = ProjectFactory(project_holder=breton, accepted=True, requested_pathways=5, granted_pathways=3,
                            reference="PRJ-2026-0099", title="Aide à domicile")  # fmt: skip
    with on((5, 10)):
        PathwayFactory(project_holder=breton, project=second, reference="VAEI-2026-000005")
    ProjectFactory(project_holder=breton, status="rejected", decision_reason="Hors champ.", reference="PRJ-2026-0098")
    first = world["pathways"]["a1"].project
    return {"first": first, "second": second}


def test_the_project_filter_on_the_three_doors(client, world, projects):
    ministry, second = world["ministry"], projects["second"]
    assert compute(ministry, filters_for(ministry, project=str(second.pk)))["total_pathways"] == 1
    body = api_as(ministry).get("/api/v1/indicators/", {"project": second.pk}).json()
    assert body["total_pathways"] == 1 and body["filters"] == {"project": str(second.pk)}
    assert [row["reference"] for row in body["by_project"]] == ["PRJ-2026-0099"]
    response = api_as(ministry).get("/api/v1/indicators/", {"project": 987654})
    assert response.status_code == 400
    assert response.json() == {"project": ["« 987654 » n'est pas un projet des parcours que vous voyez."]}
    client.force_login(ministry)
    response = client.get(reverse("evaluation:steering_pathways"), {"project": second.pk})
    assert references(response) == ["VAEI-2026-000005"]
    response = client.get(reverse("evaluation:pathways_export", args=["csv"]), {"project": second.pk})
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig")), delimiter=";"))
    assert [row[0] for row in rows[1:]] == ["VAEI-2026-000005"] and rows[1][-3] == "PRJ-2026-0099"
    # The OPCO is offered only the projects of the pathways it sees.
    opco_filters = IndicatorFilter({"project": str(second.pk)}, user=world["opco"])
    assert not opco_filters.is_valid()


def test_the_use_of_each_project_grant(client, world, projects):
    ministry, first, second = world["ministry"], projects["first"], projects["second"]
    rows = {row["project"]: row for row in compute(ministry)["by_project"]}
    # The Breton holder's first project: its two pathways (one abandoned) of 50 granted; the second 1 of 3.
    assert (rows[first.pk]["count"], rows[first.pk]["granted"], rows[first.pk]["use"]) == (2, 50, 4.0)
    assert (rows[second.pk]["count"], rows[second.pk]["granted"], rows[second.pk]["use"]) == (1, 3, 33.3)
    # Only accepted projects; the Norman holder's project too (2 of 50).
    assert len(rows) == 3
    # An accepted project without a pathway yet is listed at 0 (unfiltered), not within a filter.
    empty = ProjectFactory(
        project_holder=world["breton"], accepted=True, requested_pathways=2, reference="PRJ-2026-0097"
    )
    rows = {row["project"]: row for row in compute(ministry)["by_project"]}
    assert rows[empty.pk]["count"] == 0 and rows[empty.pk]["use"] == 0.0
    assert empty.pk not in {
        row["project"] for row in compute(ministry, filters_for(ministry, region="Bretagne"))["by_project"]
    }
    # The dashboard shows the table; the holder sees its own projects only.
    client.force_login(world["breton_staff"])
    html = client.get(reverse("evaluation:dashboard")).content.decode()
    assert 'id="table-projets"' in html and "PRJ-2026-0099 — Aide à domicile" in html and "33,3" in html
    assert {row["project"] for row in compute(world["breton_staff"])["by_project"]} == {first.pk, second.pk, empty.pk}
    client.force_login(ministry)
    response = client.get(reverse("evaluation:indicators_export", args=["csv"]))
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig")), delimiter=";"))
    assert ["Accord des projets", "PRJ-2026-0099 — Aide à domicile", "1", "33,3 % de 3"] in rows
    assert any(row[0] == "Insertion à la sortie par projet" for row in rows)
    # Insertion by project, in the indicators and the export.
    outcomes = compute(ministry)["outcomes"]["by_project"]
    assert {row["project"]: row["exit"]["recorded"] for row in outcomes} == {
        first.pk: 1, world["pathways"]["b1"].project_id: 1,
    }  # fmt: skip
