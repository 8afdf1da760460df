"""The ministry's dashboard in a real browser, on the demo data set: the charts show the computed figures."""

import re

import pytest

from evaluation.indicators import compute
from tests.demo_snapshot import seeded_demo
from tests.e2e.test_demo_logins import log_in
from vae_inversee.accounts.models import User

SCREENSHOT = "/tmp/dashboard.png"


def chart_rows(page, chart_id):
    """(label, value text) for each bar row of an SVG chart."""
    return page.locator(f"#{chart_id} svg").evaluate(
        """svg => [...svg.querySelectorAll('g.dashboard-chart__row')].map(row => [
            row.querySelector('.dashboard-chart__label').textContent.trim(),
            [...row.querySelectorAll('.dashboard-chart__value')].map(t => t.textContent.trim()),
        ])"""
    )


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_the_ministry_dashboard_shows_the_demo_figures(page, live_server):
    seeded_demo()
    figures = compute(User.objects.get(email="ministere@demo.vae"))
    # ~50 pathways, plus the one ended seven months ago awaiting its six-month situation (demo/outcomes.py).
    assert figures["total_pathways"] == 51

    log_in(page, live_server.url, "ministere@demo.vae")
    page.wait_for_url(re.compile(r"/pilotage/$"))
    assert page.get_by_role("heading", level=1).inner_text().startswith("Pilotage national")
    assert page.locator("#kpi-parcours").inner_text() == "51"

    funnel = page.get_by_role("img", name="Entonnoir des parcours par phase")
    assert funnel.is_visible()
    rows = chart_rows(page, "graphique-phases")
    assert rows == [[row["label"], [str(row["count"])]] for row in figures["by_phase"]]
    assert sum(int(values[0]) for _, values in rows) == 51

    outcomes = page.get_by_role("img", name="Résultats des jurys")
    assert outcomes.is_visible()
    assert chart_rows(page, "graphique-jurys") == [
        [row["label"], [str(row["count"])]] for row in figures["jury_outcomes"]
    ]
    assert page.get_by_role("img", name=re.compile("^Financements demandés et accordés")).is_visible()
    # The table under the funnel repeats the figures for screen readers and keyboard users.
    table = page.locator("#table-phases table")
    for row in figures["by_phase"]:
        assert table.get_by_role("row", name=re.compile(re.escape(row["label"]))).locator(
            "td"
        ).first.inner_text() == str(row["count"])
    assert page.get_by_role("link", name="Exporter les parcours (XLSX)").is_visible()
    page.screenshot(path=SCREENSHOT, full_page=True)


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_a_project_holder_reaches_its_indicators_from_the_menu(page, live_server):
    seeded_demo()
    figures = compute(User.objects.get(email="porteur@demo.vae"))
    assert 0 < figures["total_pathways"] < 50

    log_in(page, live_server.url, "porteur@demo.vae")
    page.wait_for_url(re.compile(r"/porteur/$"))
    page.get_by_role("navigation", name="Menu principal").get_by_role("link", name="Indicateurs").click()
    page.wait_for_url(re.compile(r"/indicateurs/$"))
    assert page.locator("#kpi-parcours").inner_text() == str(figures["total_pathways"])
    assert chart_rows(page, "graphique-phases") == [[row["label"], [str(row["count"])]] for row in figures["by_phase"]]
    with page.expect_download() as download:
        page.get_by_role("link", name="Exporter les parcours (CSV)").click()
    assert download.value.suggested_filename.startswith("parcours-vae-inversee-")
    page.screenshot(path="/tmp/dashboard-porteur.png", full_page=True)
