"""The defects a new user met (issue 15), each reproduced: escaped text, blank 405s, hidden checks,
wording and formats."""

import csv
import datetime
import html
import io
import re
from decimal import Decimal

import pytest
from django import forms
from django.core.exceptions import PermissionDenied
from django.db.models import BLANK_CHOICE_DASH
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from funding import services as funding_services
from funding.models import FundingFile
from funding.money import Amounts
from pathways import selectors, workflow
from pathways import services as pathway_services
from pathways.enums import PathwayPhase
from pathways.models import Candidate, Contract, Document, Pathway
from tests.accounts.factories import UserFactory
from tests.conftest import api_as
from tests.funding.factories import funded_pathway, submitted_file
from tests.pathways.factories import PathwayFactory, contract_data, pdf_upload, staff_of, walk_to
from vae_inversee.accounts.models import Organisation
from vae_inversee.lib.errors import Conflict
from vae_inversee.notifications.models import Notification
from vae_inversee.www.forms import Form

REASON = "Merci de joindre le devis de l'organisme et l'attestation « Qualiopi » de l'OPCO."


@pytest.fixture
def funded(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return funded_pathway()


# ---- 1. plain text is never HTML-escaped; the HTML e-mail is escaped once -------------------------------


def test_a_reason_with_quotes_reads_as_typed_in_the_inbox_and_the_emails(
    funded, client, mailoutbox, django_capture_on_commit_callbacks
):
    pathway, staff = funded
    funding_file = submitted_file(pathway, staff)
    with django_capture_on_commit_callbacks(execute=True):
        funding_services.funding_file_request_changes(
            acting_user=staff["opco"], funding_file=funding_file, reason=REASON
        )
    notification = Notification.objects.get(recipient=staff["project_holder"], event_key__contains="changes")
    assert REASON in notification.body and "&#x27;" not in notification.body and "&amp;" not in notification.body
    mail = next(mail for mail in mailoutbox if mail.to == [staff["project_holder"].email])
    assert REASON in mail.body and "&" not in mail.body
    html = mail.alternatives[0][0]
    assert "l&#x27;organisme" in html and "&amp;#x27;" not in html  # escaped once, for HTML
    client.force_login(staff["project_holder"])
    page = client.get(reverse("notifications:inbox")).content.decode()
    assert "l&#x27;organisme" in page and "&amp;#x27;" not in page


# ---- 5. a POST-only address revisited (after a form error) leads back to its page -------------------------


@pytest.mark.parametrize(
    ("name", "who", "page"),
    [
        ("pathways:support_opinion", "companion", "pathways:detail"),
        ("pathways:transition", "project_holder", "pathways:detail"),
        ("pathways:document_upload", "project_holder", "pathways:detail"),
        ("pathways:abandon", "project_holder", "pathways:detail"),
        ("funding:file_reject", "opco", "funding:file_detail"),
        ("funding:file_approve", "opco", "funding:file_detail"),
    ],
)
def test_revisiting_a_post_only_address_goes_back_to_its_page(funded, client, name, who, page):
    pathway, staff = funded
    funding_file = submitted_file(pathway, staff)
    pk = funding_file.pk if name.startswith("funding:") else pathway.pk
    client.force_login(staff[who])
    response = client.get(reverse(name, args=[pk]))
    assert response.status_code == 302 and response.url == reverse(page, args=[pk])
    assert client.get(response.url).status_code == 200
    assert client.put(reverse(name, args=[pk])).status_code == 405
    assert FundingFile.objects.get(pk=funding_file.pk).status == "submitted"


# ---- 4. under DEBUG (make run) a 404 is the French page, never Django's URL list -----------------------------


@pytest.mark.parametrize("path", ["/page-qui-n-existe-pas/", "/parcours/999999/"])
def test_a_404_under_debug_is_the_french_page(funded, client, settings, path):
    settings.DEBUG = True
    pathway, staff = funded
    client.force_login(staff["project_holder"])
    response = client.get(path)
    page = response.content.decode()
    assert response.status_code == 404
    assert "Page introuvable" in page and 'lang="fr"' in page
    assert "URLconf" not in page and "parcours/&lt;int:pk&gt;/" not in page and "admin/" not in page
    # The API keeps its JSON.
    api = client.get("/api/v1/pathways/999999/")
    assert api.status_code == 404 and api["Content-Type"] == "application/json"


# ---- 7. a field out of range does not hide the other contract checks; 9. euros the French way ----------------

CONTRACT = {
    "signed_on": "2025-09-01",
    "start_date": "2025-09-15",
    "end_date": "2030-01-01",
    "weekly_hours": "99",
    "monthly_gross_salary": "500",
    "tutor_name": "Marie Tuteur",
}


def test_weekly_hours_out_of_range_shows_the_other_contract_checks_at_once(client, db):
    pathway = PathwayFactory()
    client.force_login(staff_of(pathway)["project_holder"])
    response = client.post(reverse("pathways:contract", args=[pathway.pk]), CONTRACT)
    page = html.unescape(response.content.decode())
    assert response.status_code == 200
    assert "Assurez-vous que cette valeur est inférieure ou égale à 48." in page
    assert "Le contrat ne peut pas durer plus de 36 mois" in page
    assert not Contract.objects.exists()


def test_the_minimum_salary_is_written_in_euros_the_french_way(client, db):
    pathway = PathwayFactory()
    client.force_login(staff_of(pathway)["project_holder"])
    response = client.post(
        reverse("pathways:contract", args=[pathway.pk]), {**CONTRACT, "weekly_hours": "35", "end_date": "2026-09-14"}
    )
    message = next(
        line for line in html.unescape(response.content.decode()).splitlines() if "doit être d'au moins" in line
    )
    assert re.search(r"au moins \d[\d\u202f\u00a0 ]*,\d\d[ \u00a0]€", message), message


# ---- 9. wording: OPCO names, an unfavourable opinion, the pathway's history, dropdown placeholders ----------


def test_opcos_are_named_as_they_name_themselves(client, db):
    opco_ep = Organisation.objects.get(kind="opco", code="OPCOEP")
    pathway = PathwayFactory(employer__opco=opco_ep, employer__idcc="9999")
    client.force_login(staff_of(pathway)["project_holder"])
    for name in ("pathways:project_holder_home", "pathways:employer_list"):
        page = client.get(reverse(name)).content.decode()
        assert "OPCO EP" in page and "OPCOEP" not in page, name
    page = client.get(reverse("pathways:detail", args=[pathway.pk])).content.decode()
    assert "OPCO EP" in page and "OPCOEP" not in page


def test_an_unfavourable_opinion_is_confirmed_as_unfavourable(client, db):
    pathway = walk_to(PathwayFactory(), PathwayPhase.SUPPORT)
    client.force_login(pathway.companion)
    response = client.post(
        reverse("pathways:support_opinion", args=[pathway.pk]),
        {"job_match": "false", "pedagogical_path": "true", "comment": "Poste trop éloigné du titre."},
        follow=True,
    )
    page = html.unescape(response.content.decode())
    assert "Votre avis d'accompagnement (défavorable) est enregistré." in page
    assert "réservé" not in page


def test_creating_a_pathway_writes_one_history_row(db):
    base = PathwayFactory()
    staff = staff_of(base)
    pathway = pathway_services.pathway_create(
        acting_user=staff["project_holder"],
        candidate=base.candidate,
        employer=base.employer,
        certification=base.certification,
        target_blocks=list(base.certification.skill_blocks.all()),
        companion=base.companion,
        contract=contract_data(),
    )
    changes = selectors.pathway_field_changes(pathway)
    assert [change["record"].history_type for change in changes] == ["+"]
    assert changes[0]["record"].reference == pathway.reference


class Choices(Form):
    organisation = forms.ModelChoiceField(queryset=Organisation.objects.all(), label="Organisation")
    kind = forms.ChoiceField(choices=BLANK_CHOICE_DASH + [("a", "A")], label="Type")
    optional = forms.ModelChoiceField(queryset=Organisation.objects.all(), label="Autre", empty_label="Tous")


def test_dropdowns_start_with_a_french_placeholder(db):
    rendered = str(Choices())
    assert "---------" not in rendered
    assert rendered.count("Sélectionner une option") == 2 and ">Tous<" in rendered


# ---- 9. exports: French figures throughout the CSV; XLSX typed, sized, header frozen ----------------------


def test_the_indicators_csv_writes_every_figure_the_french_way(funded, client):
    pathway, staff = funded
    funding_services.funding_file_approve(
        acting_user=staff["opco"], funding_file=submitted_file(pathway, staff), **approve_all()
    )
    client.force_login(staff["ministry"])
    response = client.get(reverse("evaluation:indicators_export", kwargs={"file_format": "csv"}))
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    figures = [cell for row in rows for cell in row[2:]]
    assert any("%" in cell for cell in figures)
    assert not [cell for cell in figures if re.search(r"\d\.\d", cell)], "a decimal point in the French CSV"
    assert any(re.fullmatch(r"\d+,\d\d", cell) for cell in figures)  # the amounts


def approve_all():
    return {
        "approved": Amounts(teaching=Decimal("6000.00"), design=Decimal("1000.00"), support=Decimal("2000.00")),
        "reason": "",
    }


def test_xlsx_exports_are_typed_sized_and_keep_their_header_in_view(funded, client):
    pathway, staff = funded
    client.force_login(staff["ministry"])
    response = client.get(reverse("evaluation:pathways_export", kwargs={"file_format": "xlsx"}))
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert sheet.freeze_panes == "A2"
    headers = [cell.value for cell in sheet[1]]
    birth = sheet.cell(row=2, column=headers.index("Date de naissance") + 1)
    assert isinstance(birth.value, datetime.datetime) and birth.number_format == "DD/MM/YYYY"
    widths = {letter: dimension.width for letter, dimension in sheet.column_dimensions.items()}
    assert widths["A"] >= len(pathway.reference) and widths["C"] >= len(pathway.project_holder.organisation.name)
    assert len(set(widths.values())) > 2  # sized from their content, not Excel's default
    indicators = client.get(reverse("evaluation:indicators_export", kwargs={"file_format": "xlsx"}))
    sheet = load_workbook(io.BytesIO(b"".join(indicators.streaming_content))).active
    amounts = [row[2] for row in sheet.iter_rows(min_row=2) if "(€)" in str(row[0].value)]
    assert amounts and all(cell.number_format == '#,##0.00\\ "€"' for cell in amounts)


# ---- 8. a birth date in the future is refused; a wrong piece is withdrawn, kept in the history -------------


def test_a_birth_date_in_the_future_is_refused(client, db):
    holder = UserFactory(organisation=PathwayFactory().project_holder.organisation)
    client.force_login(holder)
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    response = client.post(
        reverse("pathways:candidate_create"),
        {"first_name": "Léa", "last_name": "Martin", "birth_date": f"{tomorrow:%Y-%m-%d}",
         "email": "", "highest_qualification": "none", "nir": ""},
    )  # fmt: skip
    assert response.status_code == 200
    assert "La date de naissance ne peut pas être dans le futur." in html.unescape(response.content.decode())
    assert not Candidate.objects.filter(last_name="Martin").exists()
    api = api_as(holder).post(
        "/api/v1/candidates/",
        {"first_name": "Léa", "last_name": "Martin", "birth_date": f"{tomorrow:%Y-%m-%d}"},
        format="json",
    )
    assert api.status_code == 400 and "birth_date" in api.json()


def test_a_wrong_piece_is_withdrawn_and_replaced_before_the_phase_moves_on(client, db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    pathway = PathwayFactory()
    staff = staff_of(pathway)
    client.force_login(staff["project_holder"])
    client.post(
        reverse("pathways:document_upload", args=[pathway.pk]),
        {"kind": "feasibility_study", "file": pdf_upload("mauvaise-etude.pdf")},
    )
    wrong = Document.objects.get(pathway=pathway)
    page = client.get(reverse("pathways:detail", args=[pathway.pk])).content.decode()
    assert 'Retirer<span class="fr-sr-only"> la pièce mauvaise-etude.pdf' in page

    response = client.post(reverse("pathways:document_withdraw", args=[pathway.pk, wrong.pk]), follow=True)
    page = html.unescape(response.content.decode())
    assert "est retirée ; elle reste dans l'historique des pièces" in page
    wrong.refresh_from_db()
    assert wrong.withdrawn_at is not None and wrong.withdrawn_by == staff["project_holder"]
    assert "mauvaise-etude.pdf" in page and "Retirée le" in page  # kept, shown as withdrawn
    # The withdrawn study no longer counts for the move to support.
    unmet = workflow.find(PathwayPhase.POSITIONING, PathwayPhase.SUPPORT).unmet(Pathway.objects.get(pk=pathway.pk))
    assert any("étude de faisabilité" in reason.lower() for reason in unmet), unmet

    client.post(
        reverse("pathways:document_upload", args=[pathway.pk]),
        {"kind": "feasibility_study", "file": pdf_upload("bonne-etude.pdf")},
    )
    assert Document.objects.filter(pathway=pathway).count() == 2
    assert list(Document.objects.current().filter(pathway=pathway).values_list("original_name", flat=True)) == [
        "bonne-etude.pdf"
    ]


def test_a_piece_stays_once_the_phase_has_moved_on(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    pathway = PathwayFactory()
    staff = staff_of(pathway)
    pathway = walk_to(pathway, PathwayPhase.SUPPORT, staff)
    document = Document.objects.filter(pathway=pathway).first()
    assert document is not None
    with pytest.raises(Conflict, match="a changé de phase depuis le dépôt"):
        pathway_services.document_withdraw(acting_user=staff["project_holder"], document=document)
    with pytest.raises(PermissionDenied):
        pathway_services.document_withdraw(acting_user=staff["opco"], document=document)
    document.refresh_from_db()
    assert document.withdrawn_at is None
