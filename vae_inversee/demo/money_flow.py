"""The demo's money flow (product.md sections 11 and 12): a pedagogical plan for every pathway from support
on, bank details, payment requests in every status and one paid batch, all through the services."""

import datetime
import io
from decimal import Decimal

from django.core.files.base import ContentFile
from django.utils import timezone
from pypdf import PdfWriter
from schwifty import IBAN
from stdnum import luhn

from funding import services as funding_services
from funding.enums import FundingStatus, PaymentRequestStatus
from funding.models import BankAccount, FundingFile, PaymentRequest
from pathways import services
from pathways.enums import PlanActionKind
from vae_inversee.lib.dates import add_months


def _siret(first13: str) -> str:
    """A valid SIRET (the SIREN and the whole number pass Luhn), as the seed's organisations get."""
    siren = first13[:8] + luhn.calc_check_digit(first13[:8])
    body = siren + first13[9:13]
    return body + luhn.calc_check_digit(body)


def _blank_pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


PROVIDERS = [
    ("AFPA Entreprises", _siret("8241530240001")),
    ("GRETA des métiers du soin", _siret("1975070630002")),
]
DEMO_BIC = "AGRIFRPP"


def demo_plan(pathway, staff, amounts, index):
    """A plan costing `amounts` (teaching, design, support) in the contract's first year: a training and an
    AFEST covering the target blocks, work activities, design and VAE support."""
    contract = pathway.contract
    start = contract.start_date
    end = min(add_months(start, 12) - datetime.timedelta(days=1), contract.end_date)
    teaching, design, support = (Decimal(amount) for amount in amounts)
    blocks = list(pathway.target_blocks.order_by("code"))
    provider, siret = PROVIDERS[index % len(PROVIDERS)]
    actions = [
        (PlanActionKind.TRAINING, "Enseignements théoriques en organisme", teaching * Decimal("0.7"), blocks, 140),
        (PlanActionKind.AFEST, "AFEST au poste de travail", teaching - teaching * Decimal("0.7"), blocks[-1:], 60),
        (PlanActionKind.WORK_ACTIVITY, "Activités en situation de travail", Decimal("0"), blocks[:1], 600),
        (PlanActionKind.DESIGN, "Conception et coordination du parcours", design, [], 14),
        (PlanActionKind.VAE_SUPPORT, "Accompagnement VAE (dossier, préparation du jury)", support, [], 24),
    ]
    for kind, title, cost, covered, hours in actions:
        unpaid = kind == PlanActionKind.WORK_ACTIVITY
        services.plan_action_save(
            acting_user=staff, pathway=pathway, kind=kind, title=title,
            provider_name="" if unpaid else provider, provider_siret="" if unpaid else siret,
            planned_hours=Decimal(hours), start_date=start, end_date=end, cost=cost.quantize(Decimal("0.01")),
            skill_blocks=covered,
        )  # fmt: skip


def _bank_accounts(users_by_org):
    for organisation, user in sorted(users_by_org.items(), key=lambda item: item[0].pk):
        if not BankAccount.objects.filter(organisation=organisation).exists():
            iban = IBAN.generate("FR", bank_code="3000600001", account_code=f"{organisation.pk:011d}")
            funding_services.bank_account_save(
                acting_user=user, account_holder=organisation.name[:70], iban=str(iban.compact), bic=DEMO_BIC
            )


def seed_payments(users) -> int:
    """Requests on the approved files (submitted, approved, rejected, paid) and one paid batch. Returns how
    many requests were created (0 on a second run)."""
    if PaymentRequest.objects.exists():
        return 0
    files = list(
        FundingFile.objects.filter(status=FundingStatus.APPROVED)
        .select_related("pathway__contract", "pathway__project_holder__organisation", "opco")
        .order_by("pk")
    )
    if not files:
        return 0

    def staff_of(organisation):
        return next(user for user in users if user.membership.organisation_id == organisation.pk)

    holders = {f.pathway.project_holder.organisation: staff_of(f.pathway.project_holder.organisation) for f in files}
    opcos = {f.opco: staff_of(f.opco) for f in files if any(u.membership.organisation_id == f.opco_id for u in users)}
    _bank_accounts({**holders, **opcos})
    cycle = [PaymentRequestStatus.PAID, PaymentRequestStatus.SUBMITTED, PaymentRequestStatus.APPROVED,
             PaymentRequestStatus.REJECTED]  # fmt: skip
    created, to_pay = 0, {}
    for index, funding_file in enumerate(files):
        if funding_file.opco not in opcos:
            continue
        contract = funding_file.pathway.contract
        holder_staff = holders[funding_file.pathway.project_holder.organisation]
        provider, siret = PROVIDERS[index % len(PROVIDERS)]
        amount = (funding_file.approved_teaching * Decimal("0.4")).quantize(Decimal("0.01"))
        request = funding_services.payment_request_create(
            acting_user=holder_staff, funding_file=funding_file, category="teaching", amount=amount,
            invoice_number=f"FA-{timezone.localdate():%Y}-{index + 1:04d}", invoice_date=contract.start_date
            + datetime.timedelta(days=95), provider_name=provider, provider_siret=siret,
            period_start=contract.start_date, period_end=contract.start_date + datetime.timedelta(days=90),
            realised_hours=Decimal("56"), invoice=ContentFile(DEMO_INVOICE, name="facture.pdf"),
        )  # fmt: skip
        created += 1
        status = cycle[index % len(cycle)]
        opco_staff = opcos[funding_file.opco]
        if status in (PaymentRequestStatus.APPROVED, PaymentRequestStatus.PAID):
            funding_services.payment_request_approve(
                acting_user=opco_staff, payment_request=request, approved_amount=amount
            )
            if status == PaymentRequestStatus.PAID:
                to_pay.setdefault(funding_file.opco, []).append(request)
        elif status == PaymentRequestStatus.REJECTED:
            funding_services.payment_request_reject(
                acting_user=opco_staff, payment_request=request, reason="La facture ne porte pas le détail des heures."
            )
    if to_pay:
        opco, requests = max(to_pay.items(), key=lambda item: len(item[1]))
        batch = funding_services.payment_batch_create(acting_user=opcos[opco], requests=requests)
        funding_services.payment_batch_mark_paid(acting_user=opcos[opco], batch=batch, paid_on=timezone.localdate())
    return created


DEMO_INVOICE = _blank_pdf()
