"""Issue 16: the search on the pathway's folded `search_text` (kept by the database) and the phase counts in one GROUP BY keep
what they answered (accents and case ignored, every word somewhere, each pathway once), on SQLite and
PostgreSQL, in a number of queries that does not depend on the data."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from pathways import selectors
from pathways.enums import PathwayPhase
from pathways.models import Pathway
from tests.accounts.factories import UserFactory
from tests.conftest import api_as
from tests.pathways.factories import CandidateFactory, EmployerFactory, PathwayFactory, ProjectHolderFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def three(db):
    holder = ProjectHolderFactory()
    user = UserFactory(organisation=holder.organisation)
    first = PathwayFactory(
        project_holder=holder,
        candidate=CandidateFactory(project_holder=holder, last_name="Lefèvre", first_name="Zoé"),
        employer=EmployerFactory(project_holder=holder, name="Boulangerie L'Épi d'Or"),
    )
    second = PathwayFactory(
        project_holder=holder,
        candidate=CandidateFactory(project_holder=holder, last_name="Martin", first_name="Hélène"),
        employer=EmployerFactory(project_holder=holder, name="Garage Dupont"),
    )
    type(second.certification).objects.filter(pk=second.certification_id).update(
        title="Agent·e d'entretien du bâtiment", code="RNCP99001"
    )
    third = PathwayFactory(project_holder=holder, candidate=CandidateFactory(project_holder=holder, last_name="Ngo"))
    return user, first, second, third


def _found(user, text):
    return sorted(Pathway.objects.visible_to(user).search(text).values_list("pk", flat=True))


def test_each_searched_column_is_found_without_accents_or_case(three):
    user, first, second, third = three
    assert _found(user, "LEFEVRE") == [first.pk]  # candidate's last name
    assert _found(user, "zoe") == [first.pk]  # first name
    assert _found(user, "epi d'or") == [first.pk]  # employer, every word in it
    assert _found(user, "BATIMENT") == [second.pk]  # certification title
    assert _found(user, "rncp99001") == [second.pk]  # the certification's exact code
    assert _found(user, second.reference.lower()) == [second.pk]  # reference
    assert _found(user, "helene garage") == [second.pk]  # words found in different tables
    assert _found(user, "helene boulangerie") == []  # every word must be found
    assert _found(user, "50%") == []  # a % is a character


def test_a_word_found_in_several_tables_lists_the_pathway_once(three):
    user, first, _, _ = three
    type(first.employer).objects.filter(pk=first.employer_id).update(name="Lefèvre et fils")
    assert _found(user, "lefevre") == [first.pk]
    assert Pathway.objects.visible_to(user).search("lefevre").count() == 1


def test_the_search_stays_within_the_scope(three, ministry_user):
    project_holder_user, first, _, _ = three
    other = PathwayFactory(candidate__last_name="Lefevre")  # another holder's
    assert _found(project_holder_user, "lefevre") == [first.pk]
    assert _found(ministry_user, "lefevre") == sorted([first.pk, other.pk])


def _text(pathway):
    return Pathway.objects.values_list("search_text", flat=True).get(pk=pathway.pk)


def test_the_search_text_follows_every_write_to_what_it_repeats(three):
    """The database keeps it (migration 0019): an `update()`, a save, a bulk insert, through any door."""
    user, first, second, _ = three
    assert _text(first).startswith(f"{first.reference.lower()} lefevre zoe boulangerie l'epi d'or ")
    type(first.candidate).objects.filter(pk=first.candidate_id).update(last_name="Ngô", first_name="Élise")
    type(first.employer).objects.filter(pk=first.employer_id).update(name="Fournil Saint-Éloi")
    certification = type(first.certification).objects.get(pk=first.certification_id)
    certification.title = "Boulanger·ère artisan·e"
    certification.save()
    organisation = first.project_holder.organisation
    type(organisation).objects.filter(pk=organisation.pk).update(name="Compétences Émeraude")
    text = _text(first)
    assert "lefevre" not in text and "epi d'or" not in text
    for word in ("ngo elise", "fournil saint-eloi", "boulanger·ere artisan·e", certification.code.lower(), "emeraude"):
        assert word in text
    assert _found(user, "lefevre") == [] and _found(user, "NGÔ fournil") == [first.pk]
    # The pathway moved to another employer (a save of every column): the text follows.
    first.employer = second.employer
    first.save()
    assert "garage dupont" in _text(first) and "fournil" not in _text(first)
    # Rows written in bulk (the seed, an import) get it too.
    [bulk] = Pathway.objects.bulk_create([Pathway(**{
        field.attname: getattr(second, field.attname) for field in Pathway._meta.concrete_fields
        if field.attname not in ("id", "reference", "search_text")})])  # fmt: skip
    assert "martin helene garage dupont" in _text(bulk)


def test_the_search_text_stays_out_of_the_history(three):
    first = three[1]
    assert "search_text" not in {field.name for field in Pathway.history.model._meta.fields}
    assert Pathway.history.filter(id=first.pk).exists()


def test_the_search_text_triggers_survive_every_migration(db):
    """A later migration that rebuilds one of these tables on SQLite would drop its trigger silently."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT tgname FROM pg_trigger WHERE tgname LIKE 'vae_%%_search_text'")
        else:
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'vae_%_search_text%'")
        names = {row[0] for row in cursor.fetchall()}
    expected = {"pathways_candidate", "pathways_employer", "certifications_certification", "accounts_organisation"}
    assert {f"vae_{table}_search_text" for table in expected} <= names
    assert len(names) == len(expected) + (1 if connection.vendor == "postgresql" else 2)


