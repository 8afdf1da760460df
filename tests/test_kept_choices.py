"""The list filters' dropdowns (employers, project holders; the certification of the OPCO queue and of the
steering lists is typed by its code, with suggestions) are queried once per data version
and user, then read from the cache (vae_inversee.www.forms.keep_model_choices, issue 16): a write of the
watched data shows its new option at once, another user never reads someone else's options, and a value
outside the user's scope is still refused."""

import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.accounts.factories import UserFactory
from tests.funding.factories import submitted_file
from tests.pathways.factories import EmployerFactory, PathwayFactory, staff_of

OPTIONS_QUERY = re.compile(
    r'SELECT [^()]*? FROM "(certifications_certification|pathways_employer|pathways_projectholder|pathways_project)"'
)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def get(client, url, **params):
    """The response, and the queries that listed a dropdown's options (a query whose main table is the
    options' own, not one that joins it)."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params)
    assert response.status_code in (200, 400)
    listed = [query["sql"] for query in queries if OPTIONS_QUERY.match(query["sql"])]
    return response, listed


def cold_then_warm(client, user, url, dropdowns):
    """Two visits with nothing kept at first: the first lists each dropdown's options, the second none."""
    client.force_login(user)
    cache.clear()
    _, cold = get(client, url)
    response, warm = get(client, url)
    assert len(cold) == dropdowns and warm == [], (cold, warm)
    return response


def options_of(response, field):
    return {str(value) for value, _label in response.context["form"].fields[field].choices if value != ""}


def test_the_pathway_list_queries_its_filter_options_once_and_shows_a_new_employer_at_once(client, db):
    pathway = PathwayFactory()
    holder = UserFactory(organisation=pathway.project_holder.organisation)
    url = reverse("pathways:project_holder_home")
    # The certifications' and the employers' queries: read from the cache the second time.
    again = cold_then_warm(client, holder, url, dropdowns=2)
    assert options_of(again, "employer") == {str(pathway.employer.pk)}
    assert options_of(again, "certification") == {str(pathway.certification.pk)}
    assert again.content.decode().count(pathway.employer.name) >= 1

    added = EmployerFactory(project_holder=pathway.project_holder, name="Boulangerie du Marché Neuf")
    after, _ = get(client, url)
    assert options_of(after, "employer") == {str(pathway.employer.pk), str(added.pk)}
    assert "Boulangerie du Marché Neuf" in after.content.decode()


def test_kept_options_are_each_users_own_and_a_value_outside_ones_scope_is_refused(client, db):
    mine, theirs = PathwayFactory(), PathwayFactory()
    me = UserFactory(organisation=mine.project_holder.organisation)
    them = UserFactory(organisation=theirs.project_holder.organisation)
    url = reverse("pathways:project_holder_home")
    cache.clear()
    client.force_login(me)
    get(client, url)
    client.force_login(them)
    response, _ = get(client, url)
    assert options_of(response, "employer") == {str(theirs.employer.pk)}
    # Their employer is not offered to me, and asking for it by its id is refused (the form's own check).
    client.force_login(me)
    response, _ = get(client, url, employer=theirs.employer.pk)
    assert str(theirs.employer.pk) not in options_of(response, "employer")
    assert "employer" in response.context["form"].errors
    assert theirs.employer.name not in response.content.decode()


def test_the_opco_queue_keeps_its_holder_options_and_follows_a_new_file(client, db):
    first = PathwayFactory()
    staff = staff_of(first)
    submitted_file(first, staff)
    url = reverse("funding:opco_home")
    # The project holders only: the certification is typed by its code, with suggestions.
    response = cold_then_warm(client, staff["opco"], url, dropdowns=1)
    assert options_of(response, "project_holder") == {str(first.project_holder.pk)}

    second = PathwayFactory(employer__opco=first.employer.opco)
    submitted_file(second, {**staff_of(second), "opco": staff["opco"]})
    response, _ = get(client, url)
    assert options_of(response, "project_holder") == {str(first.project_holder.pk), str(second.project_holder.pk)}
    response, _ = get(client, url, certification=second.certification.code)
    assert response.context["form"].is_valid()
    assert [row.pathway_id for row in response.context["page"]] == [second.pk]


