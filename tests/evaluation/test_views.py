"""The indicators dashboard (/pilotage/ for the Ministry, /indicateurs/ for project holders and OPCOs) and its exports."""

import csv
import io
import re
import xml.etree.ElementTree as ET

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from evaluation.exports import INDICATOR_HEADERS, PATHWAY_HEADERS
from pathways import services as pathway_services
from tests.accounts.factories import OrganisationFactory, UserFactory
from tests.pathways.factories import (
    EmployerFactory,
    PathwayFactory,
    ProjectHolderFactory,
    record_jury,
    staff_of,
    walk_to,
)
from vae_inversee.accounts.models import Organisation

NNBSP = "\u202f"


@pytest.fixture
def data(db, settings, tmp_path):
    """Holder A (ceiling 10): two in positioning, one abandoned, one completed with a partial jury (2 of 3 blocks)
    and its funding approved (4 000 + 500 + 1 500 €); holder B (ceiling 4): one in positioning, employer of ATLAS."""
    settings.MEDIA_ROOT = tmp_path
    holder_a = ProjectHolderFactory(
        pathway_ceiling=10, organisation=OrganisationFactory(kind="project_holder", region="Bretagne")
    )
    holder_b = ProjectHolderFactory(
        pathway_ceiling=4, organisation=OrganisationFactory(kind="project_holder", region="Normandie")
    )
    a1 = PathwayFactory(project_holder=holder_a)
    a2 = PathwayFactory(project_holder=holder_a, certification=a1.certification)
    staff = staff_of(a1)
    a3 = PathwayFactory(project_holder=holder_a, certification=a1.certification)
    pathway_services.pathway_transition(
        acting_user=staff["project_holder"], pathway=a3, to="abandoned", comment="Rupture de la période d'essai"
    )
    a4 = PathwayFactory(project_holder=holder_a, certification=a1.certification, companion=a1.companion)
    a4 = walk_to(a4, "evaluation", staff)
    record_jury(a4, staff, outcome="partial", validated=2)
    pathway_services.pathway_transition(acting_user=staff["certifier"], pathway=a4, to="completed")
    atlas = EmployerFactory(project_holder=holder_b, idcc="1486", opco=Organisation.objects.get(code="ATLAS"))
    b1 = PathwayFactory(project_holder=holder_b, employer=atlas, certification__level=None)
    return {
        "holder_a": holder_a, "holder_b": holder_b, "staff": staff,
        "a_references": {p.reference for p in (a1, a2, a3, a4)}, "b1": b1,
    }  # fmt: skip


def html_of(response):
    return response.content.decode().replace("&#x27;", "'")


def svg_chart(response, chart_id):
    """The chart's <figure> parsed as XML: (title, [(label, [values])])."""
    html = response.content.decode()
    match = re.search(rf'<figure class="dashboard-chart" id="{chart_id}">(.*?)</figure>', html, re.S)
    assert match, f"no chart {chart_id}"
    svg = ET.fromstring(match.group(1).strip())
    assert svg.tag == "svg" and svg.get("role") == "img"
    assert svg.get("aria-labelledby") == f"{chart_id}-titre {chart_id}-description"
    rows = [
        (g.find("text[@class='dashboard-chart__label']").text,
         [t.text for t in g.findall("text[@class='dashboard-chart__value']")])
        for g in svg.iter("g")
    ]  # fmt: skip
    return svg.find("title").text, rows


def test_the_ministry_dashboard_shows_every_figure(client, data):
    client.force_login(UserFactory(role="ministry"))
    response = client.get("/pilotage/")
    assert response.status_code == 200
    html = html_of(response)
    assert "<h1>Pilotage national" in html

    title, funnel = svg_chart(response, "graphique-phases")
    assert title == "Entonnoir des parcours par phase"
    assert funnel == [
        ("Information et positionnement", ["3"]), ("Accompagnement", ["0"]), ("Recevabilité", ["0"]),
        ("Mise en œuvre", ["0"]), ("Évaluation et jury", ["0"]), ("Terminé", ["1"]), ("Abandonné", ["1"]),
    ]  # fmt: skip
    _, outcomes = svg_chart(response, "graphique-jurys")
    assert outcomes == [
        ("Validation totale", ["0"]), ("Validation partielle", ["1"]), ("Aucune validation", ["0"]),
        ("Candidat absent", ["0"]),
    ]  # fmt: skip
    _, funding = svg_chart(response, "graphique-financements")
    assert funding[0] == ("Frais pédagogiques", [f"4{NNBSP}000,00 €", f"4{NNBSP}000,00 €"])
    assert funding[1] == ("Conception et coordination", ["500,00 €", "500,00 €"])

    # Each chart is followed by a table with the same figures.
    assert re.search(r'<th scope="row">Abandonné</th>\s*<td class="dashboard-table__number">1</td>', html)
    assert re.search(r'<th scope="row">Validation partielle</th>\s*<td class="dashboard-table__number">1</td>', html)
    assert f'<td class="dashboard-table__number">6{NNBSP}000,00 €</td>' in html  # requested total
    assert html.count('role="img"') == 3
    assert html.count('<th scope="col"') >= 20 and html.count("<caption>") >= 9
    # Breakdowns, ceilings, drop-outs, blocks and durations.
    assert "Bretagne" in html and "Normandie" in html and "ATLAS" in html and "Sans niveau" in html
    assert f"40{NNBSP}%" in html and f"25{NNBSP}%" in html  # holders' ceiling use
    assert f"0,1{NNBSP}%" in html  # 5 of the 5 000 national pathways
    assert "Rupture de la période d'essai" in html
    assert "<strong>2</strong> blocs de compétences validés" in html and "<strong>3</strong> évalué" in html
    # Ministry extras kept from the former home page.
    assert response.context["organisations"]["opco"] == 11
    assert "Acteurs inscrits sur la plateforme" in html


