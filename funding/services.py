"""The only writers of funding files: caps, status moves, decisions (one wins), agreements on commit."""

from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from funding.enums import CATEGORIES, EDITABLE_STATUSES, FundingCategory, FundingStatus
from funding.models import FundingFile, FundingPolicy
from funding.money import contract_months, format_euros, months_in_year, prorated_caps
from pathways.enums import OPEN_PHASES
from vae_inversee.accounts.enums import Role
from vae_inversee.lib.errors import Conflict


def _amounts(prefix, values) -> dict[str, Decimal]:
    """Parse the three category amounts; every bad one is reported on its field."""
    amounts, errors = {}, {}
    for category in CATEGORIES:
        name = f"{prefix}_{category}"
        raw = values.get(name, Decimal("0"))
        try:
            amount = Decimal(str(raw if raw not in (None, "") else "0"))
        except (InvalidOperation, ValueError):
            errors[name] = ["Indiquez un montant en euros, par exemple 1500,00."]
            continue
        if not amount.is_finite() or amount < 0:
            errors[name] = ["Le montant doit être positif ou nul."]
        elif amount != amount.quantize(Decimal("0.01")):
            errors[name] = ["Le montant s'exprime en euros et centimes (deux décimales au plus)."]
        else:
            amounts[name] = amount.quantize(Decimal("0.01"))
    if errors:
        raise ValidationError(errors)
    return amounts


def cap_errors(funding_file, requested: dict[str, Decimal]) -> dict[str, list[str]]:
    """Requested amounts against the file's prorated caps (the same rules as the database checks)."""
    errors = {}
    for category in CATEGORIES:
        amount, cap = requested[f"requested_{category}"], getattr(funding_file, f"cap_{category}")
        if amount > cap:
            errors[f"requested_{category}"] = [
                f"{FundingCategory(category).label} : {format_euros(amount)} dépasse le plafond de "
                f"{format_euros(cap)} pour cette année de contrat ({funding_file.months} mois)."
            ]
    total = sum(requested.values(), Decimal("0"))
    if total > funding_file.cap_total:
        errors["non_field_errors"] = [
            f"Le total demandé ({format_euros(total)}) dépasse le plafond total de "
            f"{format_euros(funding_file.cap_total)} pour cette année de contrat ({funding_file.months} mois)."
        ]
    return errors


def _holder_file_check(acting_user, pathway):
    if acting_user.role != Role.PROJECT_HOLDER or pathway.project_holder_id != acting_user.membership.organisation_id:
        raise PermissionDenied("Seul le porteur de projet du parcours prépare et transmet le dossier de financement.")


def _save(funding_file, update_fields=None):
    funding_file.full_clean()
    funding_file.save(update_fields=update_fields)
    return funding_file


def caps_for(pathway, contract_year):
    """(policy, months, caps) a new file of this pathway and contract year would get; field errors otherwise."""
    contract = getattr(pathway, "contract", None)
    if contract is None:
        raise ValidationError({"pathway": ["Enregistrez d'abord le contrat : les plafonds dépendent de sa durée."]})
    try:
        contract_year = int(contract_year)
    except (TypeError, ValueError):
        raise ValidationError({"contract_year": ["L'année de contrat est 1, 2 ou 3."]})
    months = months_in_year(contract_months(contract.start_date, contract.end_date), contract_year)
    if contract_year not in (1, 2, 3) or months == 0:
        raise ValidationError(
            {"contract_year": [f"Le contrat ne couvre pas d'année {contract_year} (1, 2 ou 3 selon sa durée)."]}
        )
    policy = FundingPolicy.objects.in_force_on(timezone.localdate())
    if policy is None:
        raise ValidationError({"non_field_errors": ["Aucun barème de prise en charge n'est en vigueur."]})
    return policy, months, prorated_caps(policy, months)


@transaction.atomic
def funding_file_create(*, acting_user, pathway, contract_year=1, **amounts) -> FundingFile:
    _holder_file_check(acting_user, pathway)
    if pathway.phase not in OPEN_PHASES:
        raise ValidationError({"pathway": ["Le parcours est clos : aucun dossier de financement ne peut être créé."]})
    policy, months, caps = caps_for(pathway, contract_year)
    contract_year = int(contract_year)
    if FundingFile.objects.filter(pathway=pathway, contract_year=contract_year).exists():
        raise ValidationError({"contract_year": ["Un dossier existe déjà pour cette année de contrat."]})
    funding_file = FundingFile(
        pathway=pathway,
        contract_year=contract_year,
        opco=pathway.employer.opco,
        policy=policy,
        months=months,
        **{f"cap_{name}": value for name, value in caps.items()},
    )
    requested = _amounts("requested", amounts)
    errors = cap_errors(funding_file, requested)
    if errors:
        raise ValidationError(errors)
    for name, value in requested.items():
        setattr(funding_file, name, value)
    return _save(funding_file)


def _locked(funding_file) -> FundingFile:
    return FundingFile.objects.select_for_update().select_related("pathway").get(pk=funding_file.pk)


@transaction.atomic
def funding_file_update(*, acting_user, funding_file, **amounts) -> FundingFile:
    funding_file = _locked(funding_file)
    _holder_file_check(acting_user, funding_file.pathway)
    if funding_file.status not in EDITABLE_STATUSES:
        raise Conflict(f"Le dossier est « {funding_file.get_status_display()} » : il ne peut plus être modifié.")
    requested = _amounts(
        "requested", {f"requested_{c}": getattr(funding_file, f"requested_{c}") for c in CATEGORIES} | amounts
    )
    errors = cap_errors(funding_file, requested)
    if errors:
        raise ValidationError(errors)
    for name, value in requested.items():
        setattr(funding_file, name, value)
    return _save(funding_file)


