"""The lists that instruct (product.md section 13, « Lists »): sort by column, search across accents and
case, filters in the URL, CSV and XLSX exports of exactly what the list shows, saved filter sets."""

import csv
import datetime
import io

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from pathways.enums import PathwayPhase
from pathways.models import CandidateAccess, Pathway
from tests.accounts.factories import UserFactory
from tests.funding.factories import funded_pathway, submitted_file
from tests.pathways.factories import CandidateFactory, EmployerFactory, PathwayFactory, walk_to
from vae_inversee.accounts import services as account_services
from vae_inversee.accounts.models import SavedFilter
from vae_inversee.lib.spreadsheets import EUROS_FORMAT
from vae_inversee.www.lists import PAGE_SIZE


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def content(response) -> bytes:
    return b"".join(response.streaming_content)


def csv_rows(response) -> list[list[str]]:
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(content(response).decode("utf-8-sig")), delimiter=";"))


def xlsx_sheet(response):
    assert "spreadsheetml" in response["Content-Type"]
    return openpyxl.load_workbook(io.BytesIO(content(response))).active


def shown_names(response):
    return [candidate.last_name for candidate in response.context["page"].object_list]


@pytest.fixture
def holder_with_candidates(db):
    first = CandidateFactory(last_name="Lefèvre", first_name="Élodie", birth_date=datetime.date(1985, 1, 2))
    holder = first.project_holder
    CandidateFactory(project_holder=holder, last_name="Bernard", birth_date=datetime.date(1999, 5, 6))
    CandidateFactory(project_holder=holder, last_name="Zola", birth_date=datetime.date(1970, 7, 8))
    return holder, UserFactory(organisation=holder.organisation)


# ---- sorting -------------------------------------------------------------------------------------------------


def test_a_column_header_sorts_both_ways_and_says_so(client, holder_with_candidates):
    _, user = holder_with_candidates
    client.force_login(user)
    url = reverse("pathways:candidate_list")

    assert shown_names(client.get(url, {"tri": "nom"})) == ["Bernard", "Lefèvre", "Zola"]
    response = client.get(url, {"tri": "-nom"})
    assert shown_names(response) == ["Zola", "Lefèvre", "Bernard"]
    html = response.content.decode()
    assert 'aria-sort="descending"' in html
    # The header's link sorts the other way next, and keeps the other parameters.
    assert shown_names(client.get(url, {"tri": "naissance"})) == ["Zola", "Lefèvre", "Bernard"]
    assert shown_names(client.get(url, {"tri": "-naissance"})) == ["Bernard", "Lefèvre", "Zola"]
    html = client.get(url, {"tri": "nom", "q": "e"}).content.decode()
    assert 'aria-sort="ascending"' in html and "?tri=-nom&amp;q=e" in html


@pytest.mark.parametrize("sort", ["inconnu", "-", "--nom", "nir", "nom;drop", "x" * 500])
def test_an_unknown_sort_key_is_ignored(client, holder_with_candidates, sort):
    _, user = holder_with_candidates
    client.force_login(user)
    response = client.get(reverse("pathways:candidate_list"), {"tri": sort})
    assert response.status_code == 200
    assert shown_names(response) == ["Bernard", "Lefèvre", "Zola"]  # the list's own order
    assert "aria-sort" not in response.content.decode()


# ---- search across accents and case ---------------------------------------------------------------------------


def test_the_candidate_search_ignores_accents_and_case(client, holder_with_candidates):
    _, user = holder_with_candidates
    client.force_login(user)
    url = reverse("pathways:candidate_list")
    assert shown_names(client.get(url, {"q": "LEFEVRE"})) == ["Lefèvre"]
    assert shown_names(client.get(url, {"q": "elodie lefèvre"})) == ["Lefèvre"]
    response = client.get(url, {"q": "personne"})
    assert shown_names(response) == []
    assert "Aucun candidat ne correspond à cette recherche." in response.content.decode()


def test_evaluatrice_finds_evaluatrice_in_the_employers_and_the_funding_files(client, db):
    pathway, staff = funded_pathway()
    submitted_file(pathway, staff)
    type(pathway.employer).objects.filter(pk=pathway.employer_id).update(name="Évaluatrice Conseil")
    EmployerFactory(project_holder=pathway.project_holder, name="Autre entreprise")
    client.force_login(staff["project_holder"])
    response = client.get(reverse("pathways:employer_list"), {"q": "evaluatrice"})
    assert [employer.name for employer in response.context["page"].object_list] == ["Évaluatrice Conseil"]

    client.force_login(staff["opco"])
    assert client.get(reverse("funding:opco_home"), {"q": "EVALUATRICE"}).context["page"].paginator.count == 1
    assert client.get(reverse("funding:opco_home"), {"q": "cuisine"}).context["page"].paginator.count == 0
    client.force_login(staff["ministry"])
    assert client.get(reverse("funding:ministry_list"), {"q": "évaluatrice"}).context["page"].paginator.count == 1


