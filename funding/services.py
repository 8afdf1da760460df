"""The only writers of funding files: caps, status moves, decisions (one wins), agreements on commit.

Each service asks the policy (funding.policy through vae_inversee.lib.policy) and takes amounts as
`Amounts` (Decimals): forms and serializers parse, the caps are checked here once.
"""

from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from funding import tasks
from funding.enums import (
    CATEGORIES,
    COUNTED_REQUEST_STATUSES,
    FundingCategory,
    FundingStatus,
    PaymentBatchStatus,
    PaymentRequestStatus,
)
from funding.models import (
    BankAccount,
    FundingFile,
    FundingFileAssignment,
    FundingFileNote,
    FundingPolicy,
    PaymentBatch,
    PaymentRequest,
)
from funding.money import Amounts, Caps, months_in_year, prorated_caps
from funding.plan import above_plan, plan_amounts, prefilled
from pathways import workflow
from pathways.services import check_assignee, clean_body, pathway_work_hand_over
from pathways.uploads import inspect_upload
from vae_inversee.accounts.services import member_deactivate, require_organisation_admin
from vae_inversee.lib import policy
from vae_inversee.lib.dates import months_covered
from vae_inversee.lib.identifiers import compact_iban, compact_siret
from vae_inversee.lib.money import CENT, format_euros
from vae_inversee.lib.validation import checked_save
from vae_inversee.outbox.services import enqueue
from vae_inversee.webhooks.services import emit

OUT_OF_SCOPE = (
    "Ce dossier n'est pas dans votre périmètre : il concerne un autre porteur de projet ou il est adressé à un "
    "autre OPCO."
)
CONTRACT_YEARS = (1, 2, 3)
# What a decision writes (`_close`): only these are validated and saved.
DECISION_FIELDS = [
    "status",
    "decision_reason",
    "decided_at",
    "decided_by",
    *(f"approved_{category}" for category in CATEGORIES),
    "updated_at",
]


def _save(funding_file, update_fields=None):
    return checked_save(funding_file, fields=update_fields)


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
    """A new file; without amounts, pre-filled from the plan's totals of its contract year (within the caps)."""
    policy.require_role(acting_user, "funding_file.create")
    policy.require_visible(acting_user, pathway, OUT_OF_SCOPE)
    policy.authorize(acting_user, "funding_file.create", pathway)
    funding_policy, caps = caps_for(pathway, contract_year)
    if FundingFile.objects.filter(pathway=pathway, contract_year=contract_year).exists():
        raise ValidationError({"contract_year": ["Un dossier existe déjà pour cette année de contrat."]})
    if requested is None:
        requested = prefilled(plan_amounts(pathway, contract_year), caps)
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
    _raise_if(
        above_plan(
            funding_file.requested,
            plan_amounts(funding_file.pathway, funding_file.contract_year),
            funding_file.contract_year,
        )
    )
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
    _save(funding_file, DECISION_FIELDS)
    enqueue(tasks.render_agreement, funding_file.pk)
    _notify_on_commit(funding_file)
    emit("funding_file.decided", funding_file)
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


# ---- bank details --------------------------------------------------------------------------------------


@transaction.atomic
def bank_account_save(*, acting_user, account_holder, iban, bic) -> BankAccount:
    """The organisation's own bank details (validated IBAN and BIC, the IBAN encrypted at rest)."""
    policy.require_role(acting_user, "bank_account.edit")
    organisation = acting_user.membership.organisation
    account = BankAccount.objects.select_for_update().filter(organisation=organisation).first()
    account = account or BankAccount(organisation=organisation)
    account.account_holder = (account_holder or "").strip()
    account.iban = compact_iban(iban)
    account.bic = "".join((bic or "").split()).upper()
    account.updated_by = acting_user
    return _save(account)


# ---- payment requests (section 12) ----------------------------------------------------------------------

ZERO_EUROS = Decimal("0.00")
PAYMENT_OUT_OF_SCOPE = "Cette demande de paiement n'est pas dans votre périmètre."


def _amount(value, name) -> Decimal:
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        raise ValidationError({name: ["Indiquez un montant en euros, par exemple 1500,00."]})
    if not amount.is_finite() or amount <= 0:
        raise ValidationError({name: ["Le montant doit être supérieur à zéro."]})
    if amount != amount.quantize(CENT):
        raise ValidationError({name: ["Le montant s'exprime en euros et centimes (deux décimales au plus)."]})
    return amount.quantize(CENT)


