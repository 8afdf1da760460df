"""The status graph of a project application, stated once (product.md section 10).

Each move names its sources, its target, the roles that may take it, its guards and whether it needs a
reason. A guard is `guard(project, data) -> str | None` (the French reason it is unmet), `data` being
what the move carries (`granted_pathways`, `reason`). `pathways.policy` declares one action per move
from this table (roles, statuses); `pathways.services` takes the moves; `pathways.tasks` tells people.

Pure Python: no query is made here except through the guards, which read the project.
"""

from dataclasses import dataclass, field

from django.utils import timezone

from pathways.enums import ProjectDocumentKind, ProjectStatus
from vae_inversee.accounts.enums import Role

S = ProjectStatus
# Who moves a project: the holder submits, the Ministry decides; nobody but the daily task deems it rejected.
PLATFORM = "platform"


# ---- guards -------------------------------------------------------------------------------------------


def project_sheet_present(project, data=None):
    if not project.documents.filter(kind=ProjectDocumentKind.PROJECT_SHEET).exists():
        return "La fiche projet signée doit être déposée."
    return None


def certification_chosen(project, data=None):
    if not project.certifications.exists():
        return "Le projet doit viser au moins une certification du catalogue."
    return None


def partner_named(project, data=None):
    if not project.partners.exists():
        return "Le projet doit nommer au moins un partenaire (nom, SIRET, rôle)."
    return None


def regions_named(project, data=None):
    if not project.regions:
        return "Le projet doit indiquer au moins une région."
    return None


def _today(data):
    return (data or {}).get("today") or timezone.localdate()


def within_deadline(project, data=None):
    """No decision once the two months after the complete file have passed: silence was a refusal."""
    deadline = project.decision_deadline
    if deadline is not None and _today(data) > deadline:
        return (
            f"Le délai de décision a expiré le {deadline:%d/%m/%Y} : le silence gardé vaut refus "
            "et aucune décision n'est plus possible."
        )
    return None


def granted_within_requested(project, data=None):
    granted = (data or {}).get("granted_pathways")
    if granted is None:
        return "Indiquez le nombre de parcours accordés."
    if not 1 <= granted <= project.requested_pathways:
        return (
            f"Le nombre de parcours accordés est compris entre 1 et le nombre demandé ({project.requested_pathways})."
        )
    return None


def reason_given(project, data=None):
    if not ((data or {}).get("reason") or "").strip():
        return "Le motif est obligatoire."
    return None


def deadline_passed(project, data=None):
    deadline = project.decision_deadline
    if deadline is None or _today(data) <= deadline:
        return "Le délai de décision n'est pas expiré."
    return None


# ---- the table ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ProjectMove:
    name: str
    label: str
    sources: frozenset
    target: str
    roles: frozenset
    guards: tuple = ()
    # The field of each guard's refusal in the API ("granted_pathways", "reason"); the rest are `unmet`.
    fields: dict = field(default_factory=dict)
    # What the move writes from `data`: the decision's reason or comment, the grant.
    records_reason: bool = False
    records_grant: bool = False
    records_decision: bool = False
    # Who hears of it besides the holder: "ministry" (the Ministry's staff), "opcos" (partner employers' OPCOs).
    tells: frozenset = frozenset({"holder"})

    def unmet(self, project, data=None) -> list[str]:
        return [reason for guard in self.guards if (reason := guard(project, data))]

    def allows(self, project, data=None) -> bool:
        """From the project's status, with every guard met."""
        return project.status in self.sources and not self.unmet(project, data)

    def field_errors(self, project, data=None) -> dict:
        """The guards with a field of their own (the form's fields), as a field map."""
        errors = {}
        for guard in self.guards:
            name = self.fields.get(guard.__name__)
            if name and (reason := guard(project, data)):
                errors.setdefault(name, []).append(reason)
        return errors

    def other_unmet(self, project, data=None) -> list[str]:
        return [
            reason for guard in self.guards if guard.__name__ not in self.fields and (reason := guard(project, data))
        ]


HOLDER = frozenset({Role.PROJECT_HOLDER})
MINISTRY = frozenset({Role.MINISTRY})
MOVES = [
    ProjectMove(
        "submit", "Déposer le projet", frozenset({S.DRAFT, S.COMPLEMENTS_REQUESTED}), S.SUBMITTED, HOLDER,
        (regions_named, certification_chosen, partner_named, project_sheet_present),
        tells=frozenset({"holder", "ministry"}),
    ),
    ProjectMove(
        "request_complements", "Demander des compléments", frozenset({S.SUBMITTED}), S.COMPLEMENTS_REQUESTED,
        MINISTRY, (reason_given,), fields={"reason_given": "reason"}, records_reason=True,
    ),
    ProjectMove(
        "mark_complete", "Déclarer le dossier complet", frozenset({S.SUBMITTED}), S.COMPLETE, MINISTRY,
    ),
    ProjectMove(
        "accept", "Accepter le projet", frozenset({S.COMPLETE}), S.ACCEPTED, MINISTRY,
        (within_deadline, granted_within_requested), fields={"granted_within_requested": "granted_pathways"},
        records_reason=True, records_grant=True, records_decision=True,
        tells=frozenset({"holder", "opcos"}),
    ),
    ProjectMove(
        "reject", "Refuser le projet", frozenset({S.COMPLETE}), S.REJECTED, MINISTRY,
        (within_deadline, reason_given), fields={"reason_given": "reason"},
        records_reason=True, records_decision=True,
    ),
    # Silence for two months after the complete file is a refusal: the daily task, nobody else.
    ProjectMove(
        "deem_rejected", "Refus implicite (silence de deux mois)", frozenset({S.COMPLETE}), S.DEEMED_REJECTED,
        frozenset({PLATFORM}), (deadline_passed,), records_decision=True,
    ),
]  # fmt: skip


def named(name: str) -> ProjectMove:
    return next(move for move in MOVES if move.name == name)


def moves_from(status: str) -> list[ProjectMove]:
    return [move for move in MOVES if status in move.sources and PLATFORM not in move.roles]


# The timeline's steps, in order (the decision is one of three ends).
STEPS = [S.DRAFT, S.SUBMITTED, S.COMPLETE]
ENDINGS = {
    S.ACCEPTED: "success",
    S.REJECTED: "error",
    S.DEEMED_REJECTED: "error",
}