# ---- exports ----------------------------------------------------------------------------------------------------


def test_the_csv_export_holds_every_filtered_and_sorted_row_of_every_page(client, db):
    first = CandidateFactory(last_name="Martin0")
    holder = first.project_holder
    for n in range(1, PAGE_SIZE + 5):
        CandidateFactory(project_holder=holder, last_name=f"Martin{n}")
    CandidateFactory(project_holder=holder, last_name="Dupont")
    user = UserFactory(organisation=holder.organisation)
    client.force_login(user)
    url = reverse("pathways:candidate_list")

    shown = client.get(url, {"q": "martin", "tri": "-nom"})
    assert shown.context["page"].paginator.count == PAGE_SIZE + 5
    rows = csv_rows(client.get(url, {"q": "martin", "tri": "-nom", "format": "csv", "page": "2"}))

    assert rows[0] == ["Nom", "Date de naissance", "Plus haut diplôme", "NIR", "Parcours"]
    names = [row[0].split()[0] for row in rows[1:]]
    assert names == sorted((f"Martin{n}" for n in range(PAGE_SIZE + 5)), reverse=True)
    assert "Dupont" not in " ".join(names)
    # The export of candidates' personal data is logged, one row per candidate exported.
    assert CandidateAccess.objects.filter(user=user, kind="list").count() == PAGE_SIZE + 5


def test_the_xlsx_export_has_a_frozen_header_widths_and_typed_cells(client, holder_with_candidates):
    _, user = holder_with_candidates
    client.force_login(user)

    sheet = xlsx_sheet(client.get(reverse("pathways:candidate_list"), {"tri": "nom", "format": "xlsx"}))

    assert sheet.freeze_panes == "A2"
    assert [cell.value for cell in sheet[1]] == ["Nom", "Date de naissance", "Plus haut diplôme", "NIR", "Parcours"]
    assert all(sheet.column_dimensions[letter].width >= 8 for letter in "ABCDE")
    assert sheet["A2"].value == "Bernard Aminata"
    assert sheet["B3"].value == datetime.datetime(1985, 1, 2) and sheet["B3"].is_date
    assert sheet["E2"].value == 0 and sheet["E2"].data_type == "n"


def test_the_funding_queue_exports_euros_as_numbers_and_sorts_by_total(client, db):
    pathway, staff = funded_pathway()
    submitted_file(pathway, staff)
    opco = staff["opco"]
    url = reverse("funding:opco_home")
    client.force_login(opco)
    sheet = xlsx_sheet(client.get(url, {"format": "xlsx"}))
    headers = [cell.value for cell in sheet[1]]
    assert headers[:7] == ["Parcours", "Candidat", "Employeur", "Porteur de projet", "Certification", "Année",
                           "Total demandé"]  # fmt: skip
    total = sheet.cell(row=2, column=7)
    assert total.value == 9000 and total.number_format == EUROS_FORMAT
    assert sheet.cell(row=2, column=9).is_date  # « Transmis le »
    rows = csv_rows(client.get(url, {"format": "csv"}))
    assert rows[1][6] == "9000,00"


# ---- every list sorts by each of its columns, both ways, and exports ---------------------------------------

LISTS = {
    "project_holder": ["pathways:project_holder_home", "pathways:candidate_list", "pathways:employer_list",
                       "projects:list"],
    "companion": ["pathways:companion_home"],
    "opco": ["funding:opco_home", "funding:payment_queue", "funding:batch_list"],
    "certifier": ["evaluation:certifier_home"],
    "ministry": ["funding:ministry_list", "projects:queue"],
}  # fmt: skip


@pytest.fixture
def world(db):
    pathway, staff = funded_pathway()
    submitted_file(pathway, staff)
    walk_to(PathwayFactory(project_holder=pathway.project_holder, certification=pathway.certification),
            PathwayPhase.ADMISSIBILITY)  # fmt: skip
    return pathway, staff


@pytest.mark.parametrize(("role", "name"), [(role, name) for role, names in LISTS.items() for name in names])
def test_every_list_sorts_by_each_column_both_ways_and_exports_what_it_shows(client, world, role, name):
    _, staff = world
    client.force_login(staff[role])
    url = reverse(name)
    response = client.get(url)
    assert response.status_code == 200
    columns = response.context["columns"]
    html = response.content.decode()
    assert "Exporter en CSV" in html and "Exporter en XLSX" in html
    for column in columns:
        if column["sortable"] and response.context["page"].object_list:
            assert f'data-sort="{column["key"]}"' in html
        for sort in (column["key"], f"-{column['key']}"):
            sorted_page = client.get(url, {"tri": sort})
            assert sorted_page.status_code == 200
    shown = [obj.pk for obj in client.get(url, {"tri": f"-{columns[0]['key']}"}).context["page"].object_list]
    rows = csv_rows(client.get(url, {"tri": f"-{columns[0]['key']}", "format": "csv"}))
    assert rows[0] == [column["label"] for column in columns]
    assert len(rows) - 1 == len(shown)
    sheet = xlsx_sheet(client.get(url, {"format": "xlsx"}))
    assert sheet.freeze_panes == "A2" and sheet.max_row == len(shown) + 1