def counted(funding_file, category, excluding=None) -> Decimal:
    """What the category's requests that are not rejected take from its approved amount."""
    requests = PaymentRequest.objects.filter(
        funding_file=funding_file, category=category, status__in=COUNTED_REQUEST_STATUSES
    )
    if excluding is not None:
        requests = requests.exclude(pk=excluding.pk)
    total = requests.aggregate(total=Sum(Coalesce("approved_amount", "amount")))["total"]
    return total if total is not None else ZERO_EUROS


def _request_errors(funding_file, request) -> dict:
    errors: dict[str, list[str]] = {}

    def fail(name, message):
        errors.setdefault(name, []).append(message)

    if request.category not in FundingCategory.values:
        fail("category", "Choisissez une catégorie : frais pédagogiques, conception ou accompagnement.")
        return errors
    category = FundingCategory(request.category)
    approved = funding_file.approved[category]
    already = counted(funding_file, category)
    if already + request.amount > approved:
        fail(
            "amount",
            f"{category.label} : {format_euros(request.amount)} demandés dépasseraient le montant accordé de "
            f"{format_euros(approved)} (déjà demandé : {format_euros(already)} ; reste : "
            f"{format_euros(max(approved - already, ZERO_EUROS))}).",
        )
    pathway = funding_file.pathway
    contract = getattr(pathway, "contract", None)
    if request.period_start and request.period_end:
        if request.period_end < request.period_start:
            fail("period_end", "La fin de la période ne peut pas précéder son début.")
        elif contract is not None and not (
            contract.start_date <= request.period_start <= request.period_end <= contract.end_date
        ):
            fail(
                "period_start" if request.period_start < contract.start_date else "period_end",
                f"La période facturée doit se situer pendant le contrat, du {contract.start_date:%d/%m/%Y} au "
                f"{contract.end_date:%d/%m/%Y}.",
            )
        abandoned = workflow.abandoned_on(pathway)
        if abandoned is not None and request.period_end > abandoned:
            fail(
                "period_end",
                f"Le parcours a été abandonné le {abandoned:%d/%m/%Y} : la période facturée ne peut pas aller au-delà.",
            )
    if request.provider_siret and request.invoice_number:
        duplicate = PaymentRequest.objects.filter(
            provider_siret=request.provider_siret, invoice_number__iexact=request.invoice_number
        )
        if duplicate.exists():
            fail(
                "invoice_number",
                f"La facture n° {request.invoice_number} de cet organisme (SIRET {request.provider_siret}) a déjà "
                "fait l'objet d'une demande de paiement.",
            )
    return errors


def _invoice_checked(invoice):
    try:
        content_type = inspect_upload(invoice)
    except ValidationError as error:
        raise ValidationError({"invoice": error.message_dict.get("file", error.messages)})
    if content_type != "application/pdf":
        raise ValidationError({"invoice": ["La facture se dépose en PDF."]})