def test_the_ministrys_steering_list_keeps_its_options_and_follows_a_new_pathway(client, db, ministry_user):
    first = PathwayFactory()
    url = reverse("evaluation:steering_pathways")
    # Project holders, projects (the certification is typed by its code, with suggestions).
    response = cold_then_warm(client, ministry_user, url, dropdowns=2)
    assert str(first.project_holder.pk) in options_of(response, "project_holder")
    # A field that names its options by another field than the id (the OPCO by its code) keeps that value.
    assert "AKTO" in options_of(response, "opco")
    response, _ = get(client, url, opco="AKTO")
    assert response.status_code == 200 and response.context["form"].is_valid()

    second = PathwayFactory()
    response, _ = get(client, url)
    assert {str(first.project_holder.pk), str(second.project_holder.pk)} <= options_of(response, "project_holder")
    response, _ = get(client, url, certification=second.certification.code)
    assert [row.pk for row in response.context["page"]] == [second.pk]


def test_an_export_of_the_steering_list_never_lists_the_dropdowns_it_does_not_render(client, db, ministry_user):
    PathwayFactory()
    client.force_login(ministry_user)
    cache.clear()
    for url, params in [
        (reverse("evaluation:steering_pathways"), {"format": "csv"}),
        (reverse("evaluation:pathways_export", args=["csv"]), {}),
    ]:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url, params)
            body = b"".join(response.streaming_content) if response.streaming else response.content
        assert response.status_code == 200 and response["Content-Type"].startswith("text/csv") and body
        assert [q["sql"] for q in queries if OPTIONS_QUERY.match(q["sql"])] == []
    # The page itself still lists them the first time (nothing was kept by the exports).
    cold_then_warm(client, ministry_user, reverse("evaluation:steering_pathways"), dropdowns=2)


REGIONS_QUERY = re.compile(r'SELECT DISTINCT "accounts_organisation"."region"')


def test_the_region_options_are_kept_too_and_a_new_region_shows_at_once(client, db, ministry_user):
    first = PathwayFactory()
    url = reverse("evaluation:steering_pathways")
    client.force_login(ministry_user)
    cache.clear()
    counts = []
    for _ in range(2):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        counts.append(sum(bool(REGIONS_QUERY.match(q["sql"])) for q in queries))
    assert counts == [1, 0]
    assert first.project_holder.organisation.region in options_of(response, "region")

    second = PathwayFactory(project_holder__organisation__region="Bretagne")
    response = client.get(url, {"region": "Bretagne"})
    assert response.status_code == 200 and "Bretagne" in options_of(response, "region")
    assert [row.pk for row in response.context["page"]] == [second.pk]


def test_the_kept_options_are_written_once_and_the_chosen_one_is_still_marked_selected(client, db, ministry_user):
    first, second = PathwayFactory(), PathwayFactory()
    url = reverse("evaluation:steering_pathways")
    cold_then_warm(client, ministry_user, url, dropdowns=2)
    # Warm: the written options come from the cache; only the chosen project holder is marked.
    response, listed = get(client, url, project_holder=second.project_holder.pk)
    # Only the check of the submitted value against the user's scope (one row), no listing.
    assert len(listed) == 1 and listed[0].endswith("LIMIT 21")
    select = re.search(r'<select name="project_holder".*?</select>', response.content.decode(), re.S).group(0)
    assert select.count(" selected") == 1
    assert f'<option value="{second.project_holder.pk}" selected>' in select
    assert f'<option value="{first.project_holder.pk}">' in select
    # A widget whose choices were replaced afterwards writes the new ones, not the kept text.
    form = response.context["form"]
    form.fields["project_holder"].widget.choices = [("", "Tous"), ("x", "Autre")]
    first_name = first.project_holder.organisation.name
    assert "Autre" in str(form["project_holder"]) and first_name not in str(form["project_holder"])


def test_the_kept_options_are_given_as_they_are_not_normalised_again(client, db, ministry_user, monkeypatch):
    """Django normalises a list of choices option by option, in the field then in the widget (2 × 2 000
    certifications per page at 100 000 pathways): the kept ones are handed over as a choice iterator."""
    from django.forms import fields, widgets

    from vae_inversee.www.forms import KeptChoices

    pathway = PathwayFactory()
    url = reverse("evaluation:steering_pathways")
    cold_then_warm(client, ministry_user, url, dropdowns=2)
    normalised = []
    for module in (fields, widgets):
        original = module.normalize_choices
        monkeypatch.setattr(module, "normalize_choices", lambda value, *a, _o=original, **k: normalised.append(
            len(value) if isinstance(value, list) else 0) or _o(value, *a, **k))  # fmt: skip
    response, _ = get(client, url, project_holder=pathway.project_holder.pk)
    field = response.context["form"].fields["project_holder"]
    assert isinstance(field.choices, KeptChoices) and field.widget.choices is field.choices
    assert max(normalised, default=0) < len(list(field.choices))  # no list of the kept options normalised
    assert str(pathway.project_holder.pk) in [str(value) for value, _ in field.choices]
    assert response.context["form"].is_valid()