def test_a_project_holder_sees_only_its_own_figures(client, data):
    user = UserFactory(organisation=data["holder_b"].organisation)
    client.force_login(user)
    response = client.get("/indicateurs/")
    assert response.status_code == 200
    html = html_of(response)
    assert response.context["data"]["total_pathways"] == 1
    _, funnel = svg_chart(response, "graphique-phases")
    assert funnel[0] == ("Information et positionnement", ["1"]) and funnel[-1] == ("Abandonné", ["0"])
    assert [row["label"] for row in response.context["by_opco"]] == ["OPCO ATLAS"]
    assert [row["name"] for row in response.context["holders"]] == [data["holder_b"].organisation.name]
    assert data["holder_a"].organisation.name not in html and "Bretagne" not in html
    # Nothing to draw yet: a message instead of an empty chart.
    assert "Pas encore de données : aucun jury enregistré." in html
    assert "Pas encore de données : aucun dossier de financement." in html
    assert 'id="graphique-jurys"' not in html and html.count('role="img"') == 1
    # Its navigation leads here.
    assert 'href="/indicateurs/" aria-current="page">Indicateurs' in html


def test_an_opco_sees_the_pathways_of_the_files_addressed_to_it(client, data):
    client.force_login(UserFactory(organisation=Organisation.objects.get(code="AKTO")))
    response = client.get("/indicateurs/")
    assert response.status_code == 200
    # Only the pathway whose funding file was addressed to AKTO (section 2).
    assert response.context["data"]["total_pathways"] == 1
    assert "parcours des entreprises relevant de votre OPCO" in html_of(response)
    _, outcomes = svg_chart(response, "graphique-jurys")
    assert ("Validation partielle", ["1"]) in outcomes


def test_an_empty_platform_says_so(client, db):
    client.force_login(UserFactory(role="ministry"))
    html = html_of(client.get("/pilotage/"))
    assert "Aucun parcours enregistré pour l'instant." in html
    assert "Pas encore de données : aucun parcours enregistré." in html
    assert 'role="img"' not in html


@pytest.mark.parametrize("role", ["companion", "certifier"])
@pytest.mark.parametrize(
    "url", ["/indicateurs/", "/indicateurs/export.csv", "/indicateurs/export.xlsx", "/indicateurs/parcours.csv"]
)
def test_other_roles_may_not_see_the_indicators(client, db, role, url):
    client.force_login(UserFactory(role=role))
    assert client.get(url).status_code == 403


@pytest.mark.parametrize(
    "url", ["/pilotage/", "/indicateurs/", "/indicateurs/export.csv", "/indicateurs/parcours.xlsx"]
)
def test_anonymous_visitors_are_sent_to_login(client, db, url):
    response = client.get(url)
    assert response.status_code == 302 and response.url.startswith("/connexion/")


def test_the_ministry_dashboard_is_its_home(client, db):
    client.force_login(UserFactory(role="ministry"))
    response = client.get("/indicateurs/")
    assert response.status_code == 302 and response.url == "/pilotage/"
    assert client.get("/indicateurs/export.ksv").status_code == 404


def test_the_indicators_export_as_csv(client, data):
    client.force_login(UserFactory(role="ministry"))
    response = client.get("/indicateurs/export.csv")
    assert response.status_code == 200 and response["Content-Type"] == "text/csv; charset=utf-8"
    assert re.match(
        r'attachment; filename="indicateurs-vae-inversee-\d{4}-\d{2}-\d{2}\.csv"', response["Content-Disposition"]
    )
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text[1:]), delimiter=";"))
    assert rows[0] == INDICATOR_HEADERS == ["Rubrique", "Libellé", "Valeur", "Complément"]
    assert ["Ensemble", "Parcours", "5", ""] in rows
    assert ["Parcours par phase", "Abandonné", "1", ""] in rows
    assert ["Financement accordé (€)", "Frais pédagogiques", "4000,00", ""] in rows
    assert ["Plafond national", "Parcours ouverts", "5", "0,1 % de 5000"] in rows