def test_the_certifier_filters_assigned_to_me_and_unassigned(client, db):
    waiting = walk_to(PathwayFactory(), PathwayPhase.ADMISSIBILITY)
    certifier_org = waiting.certification.certifiers.first().organisation
    other = walk_to(PathwayFactory(certification=waiting.certification), PathwayPhase.ADMISSIBILITY)
    me = UserFactory(organisation=certifier_org)
    Pathway.objects.filter(pk=waiting.pk).update(assignee=me)  # the assignment service is tested elsewhere
    client.force_login(me)
    url = reverse("evaluation:certifier_home")

    def shown(**params):
        return [p.pk for p in client.get(url, params).context["page"].object_list]

    assert sorted(shown()) == sorted([waiting.pk, other.pk])
    assert shown(assignee="me") == [waiting.pk]
    assert shown(assignee="none") == [other.pk]
    assert "Assignés à moi" in client.get(url).content.decode()
    rows = csv_rows(client.get(url, {"assignee": "none", "format": "csv"}))
    assert [row[0] for row in rows[1:]] == [other.reference]


# ---- query counts ---------------------------------------------------------------------------------------------


def queries_of(client, url, params=None) -> int:
    """The queries of one request with nothing kept in the cache (the header's unread count, issue 16)."""
    from django.core.cache import cache
    from django.db import connection

    cache.clear()
    with CaptureQueriesContext(connection) as context:
        response = client.get(url, params or {})
        if response.streaming:
            content(response)
    assert response.status_code == 200
    return len(context.captured_queries)


@pytest.mark.parametrize("name", ["pathways:candidate_list", "pathways:employer_list"])
def test_a_list_query_count_does_not_grow_with_its_rows_nor_its_pages(client, db, name):
    first = CandidateFactory()
    holder = first.project_holder
    EmployerFactory(project_holder=holder)
    user = UserFactory(organisation=holder.organisation)
    client.force_login(user)
    url = reverse(name)
    queries_of(client, url)  # the first request of the session writes it
    few = queries_of(client, url, {"tri": "-parcours"})
    few_export = queries_of(client, url, {"tri": "-parcours", "format": "xlsx"})
    CandidateFactory.create_batch(PAGE_SIZE + 10, project_holder=holder)
    EmployerFactory.create_batch(PAGE_SIZE + 10, project_holder=holder)
    assert queries_of(client, url, {"tri": "-parcours"}) == few
    assert queries_of(client, url, {"tri": "-parcours", "page": "2"}) == few
    # The export reads every row in chunks of 500 (and logs the candidates in one INSERT): as many
    # queries for 36 rows as for one.
    assert queries_of(client, url, {"tri": "-parcours", "format": "xlsx"}) == few_export


# ---- saved filter sets ------------------------------------------------------------------------------------------


def test_a_user_saves_applies_replaces_and_deletes_a_filter_set(client, holder_with_candidates):
    _, user = holder_with_candidates
    client.force_login(user)
    url = reverse("pathways:candidate_list")
    save = reverse("accounts:saved_filter_save")
    assert "Enregistrer ces filtres" in client.get(url, {"q": "lefevre"}).content.decode()

    response = client.post(
        save, {"list_key": "pathways:candidate_list", "name": " Mes  Lefèvre ", "query": "q=lefevre&page=3&tri=nom"}
    )
    saved = SavedFilter.objects.get(user=user)
    assert (saved.name, saved.list_key, saved.query) == ("Mes Lefèvre", "pathways:candidate_list", "q=lefevre&tri=nom")
    assert response.status_code == 302 and response["Location"] == f"{url}?q=lefevre&tri=nom"
    html = client.get(url).content.decode()
    assert "Mes Lefèvre" in html and f"{url}?q=lefevre&amp;tri=nom" in html

    # The same name replaces the set.
    client.post(save, {"list_key": "pathways:candidate_list", "name": "Mes Lefèvre", "query": "q=zola"})
    assert list(SavedFilter.objects.filter(user=user).values_list("query", flat=True)) == ["q=zola"]

    response = client.post(reverse("accounts:saved_filter_delete", args=[saved.pk]), follow=True)
    assert not SavedFilter.objects.filter(user=user).exists()
    assert "Les filtres « Mes Lefèvre » ont été supprimés." in response.content.decode()


