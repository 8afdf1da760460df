"""The Ministry's steering list in a real browser, on the demo: reached from the menu, filtered by a
select, sorted by a column header, the filters kept in the URL from one click to the next."""

import re

import pytest

from pathways.models import Pathway
from tests.demo_snapshot import seeded_demo
from tests.e2e.test_demo_logins import log_in


def references(page):
    return page.locator("#table-parcours tbody tr td:first-child a").all_inner_texts()


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_the_ministry_filters_and_sorts_the_pathways(page, live_server):
    seeded_demo()
    log_in(page, live_server.url, "ministere@demo.vae")
    page.wait_for_url(re.compile(r"/pilotage/$"))
    page.get_by_role("navigation", name="Menu principal").get_by_role("link", name="Parcours", exact=True).click()
    page.wait_for_url(re.compile(r"/pilotage/parcours/$"))
    assert page.get_by_role("heading", level=1).inner_text() == "Parcours de l'expérimentation"
    total = Pathway.objects.count()
    assert f"{total} parcours" in page.locator("#table-parcours caption").inner_text()

    # Filter: the pathways of the OPCO AKTO, in delivery.
    page.get_by_label("OPCO").select_option("AKTO")
    page.get_by_label("Phase").select_option("delivery")
    page.get_by_role("button", name="Filtrer").click()
    page.wait_for_url(re.compile(r"opco=AKTO"))
    expected = Pathway.objects.filter(employer__opco__code="AKTO", phase="delivery")
    assert expected.exists()
    assert sorted(references(page)) == sorted(expected.values_list("reference", flat=True))

    # Sort by reference, then descending: the filters stay.
    page.locator("#table-parcours thead").get_by_role("link", name="Référence").click()
    page.wait_for_url(re.compile(r"sort=reference"))
    assert "opco=AKTO" in page.url and "phase=delivery" in page.url
    ascending = list(expected.order_by("reference").values_list("reference", flat=True))
    assert references(page) == ascending
    assert page.locator("#table-parcours th[aria-sort='ascending']").inner_text().startswith("Référence")
    page.locator("#table-parcours thead").get_by_role("link", name=re.compile("^Référence")).click()
    page.wait_for_url(re.compile(r"sort=-reference"))
    assert references(page) == ascending[::-1]

    # Filtering again keeps the sort (a hidden field of the form).
    page.get_by_label("Phase").select_option("")
    page.get_by_role("button", name="Filtrer").click()
    page.wait_for_url(re.compile(r"sort=-reference"))
    akto = list(
        Pathway.objects.filter(employer__opco__code="AKTO").order_by("-reference").values_list("reference", flat=True)
    )
    assert references(page) == akto[:25]
    page.screenshot(path="/tmp/steering-list.png", full_page=True)
