"""The portal's funding pages: the OPCO queue and decisions, the project holder's request, the Ministry's list."""

import datetime
from decimal import Decimal

import pytest
from django.template.loader import render_to_string
from django.urls import reverse

from funding import services
from funding.models import FundingFile
from funding.money import Amounts
from tests.accounts.factories import UserFactory
from tests.funding.factories import funded_pathway, submitted_file
from tests.pathways.factories import PathwayFactory, add_contract, pdf_upload, staff_of
from vae_inversee.accounts.models import Organisation
from vae_inversee.lib.money import format_euros

ROLES = ["project_holder", "companion", "opco", "certifier", "ministry"]
ASKED = {"requested_teaching": "6000.00", "requested_design": "1000.00", "requested_support": "2000.00"}


def euros(amount) -> str:
    return format_euros(Decimal(amount))


def approve_data(teaching="6000.00", design="1000.00", support="2000.00", reason=""):
    return {
        "accord-approved_teaching": teaching,
        "accord-approved_design": design,
        "accord-approved_support": support,
        "accord-reason": reason,
    }


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def case(db, media):
    """A submitted file (6 000 + 1 000 + 2 000 €) addressed to AKTO, and one user per role."""
    pathway, staff = funded_pathway()
    return submitted_file(pathway, staff), staff


def other_opco_case():
    """A pathway whose employer belongs to OPCO ATLAS, with its submitted file."""
    atlas = Organisation.objects.get(kind="opco", code="ATLAS")
    pathway = PathwayFactory(employer__opco=atlas, employer__idcc="9999")
    add_contract(pathway)
    staff = staff_of(pathway)
    return submitted_file(pathway, staff), staff


