"""The demo certifier records a partial jury in a real browser, closes the pathway, and the validated
blocks show on the candidate's record (issue 5's "done when")."""

import re

import pytest

from pathways.models import Pathway
from tests.demo_snapshot import seeded_demo
from tests.e2e.test_pathway_walk import as_user, click, expect_message, open_pathway
from vae_inversee.accounts.models import User


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_the_certifier_records_a_partial_jury_kept_on_the_candidate_record(page, live_server, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    seeded_demo()
    base = live_server.url
    certifier = User.objects.get(email="certificateur@demo.vae")
    # A demo pathway of porteur@demo.vae's structure, in evaluation, targeting several blocks.
    porteur = User.objects.get(email="porteur@demo.vae")
    pathway = next(
        candidate
        for candidate in Pathway.objects.visible_to(certifier)
        .filter(phase="evaluation", project_holder_id=porteur.membership.organisation_id)
        .order_by("pk")
        if candidate.target_blocks.count() >= 2
    )
    blocks = list(pathway.target_blocks.order_by("code"))
    validated, failed = blocks[:-1], blocks[-1]

    # ---- the certifier opens the pathway from the jury queue and records a partial validation
    as_user(page, base, "certificateur@demo.vae")
    # The jury queue, searched by reference (the certifier's queues show one at a time, 25 a page).
    page.goto(f"{base}/certification/?file=jury&q={pathway.reference}")
    page.locator("#table-jurys").get_by_role("link", name=pathway.reference).click()
    page.wait_for_url(re.compile(rf"/parcours/{pathway.pk}/$"))
    form = page.locator("#form-jury")
    assert form.get_by_label("Date du jury").input_value() == f"{pathway.jury_session_date:%Y-%m-%d}"
    form.get_by_text("Validation partielle", exact=True).click()
    for block in validated:
        form.get_by_text(f"{block.code} — {block.title}", exact=True).click()
    form.get_by_label("Observations du jury").fill(f"Le bloc {failed.code} sera à repasser.")
    click(page, "Enregistrer le résultat du jury")
    count = len(validated)
    expect_message(
        page,
        f"Résultat du jury enregistré : validation partielle ({count} bloc{'s' if count > 1 else ''} "
        f"validé{'s' if count > 1 else ''} sur {len(blocks)}).",
    )

    # ---- everyone reading the page sees the result, block by block
    jury = page.locator("#jury")
    for block in validated:
        assert "Validé" in jury.get_by_role("row", name=block.code).text_content()
    assert "Non validé" in jury.get_by_role("row", name=failed.code).text_content()
    jury.screenshot(path="/tmp/jury-partial.png")

    # ---- closing is now possible
    click(page, "Clore le parcours")
    expect_message(page, "est passé en phase « Terminé »")
    pathway.refresh_from_db()
    assert pathway.phase == "completed"

    # ---- the project holder opens the candidate's record from the pathway page
    as_user(page, base, "porteur@demo.vae")
    open_pathway(page, base, pathway)
    page.get_by_role("link", name=str(pathway.candidate), exact=True).click()
    page.wait_for_url(re.compile(rf"/porteur/candidats/{pathway.candidate_id}/$"))
    assert page.get_by_role("heading", level=1).inner_text() == str(pathway.candidate)
    acquired = page.locator("#table-blocs-acquis")
    rows = acquired.locator("tbody tr")
    assert rows.count() == len(validated)
    for block in validated:
        row = acquired.get_by_role("row", name=block.code)
        assert pathway.certification.code in row.inner_text()
        assert f"{pathway.jury_session_date:%d/%m/%Y}" in row.inner_text()
        assert "Validation partielle" in row.inner_text()
    assert failed.code not in acquired.inner_text()
    assert "Terminé" in page.locator("#table-parcours-candidat").text_content()
    page.screenshot(path="/tmp/candidate-record.png", full_page=True)
