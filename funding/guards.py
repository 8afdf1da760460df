from funding.enums import FundingStatus


def funding_year_one_approved(pathway, comment=""):
    """Guard of admissibility → delivery (registered by FundingConfig.ready)."""
    if not pathway.funding_files.filter(contract_year=1, status=FundingStatus.APPROVED).exists():
        return "Le dossier de financement n'est pas encore accordé par l'OPCO."
    return None