def download(client, funding_file) -> bytes:
    """The agreement PDF as served: an attachment of type application/pdf."""
    response = client.get(reverse("funding:agreement", args=[funding_file.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    content = b"".join(response.streaming_content)
    response.close()
    return content


def queue_html(client, user, **params):
    client.force_login(user)
    response = client.get(reverse("funding:opco_home"), params)
    assert response.status_code == 200
    return response.content.decode()


# ---- the OPCO queue --------------------------------------------------------------------------------


def test_the_queue_lists_the_opco_files_waiting_first_oldest_first(client, case, media):
    first, staff = case
    pathway, second_staff = funded_pathway()
    second = submitted_file(pathway, second_staff)
    pathway, decided_staff = funded_pathway()
    decided = submitted_file(pathway, decided_staff)
    services.funding_file_reject(acting_user=staff["opco"], funding_file=decided, reason="Hors barème")
    # The second file was submitted before the first: it comes first.
    FundingFile.objects.filter(pk=second.pk).update(submitted_at=first.submitted_at - datetime.timedelta(days=3))
    foreign, _ = other_opco_case()

    html = queue_html(client, staff["opco"])

    references = [f.pathway.reference for f in (second, first, decided)]
    positions = [html.index(reference) for reference in references]
    assert positions == sorted(positions)
    assert foreign.pathway.reference not in html
    assert euros("9000.00") in html
    assert first.pathway.candidate.last_name in html and first.pathway.employer.name in html
    assert "Transmis à l&#x27;OPCO" in html and "Refusé" in html


def test_the_queue_does_not_show_drafts(client, db, media):
    pathway, staff = funded_pathway()
    services.funding_file_create(
        acting_user=staff["project_holder"], pathway=pathway, requested=Amounts.parse(ASKED, "requested")
    )

    html = queue_html(client, staff["opco"])

    assert pathway.reference not in html
    assert "Aucun dossier de financement à instruire" in html


def test_the_queue_counts_per_status_and_filters(client, case, media):
    big, staff = case
    small_pathway, small_staff = funded_pathway()
    small = submitted_file(small_pathway, small_staff, requested_teaching="1000.00")
    approved_pathway, approved_staff = funded_pathway()
    approved = submitted_file(approved_pathway, approved_staff, requested_teaching="3000.00")
    services.funding_file_approve(
        acting_user=staff["opco"],
        funding_file=approved,
        approved=Amounts.parse({"teaching": "3000", "design": "0", "support": "0"}),
    )
    opco = staff["opco"]

    html = queue_html(client, opco)
    assert "Tous les statuts (3)" in html
    assert "Transmis à l&#x27;OPCO (2)" in html and "Accordé (1)" in html and "Refusé (0)" in html

    html = queue_html(client, opco, status="approved")
    assert approved.pathway.reference in html and big.pathway.reference not in html
    # The counts follow the other filters, not the status (each tag says what clicking it shows).
    assert "Tous les statuts (3)" in html

    html = queue_html(client, opco, project_holder=small.pathway.project_holder_id)
    assert small.pathway.reference in html and big.pathway.reference not in html
    assert "Tous les statuts (1)" in html

    # The certification is typed by its code, with suggestions (no list of thousands of options); an id still works.
    code = big.pathway.certification.code
    for typed in (code, code.lower(), big.pathway.certification_id):
        html = queue_html(client, opco, certification=typed)
        assert big.pathway.reference in html and small.pathway.reference not in html
    assert f'value="{code.lower()}"' in queue_html(client, opco, certification=code.lower())
    assert 'list="id_certification-suggestions"' in html and "<datalist" in html
    assert f'<option value="{big.pathway.certification_id}"' not in html
    html = queue_html(client, opco, certification="RNCP0")
    assert "« RNCP0 » n&#x27;est le code d&#x27;aucune certification que vous pouvez filtrer" in html

    html = queue_html(client, opco, min_total="5000")
    assert big.pathway.reference in html and small.pathway.reference not in html

    html = queue_html(client, opco, max_total="2 000,00")
    assert small.pathway.reference in html and big.pathway.reference not in html

    html = queue_html(client, opco, min_total="5000", max_total="100")
    assert "Le montant maximum doit être supérieur ou égal au minimum." in html


@pytest.mark.parametrize("count", [3, 15])
def test_the_queue_query_count_does_not_grow_with_the_files(client, db, media, django_assert_num_queries, count):
    opco = UserFactory(role="opco")
    for _ in range(count):
        pathway, staff = funded_pathway()
        submitted_file(pathway, staff)
    client.force_login(opco)
    # * session
    # * the user, with their membership (the role) and organisation (accounts.backends)
    # * status counts (one aggregate query; the page's count is the chosen tag's, not counted again)
    # * page pks, then page rows (candidate, employer, project holder and its organisation, certification
    #   joined; vae_inversee.lib.pagination)
    # * unread notifications (header)
    # * unread messages (header) and the user's last read (the key it is kept under, issue 16)
    # * project holders of the filter (the certification is typed, with suggestions: no query for its options)
    # * the user's saved filter sets for this list
    with django_assert_num_queries(10):
        response = client.get(reverse("funding:opco_home"))
    assert response.status_code == 200
    assert response.content.decode().count('href="/opco/dossiers/') == count


def test_the_queue_is_paginated_by_25(client, db, media):
    opco = UserFactory(role="opco")
    for _ in range(26):
        pathway, staff = funded_pathway()
        submitted_file(pathway, staff)

    assert queue_html(client, opco).count('href="/opco/dossiers/') == 25
    assert queue_html(client, opco, page=2).count('href="/opco/dossiers/') == 1


# ---- the decision page -------------------------------------------------------------------------------


def test_the_decision_page_shows_the_pathway_documents_and_amounts(client, case, media):
    funding_file, staff = case
    pathway = funding_file.pathway
    document = services_document(pathway, staff)
    client.force_login(staff["opco"])

    response = client.get(reverse("funding:file_detail", args=[funding_file.pk]))

    assert response.status_code == 200
    html = response.content.decode()
    assert pathway.reference in html and pathway.candidate.last_name in html and pathway.employer.name in html
    assert pathway.certification.code in html
    for block in pathway.target_blocks.all():
        assert block.code in html
    assert "15/09/2025" in html and "14/09/2026" in html
    assert reverse("pathways:document_download", args=[pathway.pk, document.pk]) in html
    assert euros("6000.00") in html and euros("9000.00") in html
    # The approve form is prefilled with the requested amounts (French decimal comma).
    assert 'value="6000,00"' in html and 'value="1000,00"' in html
    assert "Accorder le financement" in html and "Demander des compléments" in html and "Refuser le dossier" in html


def services_document(pathway, staff):
    from pathways import services as pathway_services
    from pathways.enums import DocumentKind

    return pathway_services.document_add(
        acting_user=staff["project_holder"], pathway=pathway, kind=DocumentKind.FEASIBILITY_STUDY,
        uploaded_file=pdf_upload("etude.pdf"),
    )  # fmt: skip


def test_approving_lower_amounts_redirects_and_generates_the_agreement(
    client, case, media, django_capture_on_commit_callbacks
):
    funding_file, staff = case
    client.force_login(staff["opco"])

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("funding:file_approve", args=[funding_file.pk]),
            approve_data(teaching="5 000,00", reason="Ramené au devis"),
            follow=True,
        )

    assert response.redirect_chain == [(reverse("funding:opco_home"), 302)]
    html = response.content.decode()
    assert "Financement accordé pour le parcours" in html and euros("8000.00") in html
    funding_file.refresh_from_db()
    assert funding_file.status == "approved"
    assert funding_file.approved_teaching == Decimal("5000.00")
    assert funding_file.decision_reason == "Ramené au devis"
    assert funding_file.agreement

    page = client.get(reverse("funding:file_detail", args=[funding_file.pk])).content.decode()
    agreement_url = reverse("funding:agreement", args=[funding_file.pk])
    assert agreement_url in page and "Télécharger l'accord de prise en charge" in page
    assert "Accorder le financement</button>" not in page

    assert download(client, funding_file).startswith(b"%PDF")


def test_approving_more_than_requested_is_refused_on_the_field(client, db, media):
    pathway, staff = funded_pathway()
    funding_file = submitted_file(pathway, staff, requested_teaching="4000.00")
    client.force_login(staff["opco"])

    response = client.post(reverse("funding:file_approve", args=[funding_file.pk]), approve_data(teaching="4500"))

    assert response.status_code == 400
    html = response.content.decode()
    assert "l&#x27;OPCO ne peut pas accorder plus que le montant demandé" in html
    assert 'value="4500"' in html
    funding_file.refresh_from_db()
    assert funding_file.status == "submitted" and funding_file.approved_teaching is None


def test_a_bad_amount_is_a_french_field_error(client, case):
    funding_file, staff = case
    client.force_login(staff["opco"])

    response = client.post(reverse("funding:file_approve", args=[funding_file.pk]), approve_data(design="beaucoup"))

    assert response.status_code == 400
    assert "Indiquez un montant en euros, par exemple 1500,00." in response.content.decode()


@pytest.mark.parametrize(
    ("url_name", "prefix", "message"),
    [
        ("funding:file_request_changes", "complements", "Précisez les compléments attendus."),
        ("funding:file_reject", "refus", "Motivez le refus : le porteur de projet en sera informé."),
    ],
)
def test_request_changes_and_reject_need_a_reason(client, case, url_name, prefix, message):
    funding_file, staff = case
    client.force_login(staff["opco"])

    response = client.post(reverse(url_name, args=[funding_file.pk]), {f"{prefix}-reason": "  "})

    assert response.status_code == 400
    assert message in response.content.decode()
    funding_file.refresh_from_db()
    assert funding_file.status == "submitted"


def test_requesting_changes_sends_the_file_back(client, case):
    funding_file, staff = case
    client.force_login(staff["opco"])

    response = client.post(
        reverse("funding:file_request_changes", args=[funding_file.pk]),
        {"complements-reason": "Joindre le devis détaillé."},
        follow=True,
    )

    assert response.redirect_chain[-1][0] == reverse("funding:opco_home")
    assert "Compléments demandés au porteur de projet" in response.content.decode()
    funding_file.refresh_from_db()
    assert funding_file.status == "changes_requested" and funding_file.decision_reason == "Joindre le devis détaillé."


def test_rejecting_with_a_reason_generates_the_refusal(client, case, django_capture_on_commit_callbacks):
    funding_file, staff = case
    client.force_login(staff["opco"])

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("funding:file_reject", args=[funding_file.pk]), {"refus-reason": "Hors champ de la branche."}
        )

    assert response.status_code == 302
    funding_file.refresh_from_db()
    assert funding_file.status == "rejected" and funding_file.agreement


def test_a_decision_on_a_file_already_decided_is_a_conflict_keeping_the_input(client, case, media):
    funding_file, staff = case
    colleague = UserFactory(organisation=staff["opco"].membership.organisation)
    services.funding_file_approve(
        acting_user=colleague,
        funding_file=funding_file,
        approved=Amounts.parse({"teaching": "6000", "design": "1000", "support": "2000"}),
    )
    client.force_login(staff["opco"])

    response = client.post(
        reverse("funding:file_reject", args=[funding_file.pk]), {"refus-reason": "Budget de branche épuisé."}
    )

    assert response.status_code == 409
    html = response.content.decode()
    assert 'id="conflit"' in html and "Conflit : le dossier a changé entre-temps" in html
    assert "Impossible de refuser le dossier : le dossier est désormais « Accordé »" in html
    assert "Budget de branche épuisé." in html
    funding_file.refresh_from_db()
    assert funding_file.status == "approved" and funding_file.decided_by == colleague


def test_the_agreement_is_a_404_before_it_exists(client, case):
    funding_file, staff = case
    client.force_login(staff["opco"])

    assert client.get(reverse("funding:agreement", args=[funding_file.pk])).status_code == 404


# ---- scope: 404 outside, 403 for a wrong role ---------------------------------------------------------


def test_an_opco_never_reaches_another_opco_file(client, case, media, django_capture_on_commit_callbacks):
    funding_file, staff = case
    foreign, foreign_staff = other_opco_case()
    with django_capture_on_commit_callbacks(execute=True):
        services.funding_file_approve(
            acting_user=foreign_staff["opco"],
            funding_file=foreign,
            approved=Amounts.parse({"teaching": "6000", "design": "1000", "support": "2000"}),
        )
    client.force_login(staff["opco"])

    assert (
        foreign.pathway.reference
        not in client.get(reverse("funding:opco_home"), {"status": "approved"}).content.decode()
    )
    assert client.get(reverse("funding:file_detail", args=[foreign.pk])).status_code == 404
    assert client.get(reverse("funding:agreement", args=[foreign.pk])).status_code == 404
    for url_name, data in [
        ("funding:file_approve", approve_data()),
        ("funding:file_request_changes", {"complements-reason": "x"}),
        ("funding:file_reject", {"refus-reason": "x"}),
    ]:
        assert client.post(reverse(url_name, args=[foreign.pk]), data).status_code == 404
    # The other OPCO itself downloads its agreement.
    client.force_login(foreign_staff["opco"])
    assert download(client, foreign).startswith(b"%PDF")


def test_a_project_holder_never_reaches_another_holder_pathway(client, case):
    funding_file, staff = case
    stranger = UserFactory(role="project_holder")
    client.force_login(stranger)

    assert client.get(reverse("funding:pathway_funding", args=[funding_file.pathway_id])).status_code == 404
    assert client.post(reverse("funding:pathway_funding", args=[funding_file.pathway_id]), ASKED).status_code == 404


PAGES = [
    ("funding:opco_home", False, "opco"),
    ("funding:file_detail", True, "opco"),
    ("funding:pathway_funding", "pathway", "project_holder"),
    ("funding:ministry_list", False, "ministry"),
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("url_name", "argument", "allowed"), PAGES)
def test_each_page_renders_for_its_role_only(client, case, url_name, argument, allowed, role):
    funding_file, staff = case
    args = [] if not argument else [funding_file.pathway_id if argument == "pathway" else funding_file.pk]
    client.force_login(staff[role])

    response = client.get(reverse(url_name, args=args))

    assert response.status_code == (200 if role == allowed else 403)


@pytest.mark.parametrize("role", ["project_holder", "companion", "certifier", "ministry"])
@pytest.mark.parametrize("url_name", ["funding:file_approve", "funding:file_request_changes", "funding:file_reject"])
def test_only_the_opco_decides(client, case, url_name, role):
    funding_file, staff = case
    client.force_login(staff[role])

    assert client.post(reverse(url_name, args=[funding_file.pk]), {}).status_code == 403
    funding_file.refresh_from_db()
    assert funding_file.status == "submitted"


def test_the_decision_views_only_accept_post(client, case):
    funding_file, staff = case
    client.force_login(staff["opco"])

    # A GET (the address revisited after a form error) leads back to the file; nothing is decided.
    response = client.get(reverse("funding:file_approve", args=[funding_file.pk]))
    assert response.status_code == 302 and response.url == reverse("funding:file_detail", args=[funding_file.pk])
    assert client.put(reverse("funding:file_approve", args=[funding_file.pk])).status_code == 405
    funding_file.refresh_from_db()
    assert funding_file.status == "submitted"


def test_a_user_without_organisation_gets_403(client, case):
    funding_file, _ = case
    client.force_login(UserFactory())

    assert client.get(reverse("funding:agreement", args=[funding_file.pk])).status_code == 403


# ---- the project holder's request ---------------------------------------------------------------------


def funding_url(pathway, year=None):
    url = reverse("funding:pathway_funding", args=[pathway.pk])
    return f"{url}?annee={year}" if year else url


def test_the_project_holder_sees_the_caps_and_the_room(client, db):
    pathway, staff = funded_pathway()
    client.force_login(staff["project_holder"])

    response = client.get(funding_url(pathway))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Année 1 (12 mois)" in html
    assert "Plafond pour cette année de contrat (12 mois) : " + euros("6000.00") in html
    assert 'data-room-for="total" data-cap="9000.00"' in html
    assert 'data-funding-amount="teaching"' in html
    assert "js/funding.js" in html
    assert "Transmettre à l'OPCO" in html


def test_the_caps_are_prorated_for_a_short_contract(client, db):
    pathway, staff = funded_pathway(end_date=datetime.date(2026, 3, 14))
    client.force_login(staff["project_holder"])

    html = client.get(funding_url(pathway)).content.decode()

    assert "Année 1 (6 mois)" in html
    assert euros("3000.00") in html and euros("4500.00") in html


def test_without_a_contract_the_page_explains_why(client, db):
    pathway = PathwayFactory()
    client.force_login(staff_of(pathway)["project_holder"])

    response = client.get(funding_url(pathway))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Enregistrez d&#x27;abord le contrat" in html
    assert 'id="formulaire-financement"' not in html


def test_the_project_holder_saves_a_draft_then_transmits_it(client, db):
    pathway, staff = funded_pathway()
    client.force_login(staff["project_holder"])

    response = client.post(
        funding_url(pathway, 1),
        {"requested_teaching": "5 400,00", "requested_design": "900", "requested_support": "", "enregistrer": ""},
    )

    assert response.status_code == 302 and response["Location"] == funding_url(pathway, 1)
    funding_file = FundingFile.objects.get(pathway=pathway, contract_year=1)
    assert funding_file.status == "draft"
    assert (funding_file.requested_teaching, funding_file.requested_design, funding_file.requested_support) == (
        Decimal("5400.00"), Decimal("900.00"), Decimal("0.00"),
    )  # fmt: skip
    html = client.get(funding_url(pathway, 1)).content.decode()
    assert 'value="5400,00"' in html
    assert euros("2700.00") in html  # the room left in total: 9 000 − 6 300

    response = client.post(
        funding_url(pathway, 1),
        {"requested_teaching": "5400", "requested_design": "900", "requested_support": "1800", "transmettre": ""},
        follow=True,
    )

    assert "Dossier de l&#x27;année 1 transmis à l&#x27;OPCO (AKTO)." in response.content.decode()
    funding_file.refresh_from_db()
    assert funding_file.status == "submitted" and funding_file.requested_support == Decimal("1800.00")
    html = response.content.decode()
    assert 'id="formulaire-financement"' not in html
    assert "en attente de sa décision" in html


def test_amounts_above_the_caps_show_the_french_error_and_save_nothing(client, db):
    pathway, staff = funded_pathway()
    client.force_login(staff["project_holder"])

    response = client.post(
        funding_url(pathway, 1),
        {"requested_teaching": "6000.01", "requested_design": "0", "requested_support": "0", "transmettre": ""},
    )

    assert response.status_code == 400
    html = response.content.decode()
    assert (
        f"Frais pédagogiques : {euros('6000.01')} dépasse le plafond de {euros('6000.00')} "
        "pour cette année de contrat (12 mois)."
    ) in html
    assert 'value="6000.01"' in html
    assert f"Dépassement de {euros('0.01')}" in html
    assert not FundingFile.objects.filter(pathway=pathway).exists()


def test_transmitting_an_empty_file_saves_nothing(client, db):
    pathway, staff = funded_pathway()
    client.force_login(staff["project_holder"])

    response = client.post(funding_url(pathway, 1), {"requested_teaching": "", "transmettre": ""})

    assert response.status_code == 400
    assert "Indiquez au moins un montant avant de transmettre le dossier." in response.content.decode()
    assert not FundingFile.objects.filter(pathway=pathway).exists()


def test_a_file_sent_back_for_changes_is_edited_and_transmitted_again(client, case):
    funding_file, staff = case
    services.funding_file_request_changes(
        acting_user=staff["opco"], funding_file=funding_file, reason="Joindre le devis."
    )
    client.force_login(staff["project_holder"])

    html = client.get(funding_url(funding_file.pathway)).content.decode()
    assert "Compléments demandés par l'OPCO" in html and "Joindre le devis." in html
    assert 'id="formulaire-financement"' in html

    response = client.post(
        funding_url(funding_file.pathway, 1),
        {"requested_teaching": "5000", "requested_design": "1000", "requested_support": "2000", "transmettre": ""},
    )

    assert response.status_code == 302
    funding_file.refresh_from_db()
    assert funding_file.status == "submitted" and funding_file.requested_teaching == Decimal("5000.00")


def test_a_post_on_a_transmitted_file_is_a_conflict_keeping_the_input(client, case):
    funding_file, staff = case
    client.force_login(staff["project_holder"])

    response = client.post(
        funding_url(funding_file.pathway, 1),
        {"requested_teaching": "1234,56", "requested_design": "0", "requested_support": "0", "enregistrer": ""},
    )

    assert response.status_code == 409
    html = response.content.decode()
    assert 'id="conflit"' in html and "il ne peut plus être modifié" in html
    assert 'value="1234,56"' in html
    funding_file.refresh_from_db()
    assert funding_file.requested_teaching == Decimal("6000.00")


def test_a_decided_file_is_read_only_with_the_decision_and_the_pdf(client, case, django_capture_on_commit_callbacks):
    funding_file, staff = case
    with django_capture_on_commit_callbacks(execute=True):
        services.funding_file_approve(
            acting_user=staff["opco"],
            funding_file=funding_file,
            reason="Ramené au devis.",
            approved=Amounts.parse({"teaching": "5000", "design": "1000", "support": "2000"}),
        )
    client.force_login(staff["project_holder"])

    html = client.get(funding_url(funding_file.pathway)).content.decode()

    assert 'id="formulaire-financement"' not in html
    assert "Financement accordé le" in html and "Ramené au devis." in html
    assert euros("8000.00") in html
    assert reverse("funding:agreement", args=[funding_file.pk]) in html
    assert download(client, funding_file).startswith(b"%PDF")


def test_a_contract_year_the_contract_does_not_cover(client, db):
    pathway, staff = funded_pathway()
    client.force_login(staff["project_holder"])

    html = client.get(funding_url(pathway, 2)).content.decode()

    assert "Le contrat ne couvre pas d&#x27;année 2" in html
    assert client.get(funding_url(pathway, 4)).status_code == 404
    assert client.get(funding_url(pathway, "deux")).status_code == 404


def test_a_two_year_contract_offers_both_years(client, db):
    pathway, staff = funded_pathway(end_date=datetime.date(2027, 3, 14))
    client.force_login(staff["project_holder"])

    html = client.get(funding_url(pathway, 2)).content.decode()

    assert "Année 1 — aucun dossier" in html and "Année 2 — aucun dossier" in html
    assert "Année 2 (6 mois)" in html


# ---- the pathway page's partial --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "expected", "absent"),
    [
        ("project_holder", "/financement/?annee=1", "/opco/dossiers/"),
        ("opco", "/opco/dossiers/", "/financement/?annee=1"),
        ("ministry", "Transmis à l&#x27;OPCO", "/opco/dossiers/"),
    ],
)
def test_the_pathway_partial_links_each_role_to_its_page(case, role, expected, absent):
    funding_file, staff = case

    html = render_to_string(
        "funding/_pathway_funding.html",
        {"pathway": funding_file.pathway, "funding_files": [funding_file], "user": staff[role]},
    )

    assert "Année 1" in html and expected in html and absent not in html