@transaction.atomic
def funding_file_submit(*, acting_user, funding_file) -> FundingFile:
    funding_file = _locked(funding_file)
    _holder_file_check(acting_user, funding_file.pathway)
    if funding_file.status not in EDITABLE_STATUSES:
        raise Conflict(f"Le dossier est déjà « {funding_file.get_status_display()} ».")
    if funding_file.requested_total <= 0:
        raise ValidationError({"non_field_errors": ["Indiquez au moins un montant avant de transmettre le dossier."]})
    funding_file.status = FundingStatus.SUBMITTED
    funding_file.submitted_at = timezone.now()
    _save(funding_file)
    _notify_on_commit(funding_file)
    return funding_file


def _decide(acting_user, funding_file, action) -> FundingFile:
    """Lock the file, check the OPCO and that it still waits for a decision (else: conflict)."""
    if acting_user.role != Role.OPCO:
        raise PermissionDenied("Seul l'OPCO destinataire statue sur un dossier de financement.")
    funding_file = _locked(funding_file)
    if funding_file.opco_id != acting_user.membership.organisation_id:
        raise PermissionDenied("Ce dossier est adressé à un autre OPCO.")
    if funding_file.status != FundingStatus.SUBMITTED:
        raise Conflict(
            f"Impossible de {action} : le dossier est désormais « {funding_file.get_status_display()} »"
            + (
                f" (décision du {timezone.localtime(funding_file.decided_at):%d/%m/%Y à %H:%M})"
                if funding_file.decided_at
                else ""
            )
            + ". Rechargez la page."
        )
    return funding_file


def _close(funding_file, acting_user, status, reason):
    funding_file.status = status
    funding_file.decision_reason = (reason or "").strip()
    funding_file.decided_at = timezone.now()
    funding_file.decided_by = acting_user
    _save(funding_file)
    from funding.tasks import render_agreement as render_agreement_task

    transaction.on_commit(lambda: render_agreement_task.delay(funding_file.pk))
    _notify_on_commit(funding_file)
    return funding_file


@transaction.atomic
def funding_file_approve(*, acting_user, funding_file, reason="", **amounts) -> FundingFile:
    funding_file = _decide(acting_user, funding_file, "accorder le financement")
    approved = _amounts("approved", amounts)
    errors = {}
    for category in CATEGORIES:
        asked = getattr(funding_file, f"requested_{category}")
        if approved[f"approved_{category}"] > asked:
            errors[f"approved_{category}"] = [
                f"{FundingCategory(category).label} : l'OPCO ne peut pas accorder plus que le montant demandé "
                f"({format_euros(asked)})."
            ]
    if errors:
        raise ValidationError(errors)
    for name, value in approved.items():
        setattr(funding_file, name, value)
    return _close(funding_file, acting_user, FundingStatus.APPROVED, reason)


@transaction.atomic
def funding_file_reject(*, acting_user, funding_file, reason) -> FundingFile:
    if not (reason or "").strip():
        raise ValidationError({"reason": ["Motivez le refus : le porteur de projet en sera informé."]})
    funding_file = _decide(acting_user, funding_file, "refuser le dossier")
    return _close(funding_file, acting_user, FundingStatus.REJECTED, reason)


@transaction.atomic
def funding_file_request_changes(*, acting_user, funding_file, reason) -> FundingFile:
    if not (reason or "").strip():
        raise ValidationError({"reason": ["Précisez les compléments attendus."]})
    funding_file = _decide(acting_user, funding_file, "demander des compléments")
    funding_file.status = FundingStatus.CHANGES_REQUESTED
    funding_file.decision_reason = reason.strip()
    _save(funding_file)
    _notify_on_commit(funding_file)
    return funding_file


def _notify_on_commit(funding_file):
    from funding.tasks import notify_funding as notify_funding_task

    # The status and moment identify the event: a retried task does not notify twice.
    event = f"{funding_file.status}:{funding_file.updated_at.isoformat()}"
    transaction.on_commit(lambda: notify_funding_task.delay(funding_file.pk, event))


def agreement_store(*, funding_file_id) -> bool:
    """Render and store the decision's PDF once; False when it already exists (idempotent)."""
    from django.core.files.base import ContentFile

    from funding.agreements import agreement_context
    from vae_inversee.lib.pdf import render_pdf

    with transaction.atomic():
        funding_file = FundingFile.objects.select_for_update().filter(pk=funding_file_id).first()
        if (
            funding_file is None
            or funding_file.agreement
            or funding_file.status
            not in (
                FundingStatus.APPROVED,
                FundingStatus.REJECTED,
            )
        ):
            return False
        content = render_pdf("funding/pdf/agreement.html", agreement_context(funding_file))
        funding_file.agreement.save(
            f"accord-{funding_file.pathway.reference}-annee-{funding_file.contract_year}.pdf",
            ContentFile(content),
            save=False,
        )
        # update_fields: the agreement is not part of the audited history.
        FundingFile.objects.filter(pk=funding_file.pk).update(agreement=funding_file.agreement.name)
    return True
