"""Issue 16: the funding files' search (the OPCO's queue, the Ministry's list) on their pathway's folded
`search_text` keeps what the OR of LIKEs over six joined tables answered: accents and case ignored,
every word somewhere (reference, candidate, employer, project holder, certification code or title), each
file once, within the user's scope; on SQLite and PostgreSQL."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from funding.models import FundingFile
from tests.funding.factories import funded_pathway, submitted_file
from vae_inversee.accounts.models import Organisation

pytestmark = pytest.mark.django_db


@pytest.fixture
def filed():
    pathway, staff = funded_pathway()
    funding_file = submitted_file(pathway, staff)
    type(pathway.candidate).objects.filter(pk=pathway.candidate_id).update(last_name="Lefèvre", first_name="Zoé")
    type(pathway.employer).objects.filter(pk=pathway.employer_id).update(name="Boulangerie L'Épi d'Or")
    organisation = pathway.project_holder.organisation
    type(organisation).objects.filter(pk=organisation.pk).update(name="Compétences Émeraude")
    type(pathway.certification).objects.filter(pk=pathway.certification_id).update(
        title="Agent·e d'entretien du bâtiment", code="RNCP99001"
    )
    # Another OPCO's file, the same candidate name: never in this OPCO's answers.
    other, other_staff = funded_pathway()
    type(other.candidate).objects.filter(pk=other.candidate_id).update(last_name="Lefevre")
    elsewhere = Organisation.objects.filter(kind="opco").exclude(pk=pathway.employer.opco_id).first()
    type(other.employer).objects.filter(pk=other.employer_id).update(opco=elsewhere)
    other.employer.refresh_from_db()
    other_file = submitted_file(other, other_staff)
    pathway.refresh_from_db()
    return funding_file, other_file, staff


def _found(user, text):
    return sorted(FundingFile.objects.visible_to(user).search(text).values_list("pk", flat=True))


def test_each_searched_column_is_found_without_accents_or_case(filed):
    funding_file, _, staff = filed
    opco = staff["opco"]
    assert _found(opco, "LEFEVRE") == [funding_file.pk]  # candidate's last name
    assert _found(opco, "zoe") == [funding_file.pk]  # first name
    assert _found(opco, "epi d'or") == [funding_file.pk]  # employer, every word in it
    assert _found(opco, "emeraude") == [funding_file.pk]  # project holder
    assert _found(opco, "rncp990") == [funding_file.pk]  # part of the certification's code
    assert _found(opco, "BATIMENT") == [funding_file.pk]  # certification title
    assert _found(opco, funding_file.pathway.reference.lower()) == [funding_file.pk]  # reference
    assert _found(opco, "zoe emeraude rncp99001") == [funding_file.pk]  # words found in different tables
    assert _found(opco, "zoe garage") == []  # every word must be found
    assert _found(opco, "50%") == []  # a % is a character
    assert _found(opco, "   ") == sorted(FundingFile.objects.visible_to(opco).values_list("pk", flat=True))


def test_a_word_found_in_several_tables_lists_the_file_once(filed):
    funding_file, _, staff = filed
    type(funding_file.pathway.employer).objects.filter(pk=funding_file.pathway.employer_id).update(name="Lefèvre SA")
    assert FundingFile.objects.visible_to(staff["opco"]).search("lefevre").count() == 1


def test_the_search_stays_within_the_scope(filed):
    funding_file, other_file, staff = filed
    assert _found(staff["opco"], "lefevre") == [funding_file.pk]
    assert _found(staff["ministry"], "lefevre") == sorted([funding_file.pk, other_file.pk])


def test_the_queue_and_the_ministry_list_search_the_same_way_in_fixed_queries(client, filed):
    funding_file, other_file, staff = filed
    client.force_login(staff["opco"])
    url = reverse("funding:opco_home")
    client.get(url, {"q": "a"})  # the first page keeps the dropdowns' options (cache): not counted
    with CaptureQueriesContext(connection) as one_word:
        response = client.get(url, {"q": "ÉMERAUDE"})
    assert [f.pk for f in response.context["page"].object_list] == [funding_file.pk]
    with CaptureQueriesContext(connection) as three_words:
        response = client.get(url, {"q": "zoe emeraude batiment"})
    assert [f.pk for f in response.context["page"].object_list] == [funding_file.pk]
    assert len(three_words) == len(one_word)  # the words are branches of the same queries, not more queries
    assert client.get(url, {"q": "zoe garage"}).context["page"].paginator.count == 0

    client.force_login(staff["ministry"])
    response = client.get(reverse("funding:ministry_list"), {"q": "lefevre"})
    assert sorted(f.pk for f in response.context["page"].object_list) == sorted([funding_file.pk, other_file.pk])
    export = client.get(reverse("funding:ministry_list"), {"q": "emeraude", "format": "csv"})
    text = b"".join(export.streaming_content).decode("utf-8-sig")
    assert export.status_code == 200 and funding_file.pathway.reference in text
    assert other_file.pathway.reference not in text


def test_the_pages_count_is_the_chosen_tags_count(client, filed):
    """The queue's count is taken from its status tags (one query fewer): it must equal the rows shown."""
    funding_file, _, staff = filed
    second, second_staff = funded_pathway()
    submitted_file(second, second_staff)
    client.force_login(staff["opco"])
    url = reverse("funding:opco_home")
    for query in ({}, {"status": "submitted"}, {"status": "approved"}, {"q": "lefevre"}, {"q": "zzz"},
                  {"q": "lefevre", "status": "submitted"}, {"status": "inconnu"}):  # fmt: skip
        page = client.get(url, query).context["page"]
        assert page.paginator.count == len(page.object_list), query
    assert client.get(url, {"status": "approved"}).context["page"].paginator.count == 0
    assert client.get(url).context["page"].paginator.count == 2
