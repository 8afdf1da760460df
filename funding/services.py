"""The only writers of funding files: caps, status moves, decisions (one wins), agreements on commit.

Each service asks the policy (funding.policy through vae_inversee.lib.policy) and takes amounts as
`Amounts` (Decimals): forms and serializers parse, the caps are checked here once.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from funding import tasks
from funding.enums import FundingStatus
from funding.models import FundingFile, FundingPolicy
from funding.money import Amounts, Caps, months_in_year, prorated_caps
from vae_inversee.lib import policy
from vae_inversee.lib.dates import months_covered
from vae_inversee.lib.money import format_euros
from vae_inversee.outbox.services import enqueue

OUT_OF_SCOPE = (
    "Ce dossier n'est pas dans votre périmètre : il concerne un autre porteur de projet ou il est adressé à un "
    "autre OPCO."
)
CONTRACT_YEARS = (1, 2, 3)


def _save(funding_file, update_fields=None):
    funding_file.full_clean()
    funding_file.save(update_fields=update_fields)
    return funding_file


def _raise_if(errors):
    if errors:
        raise ValidationError(errors)


def contract_years(pathway) -> list[int]:
    """The contract years the pathway's contract covers (1 when no contract is recorded yet)."""
    contract = getattr(pathway, "contract", None)
    if contract is None:
        return [1]
    total = months_covered(contract.start_date, contract.end_date)
    return [year for year in CONTRACT_YEARS if months_in_year(total, year) > 0]


def caps_for(pathway, contract_year) -> tuple[FundingPolicy, Caps]:
    """The policy in force and the caps a new file of this pathway and contract year would get."""
    contract = getattr(pathway, "contract", None)
    if contract is None:
        raise ValidationError({"pathway": ["Enregistrez d'abord le contrat : les plafonds dépendent de sa durée."]})
    months = months_in_year(months_covered(contract.start_date, contract.end_date), contract_year)
    if contract_year not in CONTRACT_YEARS or months == 0:
        raise ValidationError(
            {"contract_year": [f"Le contrat ne couvre pas d'année {contract_year} (1, 2 ou 3 selon sa durée)."]}
        )
    funding_policy = FundingPolicy.objects.in_force_on(timezone.localdate())
    if funding_policy is None:
        raise ValidationError({"non_field_errors": ["Aucun barème de prise en charge n'est en vigueur."]})
    return funding_policy, prorated_caps(funding_policy, months)


def _locked(user, action, funding_file) -> FundingFile:
    """Role (403), then the file locked, the action allowed in its status (409), and the file in scope.

    The status comes first: a file that moved on meanwhile (a draft again, decided) is a conflict to
    whoever acts on it, the message saying what it became.
    """
    policy.require_role(user, action)
    funding_file = FundingFile.objects.select_for_update().select_related("pathway").get(pk=funding_file.pk)
    policy.authorize(user, action, funding_file)
    policy.require_visible(user, funding_file, OUT_OF_SCOPE)
    return funding_file


@transaction.atomic
def funding_file_create(*, acting_user, pathway, contract_year=1, requested: Amounts | None = None) -> FundingFile:
    requested = requested or Amounts()
    policy.require_role(acting_user, "funding_file.create")
    policy.require_visible(acting_user, pathway, OUT_OF_SCOPE)
    policy.authorize(acting_user, "funding_file.create", pathway)
    funding_policy, caps = caps_for(pathway, contract_year)
    if FundingFile.objects.filter(pathway=pathway, contract_year=contract_year).exists():
        raise ValidationError({"contract_year": ["Un dossier existe déjà pour cette année de contrat."]})
    _raise_if(caps.excess(requested))
    funding_file = FundingFile(pathway=pathway, contract_year=contract_year, opco=pathway.employer.opco)
    funding_file.policy, funding_file.caps, funding_file.requested = funding_policy, caps, requested
    return _save(funding_file)


@transaction.atomic
def funding_file_update(*, acting_user, funding_file, requested: Amounts) -> FundingFile:
    funding_file = _locked(acting_user, "funding_file.update", funding_file)
    _raise_if(funding_file.caps.excess(requested))
    funding_file.requested = requested
    return _save(funding_file)


@transaction.atomic
def funding_file_submit(*, acting_user, funding_file) -> FundingFile:
    funding_file = _locked(acting_user, "funding_file.submit", funding_file)
    if funding_file.requested_total <= 0:
        raise ValidationError({"non_field_errors": ["Indiquez au moins un montant avant de transmettre le dossier."]})
    funding_file.status = FundingStatus.SUBMITTED
    funding_file.submitted_at = timezone.now()
    _save(funding_file)
    _notify_on_commit(funding_file)
    return funding_file


@transaction.atomic
def funding_file_save(*, acting_user, pathway, contract_year, requested: Amounts, submit=False) -> FundingFile:
    """The holder's form: create or update the year's file and, with `submit`, transmit it; both or nothing."""
    funding_file = FundingFile.objects.filter(pathway=pathway, contract_year=contract_year).first()
    if funding_file is None:
        funding_file = funding_file_create(
            acting_user=acting_user, pathway=pathway, contract_year=contract_year, requested=requested
        )
    else:
        funding_file = funding_file_update(acting_user=acting_user, funding_file=funding_file, requested=requested)
    if submit:
        funding_file = funding_file_submit(acting_user=acting_user, funding_file=funding_file)
    return funding_file


def _close(funding_file, acting_user, status, reason):
    funding_file.status = status
    funding_file.decision_reason = (reason or "").strip()
    funding_file.decided_at = timezone.now()
    funding_file.decided_by = acting_user
    _save(funding_file)
    enqueue(tasks.render_agreement, funding_file.pk)
    _notify_on_commit(funding_file)
    return funding_file


@transaction.atomic
def funding_file_approve(*, acting_user, funding_file, approved: Amounts, reason="") -> FundingFile:
    funding_file = _locked(acting_user, "funding_file.approve", funding_file)
    requested = funding_file.requested
    _raise_if(
        {
            f"approved_{category}": [
                f"{category.label} : l'OPCO ne peut pas accorder plus que le montant demandé "
                f"({format_euros(requested[category])})."
            ]
            for category, amount in approved.items()
            if amount > requested[category]
        }
    )
    funding_file.approved = approved
    return _close(funding_file, acting_user, FundingStatus.APPROVED, reason)


def _reason_required(reason, message):
    if not (reason or "").strip():
        raise ValidationError({"reason": [message]})


@transaction.atomic
def funding_file_reject(*, acting_user, funding_file, reason) -> FundingFile:
    _reason_required(reason, "Motivez le refus : le porteur de projet en sera informé.")
    funding_file = _locked(acting_user, "funding_file.reject", funding_file)
    return _close(funding_file, acting_user, FundingStatus.REJECTED, reason)


@transaction.atomic
def funding_file_request_changes(*, acting_user, funding_file, reason) -> FundingFile:
    _reason_required(reason, "Précisez les compléments attendus.")
    funding_file = _locked(acting_user, "funding_file.request_changes", funding_file)
    funding_file.status = FundingStatus.CHANGES_REQUESTED
    funding_file.decision_reason = reason.strip()
    _save(funding_file)
    _notify_on_commit(funding_file)
    return funding_file


def _notify_on_commit(funding_file):
    # The status and moment identify the event: a retried task does not notify twice.
    event = f"{funding_file.status}:{funding_file.updated_at.isoformat()}"
    enqueue(tasks.notify_funding, funding_file.pk, event)