# ---- the Ministry's list ---------------------------------------------------------------------------------


def test_the_ministry_lists_every_file_with_totals_and_filters(client, case, media):
    funding_file, staff = case
    services.funding_file_approve(
        acting_user=staff["opco"],
        funding_file=funding_file,
        approved=Amounts.parse({"teaching": "5000", "design": "1000", "support": "2000"}),
    )
    foreign, _ = other_opco_case()
    client.force_login(staff["ministry"])

    html = client.get(reverse("funding:ministry_list")).content.decode()
    assert funding_file.pathway.reference in html and foreign.pathway.reference in html
    # Requested: 2 × 9 000; approved: 8 000 (teaching 5 000).
    assert euros("18000.00") in html and euros("8000.00") in html and euros("12000.00") in html
    assert "Accorder le financement" not in html

    html = client.get(reverse("funding:ministry_list"), {"opco": foreign.opco_id}).content.decode()
    assert foreign.pathway.reference in html and funding_file.pathway.reference not in html
    assert euros("9000.00") in html

    html = client.get(reverse("funding:ministry_list"), {"status": "approved"}).content.decode()
    assert funding_file.pathway.reference in html and foreign.pathway.reference not in html


@pytest.mark.parametrize("count", [3, 15])
def test_the_ministry_list_query_count_does_not_grow(client, db, django_assert_num_queries, count):
    ministry = UserFactory(role="ministry")
    for _ in range(count):
        pathway, staff = funded_pathway()
        submitted_file(pathway, staff)
    client.force_login(ministry)
    # * session
    # * the user, with their membership (the role) and organisation (accounts.backends)
    # * totals per category (one aggregate query)
    # * page count
    # * page pks, then page rows (OPCO, candidate, employer, project holder, certification joined)
    # * unread notifications (header)
    # * unread messages (header) and the user's last read (the key it is kept under, issue 16)
    # * OPCOs of the filter
    # * the user's saved filter sets for this list
    with django_assert_num_queries(11):
        response = client.get(reverse("funding:ministry_list"))
    assert response.status_code == 200