@transaction.atomic
def payment_request_create(
    *, acting_user, funding_file, invoice, amount, realised_hours=None, **data
) -> PaymentRequest:
    """File a payment request on an approved file. The file's row is locked: two requests filed at once
    are checked one after the other, and together never exceed the category's approved amount."""
    policy.require_role(acting_user, "payment_request.create")
    funding_file = (
        FundingFile.objects.select_for_update(of=("self",)).select_related("pathway__contract").get(pk=funding_file.pk)
    )
    policy.require_visible(acting_user, funding_file, OUT_OF_SCOPE)
    policy.authorize(acting_user, "payment_request.create", funding_file)
    request = PaymentRequest(
        funding_file=funding_file,
        amount=_amount(amount, "amount"),
        realised_hours=realised_hours,
        submitted_by=acting_user,
        **{name: data[name] for name in (
            "category", "invoice_number", "invoice_date", "provider_name", "provider_siret", "period_start",
            "period_end",
        ) if name in data},
    )  # fmt: skip
    request.invoice_number = (request.invoice_number or "").strip()
    request.provider_siret = compact_siret(request.provider_siret or "")
    _invoice_checked(invoice)
    errors = _request_errors(funding_file, request)
    set_here = ["invoice", "invoice_name", "funding_file", "submitted_by"]
    try:
        # The table's constraints are checked by the database at the save below (one query, not one each).
        request.full_clean(exclude=set_here, validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        for name, messages in error.message_dict.items():
            errors.setdefault(name, []).extend(messages)
    _raise_if(errors)
    request.invoice_name = (invoice.name or "facture.pdf")[:255]
    request.invoice = invoice
    try:
        with transaction.atomic():
            request.save()
    except IntegrityError:
        if request.invoice.name:
            request.invoice.storage.delete(request.invoice.name)
        # A CHECK refused the row: its French message. Otherwise the invoice was filed meanwhile by someone
        # else (the unique constraint decides).
        request.validate_constraints(exclude=[*set_here, "provider_siret", "invoice_number"])
        raise ValidationError(
            {"invoice_number": ["Cette facture (même numéro, même organisme) a déjà fait l'objet d'une demande."]}
        )
    _notify_payment_on_commit(request)
    return request


def _locked_request(user, action, payment_request) -> PaymentRequest:
    policy.require_role(user, action)
    payment_request = (
        PaymentRequest.objects.select_for_update(of=("self",)).select_related("funding_file").get(pk=payment_request.pk)
    )
    policy.authorize(user, action, payment_request)
    policy.require_visible(user, payment_request, PAYMENT_OUT_OF_SCOPE)
    return payment_request


@transaction.atomic
def payment_request_approve(*, acting_user, payment_request, approved_amount) -> PaymentRequest:
    payment_request = _locked_request(acting_user, "payment_request.approve", payment_request)
    approved_amount = _amount(approved_amount, "approved_amount")
    if approved_amount > payment_request.amount:
        raise ValidationError(
            {
                "approved_amount": [
                    f"L'OPCO ne peut pas accepter plus que le montant demandé ({format_euros(payment_request.amount)})."
                ]
            }
        )
    payment_request.status = PaymentRequestStatus.APPROVED
    payment_request.approved_amount = approved_amount
    return _decide_request(payment_request, acting_user, "")


@transaction.atomic
def payment_request_reject(*, acting_user, payment_request, reason) -> PaymentRequest:
    _reason_required(reason, "Motivez le refus : le porteur de projet en sera informé.")
    payment_request = _locked_request(acting_user, "payment_request.reject", payment_request)
    payment_request.status = PaymentRequestStatus.REJECTED
    return _decide_request(payment_request, acting_user, reason)


def _decide_request(payment_request, acting_user, reason):
    payment_request.decision_reason = (reason or "").strip()
    payment_request.decided_at = timezone.now()
    payment_request.decided_by = acting_user
    checked_save(
        payment_request,
        fields=["status", "approved_amount", "decision_reason", "decided_at", "decided_by", "updated_at"],
        validate_unique=False,
    )
    _notify_payment_on_commit(payment_request)
    emit("payment_request.decided", payment_request)
    return payment_request


def _notify_payment_on_commit(payment_request):
    event = f"{payment_request.status}:{payment_request.updated_at.isoformat()}"
    enqueue(tasks.notify_payment, payment_request.pk, event)


# ---- payment batches --------------------------------------------------------------------------------------


@transaction.atomic
def payment_batch_create(*, acting_user, requests) -> PaymentBatch:
    """Group approved requests of the OPCO's files, not yet batched, whose payees have bank details."""
    policy.require_role(acting_user, "payment_batch.create")
    opco_id = acting_user.membership.organisation_id
    ids = sorted({request.pk for request in requests})
    if not ids:
        raise ValidationError({"requests": ["Sélectionnez au moins une demande acceptée."]})
    locked = list(
        PaymentRequest.objects.select_for_update(of=("self",))
        .filter(pk__in=ids)
        .select_related("funding_file__pathway__project_holder__organisation")
        .order_by("pk")
    )
    visible = set(PaymentRequest.objects.visible_to(acting_user).filter(pk__in=ids).values_list("pk", flat=True))
    errors = []
    for request in locked:
        name = f"facture {request.invoice_number}"
        if request.pk not in visible or request.funding_file.opco_id != opco_id:
            raise PermissionDenied(PAYMENT_OUT_OF_SCOPE)
        if request.batch_id is not None:
            errors.append(f"la {name} est déjà dans un lot")
        elif refused := policy.refusal(acting_user, "payment_request.batch", request):
            errors.append(f"la {name} {refused.reason}")
        organisation = request.funding_file.pathway.project_holder.organisation
        if not BankAccount.objects.filter(organisation=organisation).exists():
            errors.append(f"{organisation.name} n'a pas enregistré ses coordonnées bancaires ({name})")
    if len(locked) != len(ids):
        raise PermissionDenied(PAYMENT_OUT_OF_SCOPE)
    if not BankAccount.objects.filter(organisation_id=opco_id).exists():
        errors.append("votre OPCO n'a pas enregistré ses coordonnées bancaires (le compte débité)")
    if errors:
        raise ValidationError({"requests": [f"Ce lot ne peut pas être créé : {' ; '.join(dict.fromkeys(errors))}."]})
    batch = PaymentBatch.objects.create(opco_id=opco_id, created_by=acting_user)
    batch.reference = f"LOT-{timezone.localdate(batch.created_at):%Y%m%d}-{batch.pk:05d}"
    batch.save(update_fields=["reference", "updated_at"])
    for request in locked:
        # Saved one by one: each request's history records the batch it joined.
        request.batch = batch
        request.save(update_fields=["batch", "updated_at"])
    return batch


@transaction.atomic
def payment_batch_mark_paid(*, acting_user, batch, paid_on) -> PaymentBatch:
    policy.require_role(acting_user, "payment_batch.mark_paid")
    batch = PaymentBatch.objects.select_for_update().get(pk=batch.pk)
    policy.require_visible(acting_user, batch, "Ce lot de paiement n'est pas dans votre périmètre.")
    policy.authorize(acting_user, "payment_batch.mark_paid", batch)
    if paid_on is None:
        raise ValidationError({"paid_on": ["Indiquez la date du paiement."]})
    if paid_on < timezone.localdate(batch.created_at):
        raise ValidationError(
            {
                "paid_on": [
                    f"Le paiement ne peut pas précéder la création du lot ({timezone.localdate(batch.created_at):%d/%m/%Y})."
                ]
            }
        )
    if paid_on > timezone.localdate():
        raise ValidationError({"paid_on": ["La date de paiement ne peut pas être dans le futur."]})
    batch.status, batch.paid_on, batch.paid_by = PaymentBatchStatus.PAID, paid_on, acting_user
    _save(batch)
    paid = list(batch.requests.select_for_update().order_by("pk"))
    for request in paid:
        request.status = PaymentRequestStatus.PAID
        request.save(update_fields=["status", "updated_at"])
        _notify_payment_on_commit(request)
    return batch


# ---- working together: internal notes and assignment (product.md section 13) -------------------------


def funding_file_note_add(*, acting_user, funding_file, body) -> FundingFileNote:
    """An internal note on a funding file, visible only inside the author's organisation."""
    policy.require_role(acting_user, "funding_file_note.write")
    policy.require_visible(acting_user, funding_file, OUT_OF_SCOPE)
    policy.authorize(acting_user, "funding_file_note.write", funding_file)
    return FundingFileNote.objects.create(
        funding_file=funding_file,
        author=acting_user,
        organisation=acting_user.organisation,
        body=clean_body(body, "La note"),
    )


@transaction.atomic
def funding_file_assign(*, acting_user, funding_file, assignee) -> FundingFile:
    """Assign a funding file to one of the OPCO's staff (or nobody); every change is logged."""
    policy.require_role(acting_user, "funding_file.assign")
    funding_file = FundingFile.objects.select_for_update().get(pk=funding_file.pk)
    policy.require_visible(acting_user, funding_file, OUT_OF_SCOPE)
    policy.authorize(acting_user, "funding_file.assign", funding_file)
    check_assignee(acting_user, assignee, "funding_file.assign")
    previous_id = funding_file.assignee_id
    if previous_id == getattr(assignee, "pk", None):
        return funding_file
    funding_file.assignee = assignee
    funding_file.save(update_fields=["assignee", "updated_at"])
    FundingFileAssignment.objects.create(
        funding_file=funding_file, assignee=assignee, previous_id=previous_id, by=acting_user
    )
    return funding_file


@transaction.atomic
def member_deactivate_and_hand_over(*, acting_user, membership, successor=None) -> int:
    """An organisation admin deactivates a leaver and hands their work to a colleague, in one step.

    Their assigned funding files and pathways and the pathways they accompany go to `successor` (an active
    member of the same organisation; none leaves the files unassigned). All or nothing; returns the count.
    """
    require_organisation_admin(acting_user, membership.organisation)
    leaver = membership.user
    if successor is not None and (
        successor.pk == leaver.pk
        or not successor.is_active
        or getattr(successor.membership_or_none, "organisation_id", None) != membership.organisation_id
    ):
        raise ValidationError(
            {"successor": ["Choisissez un membre actif de l'organisation, autre que la personne qui part."]}
        )
    count = 0
    for funding_file in FundingFile.objects.select_for_update().filter(assignee=leaver):
        funding_file.assignee = successor
        funding_file.save(update_fields=["assignee", "updated_at"])
        FundingFileAssignment.objects.create(
            funding_file=funding_file, assignee=successor, previous_id=leaver.pk, by=acting_user
        )
        count += 1
    count += pathway_work_hand_over(acting_user=acting_user, leaver=leaver, successor=successor)
    member_deactivate(membership=membership, acting_user=acting_user)
    return count
