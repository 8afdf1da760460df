"""Every status move by every role; scope across OPCOs; agreements on decisions."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from funding import agreements, services
from funding.models import FundingFile
from funding.money import Amounts
from tests.accounts.factories import UserFactory
from tests.funding.factories import funded_pathway, pdf_text, submitted_file
from vae_inversee.accounts.models import Organisation
from vae_inversee.lib.errors import Conflict

ROLES = ["project_holder", "companion", "opco", "certifier", "ministry"]
AMOUNTS = {"approved_teaching": "5000.00", "approved_design": "1000.00", "approved_support": "2000.00"}

# (action, status the file must be in, role allowed, resulting status)
MOVES = [
    ("submit", "draft", "project_holder", "submitted"),
    ("submit", "changes_requested", "project_holder", "submitted"),
    ("approve", "submitted", "opco", "approved"),
    ("reject", "submitted", "opco", "rejected"),
    ("request_changes", "submitted", "opco", "changes_requested"),
]


def run(action, user, funding_file):
    if action == "submit":
        return services.funding_file_submit(acting_user=user, funding_file=funding_file)
    if action == "approve":
        return services.funding_file_approve(
            acting_user=user, funding_file=funding_file, approved=Amounts.parse(AMOUNTS, "approved")
        )
    if action == "reject":
        return services.funding_file_reject(
            acting_user=user, funding_file=funding_file, reason="Hors barème de branche"
        )
    return services.funding_file_request_changes(acting_user=user, funding_file=funding_file, reason="Joindre le devis")


def file_in(status, pathway, staff):
    funding_file = services.funding_file_create(
        acting_user=staff["project_holder"],
        pathway=pathway,
        requested=Amounts.parse({"teaching": "6000.00", "design": "1000.00", "support": "2000.00"}),
    )
    if status == "draft":
        return funding_file
    funding_file = services.funding_file_submit(acting_user=staff["project_holder"], funding_file=funding_file)
    if status == "changes_requested":
        funding_file = run("request_changes", staff["opco"], funding_file)
    return funding_file


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("action", "source", "allowed", "target"), MOVES)
def test_every_status_move_by_every_role(db, settings, tmp_path, action, source, allowed, target, role):
    settings.MEDIA_ROOT = tmp_path
    pathway, staff = funded_pathway()
    funding_file = file_in(source, pathway, staff)
    if role == allowed:
        assert run(action, staff[role], funding_file).status == target
    else:
        with pytest.raises(PermissionDenied):
            run(action, staff[role], funding_file)
        funding_file.refresh_from_db()
        assert funding_file.status == source


@pytest.mark.parametrize("source", ["draft", "changes_requested", "approved", "rejected"])
@pytest.mark.parametrize("action", ["approve", "reject", "request_changes"])
def test_the_opco_decides_only_on_a_submitted_file(db, settings, tmp_path, source, action):
    settings.MEDIA_ROOT = tmp_path
    pathway, staff = funded_pathway()
    funding_file = file_in("changes_requested" if source == "changes_requested" else "draft", pathway, staff)
    if source in ("approved", "rejected"):
        funding_file = services.funding_file_submit(acting_user=staff["project_holder"], funding_file=funding_file)
        funding_file = run("approve" if source == "approved" else "reject", staff["opco"], funding_file)
    with pytest.raises(Conflict, match="Rechargez la page"):
        run(action, staff["opco"], funding_file)


def test_decided_files_are_frozen_for_the_project_holder(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    pathway, staff = funded_pathway()
    funding_file = run("approve", staff["opco"], submitted_file(pathway, staff))
    with pytest.raises(Conflict):
        services.funding_file_update(
            acting_user=staff["project_holder"], funding_file=funding_file, requested=Amounts.parse({"teaching": "1"})
        )
    with pytest.raises(Conflict):
        services.funding_file_submit(acting_user=staff["project_holder"], funding_file=funding_file)


def test_another_opco_cannot_decide_nor_see(db):
    pathway, staff = funded_pathway()
    funding_file = submitted_file(pathway, staff)
    other_opco_user = UserFactory(organisation=Organisation.objects.get(code="ATLAS"))
    with pytest.raises(PermissionDenied, match="adressé à un autre OPCO"):
        run("approve", other_opco_user, funding_file)
    assert not FundingFile.objects.visible_to(other_opco_user).exists()
    assert FundingFile.objects.visible_to(staff["opco"]).get() == funding_file
    assert FundingFile.objects.visible_to(staff["ministry"]).get() == funding_file
    assert not FundingFile.objects.visible_to(UserFactory(role="project_holder")).exists()


def test_approval_may_be_lower_never_higher_than_requested(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    pathway, staff = funded_pathway()
    funding_file = submitted_file(pathway, staff, requested_teaching="3000.00", requested_support="1000.00")
    with pytest.raises(ValidationError) as error:
        services.funding_file_approve(
            acting_user=staff["opco"],
            funding_file=funding_file,
            approved=Amounts.parse({"teaching": "3000.01", "design": "0", "support": "1000.00"}),
        )
    assert error.value.message_dict["approved_teaching"] == [
        "Frais pédagogiques : l'OPCO ne peut pas accorder plus que le montant demandé (3\u202f000,00 €)."
    ]
    funding_file.refresh_from_db()
    assert funding_file.status == "submitted"
    approved = services.funding_file_approve(
        acting_user=staff["opco"],
        funding_file=funding_file,
        reason="Devis revu",
        approved=Amounts.parse({"teaching": "2500.00", "design": "0", "support": "1000.00"}),
    )
    assert approved.approved_total == Decimal("3500.00")
    assert (approved.decided_by, approved.decision_reason) == (staff["opco"], "Devis revu")


def test_reject_and_request_changes_need_a_reason(db):
    pathway, staff = funded_pathway()
    funding_file = submitted_file(pathway, staff)
    with pytest.raises(ValidationError) as error:
        services.funding_file_reject(acting_user=staff["opco"], funding_file=funding_file, reason=" ")
    assert error.value.message_dict == {"reason": ["Motivez le refus : le porteur de projet en sera informé."]}
    with pytest.raises(ValidationError):
        services.funding_file_request_changes(acting_user=staff["opco"], funding_file=funding_file, reason="")


def test_a_changes_requested_file_is_edited_and_submitted_again(db):
    pathway, staff = funded_pathway()
    funding_file = run("request_changes", staff["opco"], submitted_file(pathway, staff))
    funding_file = services.funding_file_update(
        acting_user=staff["project_holder"], funding_file=funding_file, requested=Amounts.parse({"teaching": "5000.00"})
    )
    assert (
        services.funding_file_submit(acting_user=staff["project_holder"], funding_file=funding_file).status
        == "submitted"
    )
    assert funding_file.history.count() >= 4  # created, submitted, changes requested, edited (+ submitted)


def test_the_agreement_pdf_says_what_was_decided(db, settings, tmp_path, django_capture_on_commit_callbacks):
    settings.MEDIA_ROOT = tmp_path
    pathway, staff = funded_pathway()
    funding_file = submitted_file(
        pathway, staff, requested_teaching="6000.00", requested_design="800.00", requested_support="2000.00"
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.funding_file_approve(
            acting_user=staff["opco"],
            funding_file=funding_file,
            reason="Formation réduite de 20 h",
            approved=Amounts.parse({"teaching": "5500.00", "design": "800.00", "support": "2000.00"}),
        )
    funding_file.refresh_from_db()
    assert funding_file.agreement.name.startswith(f"agreements/accord-{pathway.reference}-annee-1")
    text = pdf_text(funding_file.agreement.path)
    assert "Accord de prise en charge" in text and pathway.reference in text
    assert pathway.candidate.last_name in text and pathway.certification.code in text
    for amount in ["6 000,00 €", "5 500,00 €", "800,00 €", "2 000,00 €", "8 800,00 €", "8 300,00 €", "9 000,00 €"]:
        assert amount in text.replace("\u202f", " "), amount
    assert "Motif : Formation réduite de 20 h" in text
    # Running the task again does not render a second file.
    assert agreements.agreement_store(funding_file_id=funding_file.pk) is False
    assert len(list((tmp_path / "agreements").iterdir())) == 1


def test_a_refusal_pdf_gives_the_reason(db, settings, tmp_path, django_capture_on_commit_callbacks):
    settings.MEDIA_ROOT = tmp_path
    pathway, staff = funded_pathway()
    funding_file = submitted_file(pathway, staff)
    with django_capture_on_commit_callbacks(execute=True):
        services.funding_file_reject(
            acting_user=staff["opco"], funding_file=funding_file, reason="Employeur hors champ"
        )
    funding_file.refresh_from_db()
    text = pdf_text(funding_file.agreement.path)
    assert "Refus de prise en charge" in text and "Motif : Employeur hors champ" in text


def test_changes_requested_produces_no_pdf(db, settings, tmp_path, django_capture_on_commit_callbacks):
    settings.MEDIA_ROOT = tmp_path
    pathway, staff = funded_pathway()
    with django_capture_on_commit_callbacks(execute=True):
        funding_file = run("request_changes", staff["opco"], submitted_file(pathway, staff))
    funding_file.refresh_from_db()
    assert not funding_file.agreement