def test_the_indicators_export_as_xlsx(client, data):
    client.force_login(UserFactory(organisation=data["holder_a"].organisation))
    response = client.get("/indicateurs/export.xlsx")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert workbook.sheetnames == ["Indicateurs"]
    rows = list(workbook["Indicateurs"].iter_rows(values_only=True))
    assert rows[0] == tuple(INDICATOR_HEADERS)
    assert ("Ensemble", "Parcours", 4, None) in rows  # holder A's four pathways only
    assert ("Résultats de jury", "Validation partielle", 1, None) in rows


def test_the_pathways_export_has_one_row_per_visible_pathway(client, data):
    client.force_login(UserFactory(organisation=data["holder_a"].organisation))
    response = client.get("/indicateurs/parcours.csv")
    assert response.status_code == 200 and response.streaming
    text = b"".join(response.streaming_content).decode("utf-8")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    assert rows[0] == PATHWAY_HEADERS
    assert {row[0] for row in rows[1:]} == data["a_references"] and len(rows) == 5
    assert data["b1"].reference not in text
    assert {row[2] for row in rows[1:]} == {data["holder_a"].organisation.name}


def test_the_pathways_export_as_xlsx(client, data):
    client.force_login(UserFactory(role="ministry"))
    response = client.get("/indicateurs/parcours.xlsx")
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    rows = list(workbook["Parcours"].iter_rows(values_only=True))
    assert rows[0] == tuple(PATHWAY_HEADERS) and len(rows) == 6
    b1 = next(row for row in rows if row[0] == data["b1"].reference)
    assert (b1[1], b1[3], b1[6]) == ("Information et positionnement", "Normandie", "ATLAS")


def queries_for(client, url):
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context.captured_queries)


@pytest.mark.parametrize(("role", "url"), [("ministry", "/pilotage/"), ("project_holder", "/indicateurs/")])
def test_the_dashboard_query_count_does_not_grow_with_the_pathways(client, db, settings, tmp_path, role, url):
    settings.MEDIA_ROOT = tmp_path
    holder = ProjectHolderFactory()
    user = UserFactory(role="ministry") if role == "ministry" else UserFactory(organisation=holder.organisation)
    client.force_login(user)
    first = PathwayFactory(project_holder=holder)
    walk_to(first, "completed")
    for _ in range(2):
        PathwayFactory(project_holder=holder, certification=first.certification)
    with_three = queries_for(client, url)
    second = walk_to(PathwayFactory(project_holder=holder, certification=first.certification), "delivery")
    assert second.phase == "delivery"
    for _ in range(8):
        PathwayFactory(project_holder=holder)
    # Session, user, membership, compute()'s aggregates (one per figure, two per median) and, for the
    # Ministry, the organisations and the catalogue, the money flow per OPCO, holder and project: none per pathway.
    assert queries_for(client, url) == with_three
    assert with_three <= 48


def test_a_dashboard_table_shows_its_heaviest_rows_and_links_the_export_for_the_rest(client, db, settings, tmp_path):
    """At national scale (300 holders, 2 000 certifications) the page would weigh 1.5 MB: each table keeps the
    DASHBOARD_ROWS heaviest rows, says how many are left out, and the export still holds every one of them."""
    from vae_inversee.www.evaluation.views import DASHBOARD_ROWS

    settings.MEDIA_ROOT = tmp_path
    holders = [ProjectHolderFactory(pathway_ceiling=10) for _ in range(DASHBOARD_ROWS + 2)]
    for holder in holders:
        PathwayFactory(project_holder=holder)
    busiest = holders[-1]  # the last one created: first in no alphabetical or creation order
    for _ in range(3):
        PathwayFactory(project_holder=busiest)
    client.force_login(UserFactory(role="ministry"))
    html = html_of(client.get("/pilotage/?region="))
    table = re.search(r'id="table-porteurs">(.*?)</table>', html, re.S).group(1)
    names = re.findall(r'<th scope="row">(.*?)</th>', table)
    assert len(names) == DASHBOARD_ROWS and names[0] == busiest.organisation.name
    note = re.search(
        r'</table>.*?<p class="[^"]*dashboard-more">(.*?)</p>', html[html.index('id="table-porteurs"') :], re.S
    )
    assert note and "les 2 autres figurent dans l'export des indicateurs" in " ".join(note.group(1).split())
    assert 'href="/indicateurs/export.csv?region="' in note.group(1)

    text = b"".join(client.get("/indicateurs/export.csv").streaming_content).decode("utf-8")
    rows = list(csv.reader(io.StringIO(text[1:]), delimiter=";"))
    assert {row[1] for row in rows if row[0] == "Plafond des porteurs de projet"} == {
        holder.organisation.name for holder in holders
    }


def test_a_dashboard_table_that_fits_keeps_its_order_and_says_nothing_more(client, data):
    client.force_login(UserFactory(role="ministry"))
    html = html_of(client.get("/pilotage/"))
    assert "dashboard-more" not in html
