"""A certifier records a whole jury session of three candidates on one page in a real browser (issue 13,
"Bulk"): a mistake refuses all of it and keeps what was typed, the corrected page records the three."""

import re

import pytest
from playwright.sync_api import expect

from certifications.models import Certification
from evaluation.models import Jury
from pathways.models import Pathway
from tests.demo_snapshot import seeded_demo
from tests.e2e.test_pathway_walk import as_user, click, expect_message


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_a_jury_session_of_three_candidates_recorded_on_one_page(page, live_server, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    seeded_demo()
    base = live_server.url
    certification = Certification.objects.get(code="RNCP90001")
    # The demo's session awaiting its results: three candidates in evaluation, one date.
    pathways = list(
        Pathway.objects.filter(certification=certification, phase="evaluation", juries__isnull=True).order_by(
            "candidate__last_name", "candidate__first_name", "pk"
        )
    )
    assert len(pathways) == 3
    (day,) = {pathway.jury_session_date for pathway in pathways}

    as_user(page, base, "certificateur@demo.vae")
    page.get_by_role("link", name="Sessions de jury").click()
    page.wait_for_url(re.compile(r"/certification/sessions/$"))
    page.locator("#table-sessions").get_by_role("link", name=f"Session du {day:%d/%m/%Y}").click()
    page.wait_for_url(re.compile(rf"/certification/sessions/{certification.pk}/{day:%Y-%m-%d}/$"))
    assert page.get_by_role("heading", level=1).inner_text() == f"Session de jury du {day:%d/%m/%Y}"

    def fill(pathway, outcome, acquired):
        group = page.get_by_role("group", name=re.compile(re.escape(pathway.reference)))
        for index, block in enumerate(pathway.target_blocks.order_by("code")):
            answer = "Acquis" if index < acquired else "Non acquis"
            group.get_by_role("group", name=f"{block.code} — {block.title}").get_by_text(answer, exact=True).click()
        group.get_by_label("Résultat du jury").select_option(label=outcome)
        group.get_by_label("Observations du jury").fill(f"Jury de {pathway.candidate}")
        return group

    first, second, third = pathways
    fill(first, "Validation totale", 3)
    # A full validation with a block not acquired: nothing is saved, the error is next to that block.
    wrong = fill(second, "Validation totale", 1)
    fill(third, "Candidat absent", 0)
    click(page, "Enregistrer les résultats de la session")
    expect(page.get_by_role("alert").filter(has_text="Aucun résultat n'a été enregistré")).to_be_visible()
    assert "Validation totale : ce bloc doit être acquis" in wrong.inner_text()
    assert not Jury.objects.filter(pathway__in=pathways).exists()
    # What was typed is still there.
    assert (
        page.get_by_role("group", name=re.compile(re.escape(first.reference)))
        .get_by_label("Observations du jury")
        .input_value()
        == f"Jury de {first.candidate}"
    )

    wrong.get_by_label("Résultat du jury").select_option(label="Validation partielle")
    click(page, "Enregistrer les résultats de la session")
    expect_message(page, f"Résultats enregistrés pour 3 candidats de la session du {day:%d/%m/%Y}.")
    outcomes = dict(Jury.objects.filter(pathway__in=pathways).values_list("pathway_id", "outcome"))
    assert outcomes == {first.pk: "full", second.pk: "partial", third.pk: "absent"}
    table = page.locator("#table-candidats-session")
    assert "Validation partielle" in table.get_by_role("row", name=re.compile(second.reference)).text_content()
    page.set_viewport_size({"width": 375, "height": 800})
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.screenshot(path="/tmp/jury-session.png", full_page=True)