def test_saving_filters_is_refused_clearly(client, holder_with_candidates):
    _, user = holder_with_candidates
    client.force_login(user)
    save = reverse("accounts:saved_filter_save")
    response = client.post(save, {"list_key": "pathways:candidate_list", "name": "  ", "query": "q=a"}, follow=True)
    assert "Donnez un nom à ces filtres." in response.content.decode()
    response = client.post(save, {"list_key": "pathways:candidate_list", "name": "x" * 81, "query": "q=a"}, follow=True)
    assert "Le nom ne doit pas dépasser 80 caractères (il en a 81)." in response.content.decode()
    response = client.post(
        save, {"list_key": "pathways:candidate_list", "name": "Vide", "query": "page=2"}, follow=True
    )
    assert "choisissez des filtres avant de les enregistrer" in response.content.decode()
    # A list that is not one of the portal's lists (and never an address to redirect to).
    assert client.post(save, {"list_key": "https://exemple.fr", "name": "A", "query": "q=a"}).status_code == 404
    assert not SavedFilter.objects.exists()


def test_a_user_sees_and_deletes_only_their_own_saved_filters(client, holder_with_candidates):
    holder, user = holder_with_candidates
    colleague = UserFactory(organisation=holder.organisation)
    theirs, _ = account_services.saved_filter_save(
        user=colleague, list_key="pathways:candidate_list", name="Les filtres du collègue", query="q=zola"
    )
    client.force_login(user)

    assert "Les filtres du collègue" not in client.get(reverse("pathways:candidate_list")).content.decode()
    assert client.post(reverse("accounts:saved_filter_delete", args=[theirs.pk])).status_code == 404
    assert SavedFilter.objects.filter(pk=theirs.pk).exists()
    with pytest.raises(PermissionDenied, match="pas les vôtres"):
        account_services.saved_filter_delete(saved_filter=theirs, acting_user=user)


def test_the_saved_filters_service_keeps_only_filters_and_limits_their_number(db):
    user = UserFactory()
    saved, replaced = account_services.saved_filter_save(
        user=user, list_key="funding:opco_home", name="A", query="status=submitted&format=xlsx&page=2&q="
    )
    assert (saved.query, replaced) == ("status=submitted", False)
    for n in range(account_services.SAVED_FILTERS_PER_LIST - 1):
        account_services.saved_filter_save(user=user, list_key="funding:opco_home", name=f"B{n}", query="q=a")
    with pytest.raises(ValidationError, match="supprimez-en un"):
        account_services.saved_filter_save(user=user, list_key="funding:opco_home", name="Un de trop", query="q=a")
    # Replacing one is still possible, and another list has its own sets.
    assert account_services.saved_filter_save(user=user, list_key="funding:opco_home", name="A", query="q=b")[1]
    account_services.saved_filter_save(user=user, list_key="projects:queue", name="A", query="q=b")
    assert SavedFilter.objects.filter(user=user).count() == account_services.SAVED_FILTERS_PER_LIST + 1


def test_the_steering_list_exports_its_filtered_and_sorted_rows(client, world):
    pathway, staff = world
    client.force_login(staff["ministry"])
    url = reverse("evaluation:steering_pathways")
    shown = client.get(url, {"sort": "-reference"})
    assert "Exporter en XLSX" in shown.content.decode()
    references = [p.reference for p in shown.context["page"].object_list]
    rows = csv_rows(client.get(url, {"sort": "-reference", "format": "csv"}))
    assert rows[0][:3] == ["Référence", "Phase", "Porteur de projet"]
    assert [row[0] for row in rows[1:]] == references == sorted(references, reverse=True)
    sheet = xlsx_sheet(client.get(url, {"sort": "reference", "format": "xlsx"}))
    assert [sheet.cell(row=n, column=1).value for n in range(2, sheet.max_row + 1)] == sorted(references)
    assert sheet.cell(row=2, column=9).is_date


def test_the_certifier_queue_query_count_does_not_grow_with_its_rows(client, db):
    waiting = walk_to(PathwayFactory(), PathwayPhase.ADMISSIBILITY)
    certifier = UserFactory(organisation=waiting.certification.certifiers.first().organisation)
    client.force_login(certifier)
    url = reverse("evaluation:certifier_home")
    queries_of(client, url)
    few = queries_of(client, url, {"tri": "-assigne", "assignee": "none"})
    few_export = queries_of(client, url, {"tri": "candidat", "format": "csv"})
    for _ in range(3):
        walk_to(PathwayFactory(certification=waiting.certification), PathwayPhase.ADMISSIBILITY)
    assert queries_of(client, url, {"tri": "-assigne", "assignee": "none"}) == few
    assert queries_of(client, url, {"tri": "candidat", "format": "csv"}) == few_export
