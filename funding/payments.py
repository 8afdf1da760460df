"""What an OPCO's payment batch becomes outside the platform: a `;` CSV of its requests and a SEPA credit
transfer (pain.001.001.03, built and validated against its XSD by sepaxml). Reads only: the writers are
`funding.services`."""

import datetime
from decimal import Decimal

from django.utils import timezone
from sepaxml import SepaTransfer

from funding.models import BankAccount, PaymentBatch
from vae_inversee.lib.errors import Unavailable

SEPA_SCHEMA = "pain.001.001.03"
CSV_HEADERS = [
    "Lot", "Demande", "Parcours", "Porteur de projet", "Catégorie", "Facture", "Date de facture", "Organisme",
    "SIRET de l'organisme", "Période du", "au", "Montant demandé (€)", "Montant accepté (€)", "IBAN du bénéficiaire",
    "BIC du bénéficiaire", "Payé le",
]  # fmt: skip


def batch_requests(batch):
    return batch.requests.select_related("funding_file__pathway__project_holder__organisation__bank_account").order_by(
        "funding_file__pathway__project_holder__organisation__name", "pk"
    )


def total(batch) -> Decimal:
    return sum((request.approved_amount for request in batch.requests.all()), Decimal("0.00"))


def csv_rows(batch):
    for request in batch_requests(batch):
        organisation = request.funding_file.pathway.project_holder.organisation
        account = getattr(organisation, "bank_account", None)
        yield [
            batch.reference, request.pk, request.funding_file.pathway.reference, organisation.name,
            request.get_category_display(), request.invoice_number, request.invoice_date.isoformat(),
            request.provider_name, request.provider_siret, request.period_start.isoformat(),
            request.period_end.isoformat(), request.amount, request.approved_amount,
            account.iban if account else "", account.bic if account else "",
            batch.paid_on.isoformat() if batch.paid_on else "",
        ]  # fmt: skip


def _account(organisation) -> BankAccount:
    account = BankAccount.objects.filter(organisation=organisation).first()
    if account is None:
        raise Unavailable(f"{organisation.name} n'a pas enregistré ses coordonnées bancaires.")
    return account


def sepa_xml(batch: PaymentBatch, execution_date: datetime.date | None = None) -> bytes:
    """The batch as one SEPA credit transfer initiation, each request one transaction to its payee."""
    debtor = _account(batch.opco)
    transfer = SepaTransfer(
        {
            "name": debtor.account_holder[:70],
            "IBAN": debtor.iban,
            "BIC": debtor.bic,
            "batch": True,
            "currency": "EUR",
        },
        schema=SEPA_SCHEMA,
    )
    day = execution_date or batch.paid_on or max(timezone.localdate(), timezone.localdate(batch.created_at))
    for request in batch_requests(batch):
        organisation = request.funding_file.pathway.project_holder.organisation
        payee = _account(organisation)
        transfer.add_payment(
            {
                "name": payee.account_holder[:70],
                "IBAN": payee.iban,
                "BIC": payee.bic,
                "amount": int(request.approved_amount * 100),
                "execution_date": day,
                "description": (
                    f"{batch.reference} {request.funding_file.pathway.reference} facture {request.invoice_number}"
                )[:140],
                "endtoend_id": f"VAEI{request.pk:012d}",
            }
        )
    return transfer.export(validate=True)
