"""Who may do what to a funding file, in which status (product.md sections 2 and 4), declared once.

The engine every door asks is `vae_inversee.lib.policy`; who sees which file is `funding.scopes`.
"""

from django.utils import timezone

from funding.enums import EDITABLE_STATUSES, FundingStatus
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
)
