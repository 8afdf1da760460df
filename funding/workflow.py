"""What funding adds to the pathway's rules (registered by FundingConfig.ready): the guard of
admissibility → delivery, and the funding files following their contract."""

from django.core.exceptions import ValidationError

from funding.enums import FundingStatus
from funding.models import FundingFile
from funding.money import months_in_year, prorated_caps
from vae_inversee.lib.dates import months_covered
from vae_inversee.lib.money import format_euros


def funding_year_one_approved(pathway, comment=""):
    """Admissibility → delivery: the first contract year's file is approved by the OPCO."""
    if not pathway.funding_files.filter(contract_year=1, status=FundingStatus.APPROVED).exists():
        return "Le dossier de financement n'est pas encore accordé par l'OPCO."
    return None


def files_follow_contract(pathway, contract):
    """Caps always derive from the contract as it stands (section 12): before a contract changes, each of
    the pathway's files gets the caps of its contract year under the new dates, or the change is refused,
    naming every file that would lose its year or stand above its new caps."""
    files = list(FundingFile.objects.select_for_update().filter(pathway=pathway).order_by("contract_year"))
    total = months_covered(contract.start_date, contract.end_date)
    refused, followed = [], []
    for funding_file in files:
        name = f"le dossier de l'année {funding_file.contract_year} ({funding_file.get_status_display().lower()})"
        months = months_in_year(total, funding_file.contract_year)
        if months == 0:
            refused.append(f"{name} porterait sur une année que le contrat ne couvrirait plus")
            continue
        caps = prorated_caps(funding_file.policy, months)
        amounts = [funding_file.requested, funding_file.approved]
        if any(amount is not None and caps.excess(amount) for amount in amounts):
            refused.append(
                f"{name} demande {format_euros(funding_file.requested_total)}, au-delà des nouveaux plafonds de "
                f"cette année ({format_euros(caps.total)} pour {months} mois)"
            )
            continue
        followed.append((funding_file, caps))
    if refused:
        raise ValidationError(
            {"non_field_errors": [f"Ce contrat ne peut pas être ainsi modifié : {' ; '.join(refused)}."]}
        )
    for funding_file, caps in followed:
        if funding_file.caps != caps:
            funding_file.caps = caps
            funding_file.save(update_fields=["cap_teaching", "cap_design", "cap_support", "cap_total", "months"])