def test_a_search_is_one_condition_per_word_on_one_column(three):
    user, _, second, _ = three
    sql = str(Pathway.objects.visible_to(user).search("helene garage").query)
    assert sql.count('"search_text" LIKE') == 2 and " JOIN " not in sql.split("WHERE", 1)[1]
    assert list(Pathway.objects.visible_to(user).search("helene garage").values_list("pk", flat=True)) == [second.pk]


def test_phase_counts_are_one_query_and_equal_the_counts_per_phase(three):
    user, _, _, _ = three
    Pathway.objects.filter(pk=three[2].pk).update(phase=PathwayPhase.DELIVERY)
    visible = Pathway.objects.visible_to(user)
    with CaptureQueriesContext(connection) as queries:
        rows, total = selectors.phase_counts(visible)
    assert len(queries) == 1
    assert total == visible.count() == 3
    assert {row["phase"]: row["count"] for row in rows} == {
        phase.value: visible.filter(phase=phase).count() for phase in PathwayPhase
    }


def test_the_api_search_takes_the_same_queries_whatever_the_matches(three):
    user = three[0]
    api = api_as(user)
    with CaptureQueriesContext(connection) as one:
        assert api.get("/api/v1/pathways/?q=lefevre").json()["count"] == 1
    holder = three[1].project_holder
    for _index in range(4):
        PathwayFactory(project_holder=holder, candidate=CandidateFactory(project_holder=holder, last_name="Lefèvre"))
    with CaptureQueriesContext(connection) as five:
        answer = api.get("/api/v1/pathways/?q=lefevre&page_size=2").json()
    assert answer["count"] == 5 and len(answer["results"]) == 2 and answer["next"] and answer["previous"] is None
    assert len(five) == len(one)


def test_a_save_that_keeps_the_names_does_not_rewrite_the_pathways(three):
    """A save writes every column: the triggers rewrite the pathways only when a repeated column changed."""
    _, first, _, _ = three
    Pathway.objects.filter(pk=first.pk).update(search_text="marque")  # not a column the pathway's trigger reads
    candidate = first.candidate
    candidate.email = "zoe.lefevre@example.fr"
    candidate.save()
    employer = first.employer
    employer.save()
    assert _text(first) == "marque"
    candidate.first_name = "Zoë"
    candidate.save()
    assert _text(first).startswith(f"{first.reference.lower()} lefevre zoe ")
