"""Payments through the real services: an approved file, bank details, requests in each status."""

import datetime
from decimal import Decimal

from funding import services
from funding.money import Amounts
from tests.accounts.factories import luhn_siret
from tests.funding.factories import funded_pathway, submitted_file
from tests.pathways.factories import pdf_upload

# Real, valid IBANs and BICs (checksums verified by schwifty).
HOLDER_IBAN, HOLDER_BIC = "FR7630006000011234567890189", "AGRIFRPP"
OPCO_IBAN, OPCO_BIC = "FR1420041010050500013M02606", "PSSTFRPP"
INVOICE_SIRET = luhn_siret(8200)


def bank_details(staff):
    services.bank_account_save(
        acting_user=staff["project_holder"], account_holder="Porteur de projet", iban=HOLDER_IBAN, bic=HOLDER_BIC
    )
    services.bank_account_save(acting_user=staff["opco"], account_holder="OPCO", iban=OPCO_IBAN, bic=OPCO_BIC)


def approved_file(**amounts):
    pathway, staff = funded_pathway()
    funding_file = submitted_file(pathway, staff, **amounts)
    funding_file = services.funding_file_approve(
        acting_user=staff["opco"], funding_file=funding_file, approved=funding_file.requested
    )
    return funding_file, staff


_numbers = iter(range(1, 10**6))


def file_request(funding_file, staff, amount="1000.00", category="teaching", **overrides):
    contract = funding_file.pathway.contract
    data = {
        "category": category,
        "invoice_number": f"F-{next(_numbers):05d}",
        "invoice_date": contract.start_date + datetime.timedelta(days=40),
        "provider_name": "Organisme de formation",
        "provider_siret": INVOICE_SIRET,
        "period_start": contract.start_date,
        "period_end": contract.start_date + datetime.timedelta(days=30),
    }
    data.update(overrides)
    return services.payment_request_create(
        acting_user=staff["project_holder"], funding_file=funding_file, invoice=pdf_upload("facture.pdf"),
        amount=Decimal(amount), **data,
    )  # fmt: skip


def approved_amounts():
    return Amounts.of(teaching="6000.00", design="1000.00", support="2000.00")
