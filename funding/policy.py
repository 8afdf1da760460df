"""Who may do what to a funding file, in which status (product.md sections 2 and 4), declared once.

The engine every door asks is `vae_inversee.lib.policy`; who sees which file is `funding.scopes`.
"""

from django.utils import timezone

from funding.enums import EDITABLE_STATUSES, FundingStatus, PaymentBatchStatus, PaymentRequestStatus
from pathways.enums import OPEN_PHASES
from vae_inversee.accounts.enums import Role
from vae_inversee.lib.policy import Action, declare

PROJECT_HOLDER = frozenset({Role.PROJECT_HOLDER})
OPCO = frozenset({Role.OPCO})
HOLDER_ONLY = "Seul le porteur de projet du parcours prépare et transmet le dossier de financement."
OPCO_ONLY = "Seul l'OPCO destinataire statue sur un dossier de financement."


def _status(funding_file):
    return funding_file.status


def _status_label(funding_file):
    return FundingStatus(funding_file.status).label


def _decided_meanwhile(verb):
    """The conflict of a decision: another OPCO user (or the holder) moved the file meanwhile."""

    def reason(funding_file):
        when = (
            f" (décision du {timezone.localtime(funding_file.decided_at):%d/%m/%Y à %H:%M})"
            if funding_file.decided_at
            else ""
        )
        return f"Impossible de {verb} : le dossier est désormais « {_status_label(funding_file)} »{when}. Rechargez la page."

    return reason


def _decision(name, verb) -> Action:
    return Action(
        name,
        OPCO,
        OPCO_ONLY,
        states=frozenset({FundingStatus.SUBMITTED}),
        state=_status,
        state_refusal=_decided_meanwhile(verb),
        conflict=True,
    )


declare(
    # Pages.
    Action("funding_file.prepare", PROJECT_HOLDER, HOLDER_ONLY),
    Action("funding_file.review", OPCO, OPCO_ONLY),
    Action("funding_file.list_all", frozenset({Role.MINISTRY}), "Réservé au pilotage national."),
    # The project holder's file; `funding_file.create` is asked of the pathway.
    Action(
        "funding_file.create",
        PROJECT_HOLDER,
        HOLDER_ONLY,
        states=OPEN_PHASES,
        state=lambda pathway: pathway.phase,
        state_refusal="Le parcours est clos : aucun dossier de financement ne peut être créé.",
        field="pathway",
    ),
    Action(
        "funding_file.update",
        PROJECT_HOLDER,
        HOLDER_ONLY,
        states=EDITABLE_STATUSES,
        state=_status,
        state_refusal=lambda funding_file: (
            f"Le dossier est « {_status_label(funding_file)} » : il ne peut plus être modifié."
        ),
        conflict=True,
    ),
    Action(
        "funding_file.submit",
        PROJECT_HOLDER,
        HOLDER_ONLY,
        states=EDITABLE_STATUSES,
        state=_status,
        state_refusal=lambda funding_file: f"Le dossier est déjà « {_status_label(funding_file)} ».",
        conflict=True,
    ),
    # The OPCO's decisions, on a submitted file only.
    _decision("funding_file.approve", "accorder le financement"),
    _decision("funding_file.reject", "refuser le dossier"),
    _decision("funding_file.request_changes", "demander des compléments"),
    # Working together (section 13): internal notes, and the OPCO's assignment of a file to one of its staff.
    Action(
        "funding_file_note.write",
        frozenset({Role.PROJECT_HOLDER, Role.COMPANION, Role.OPCO, Role.CERTIFIER}),
        "Votre rôle ne permet pas d'écrire de notes internes.",
        field="body",
    ),
    Action(
        "funding_file.assign",
        OPCO,
        "Seul le personnel de l'OPCO destinataire assigne un dossier à l'un·e des siens.",
        field="assignee",
    ),
)


# ---- payments (product.md section 12) ------------------------------------------------------------------

PAYMENT_HOLDER_ONLY = "Seul le porteur de projet du parcours dépose les demandes de paiement."
PAYMENT_OPCO_ONLY = "Seul l'OPCO du dossier statue sur les demandes de paiement et les paie."


def _request_decided_meanwhile(verb):
    def reason(payment_request):
        when = (
            f" (décision du {timezone.localtime(payment_request.decided_at):%d/%m/%Y à %H:%M})"
            if payment_request.decided_at
            else ""
        )
        label = PaymentRequestStatus(payment_request.status).label.lower()
        return f"Impossible de {verb} : la demande est désormais « {label} »{when}. Rechargez la page."

    return reason


def _request_decision(name, verb) -> Action:
    return Action(
        name,
        OPCO,
        PAYMENT_OPCO_ONLY,
        states=frozenset({PaymentRequestStatus.SUBMITTED}),
        state=_status,
        state_refusal=_request_decided_meanwhile(verb),
        conflict=True,
    )


declare(
    Action("payment_request.file", PROJECT_HOLDER, PAYMENT_HOLDER_ONLY),
    # Asked of the funding file: requests are filed on an approved file only.
    Action(
        "payment_request.create",
        PROJECT_HOLDER,
        PAYMENT_HOLDER_ONLY,
        states=frozenset({FundingStatus.APPROVED}),
        state=_status,
        state_refusal=lambda funding_file: (
            f"Le dossier est « {_status_label(funding_file)} » : une demande de paiement porte sur un dossier accordé."
        ),
        field="funding_file",
    ),
    Action("payment_request.review", OPCO, PAYMENT_OPCO_ONLY),
    _request_decision("payment_request.approve", "accepter la demande"),
    _request_decision("payment_request.reject", "refuser la demande"),
    Action("payment_batch.create", OPCO, PAYMENT_OPCO_ONLY),
    # Asked of each request a batch would pay: accepted ones only (the reason completes "la facture …").
    Action(
        "payment_request.batch",
        OPCO,
        PAYMENT_OPCO_ONLY,
        states=frozenset({PaymentRequestStatus.APPROVED}),
        state=_status,
        state_refusal=lambda payment_request: (
            f"est « {PaymentRequestStatus(payment_request.status).label.lower()} », pas acceptée"
        ),
    ),
    Action("payment_batch.export", OPCO, PAYMENT_OPCO_ONLY),
    Action(
        "payment_batch.mark_paid",
        OPCO,
        PAYMENT_OPCO_ONLY,
        states=frozenset({PaymentBatchStatus.CREATED}),
        state=_status,
        state_refusal=lambda batch: f"Le lot est déjà payé (le {batch.paid_on:%d/%m/%Y}).",
        conflict=True,
    ),
    # Each organisation's staff enters its bank details (issue 13 will keep it to its admins).
    Action(
        "bank_account.edit",
        frozenset({Role.PROJECT_HOLDER, Role.OPCO}),
        "Seuls un porteur de projet et un OPCO enregistrent des coordonnées bancaires.",
    ),
)
