"""The guard funding adds to the pathway workflow (registered by FundingConfig.ready)."""

from funding.enums import FundingStatus


def funding_year_one_approved(pathway, comment=""):
    """Admissibility → delivery: the first contract year's file is approved by the OPCO."""
    if not pathway.funding_files.filter(contract_year=1, status=FundingStatus.APPROVED).exists():
        return "Le dossier de financement n'est pas encore accordé par l'OPCO."
    return None
