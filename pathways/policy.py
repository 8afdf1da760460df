"""Who may do what to a pathway besides changing its phase (product.md section 2), declared once.

The phase changes are `pathways.workflow`; who sees what is `pathways.scopes`; the engine every door
asks is `vae_inversee.lib.policy`.
"""

from pathways import projects_workflow
from pathways.enums import (
    OPEN_PHASES,
    PLAN_PHASES,
    PROJECT_EDITABLE_STATUSES,
    REALISED_PHASES,
    PathwayPhase,
    ProjectStatus,
)
from pathways.workflow import renewals
from vae_inversee.accounts.enums import MEMBER_ROLES, Role
from vae_inversee.lib.policy import PLATFORM_ADMIN, Action, Condition, declare

P = PathwayPhase
# Every member role: the candidate has their own page (`candidate_portal.view`), never the staff's pages.
ALL_ROLES = MEMBER_ROLES
PROJECT_HOLDER = frozenset({Role.PROJECT_HOLDER})
HOLDER_STAFF_ONLY = "Seul le personnel d'un porteur de projet peut enregistrer ou modifier ces données."
PAGE_REFUSED = "Votre rôle ne donne pas accès à cette page."
# The roles that work on pathways (the Ministry only reads).
WORKING_ROLES = frozenset({Role.PROJECT_HOLDER, Role.COMPANION, Role.OPCO, Role.CERTIFIER})
NOTES_REFUSED = "Votre rôle ne permet pas d'écrire de notes internes."


# ---- actions ---------------------------------------------------------------------------------------


def _phase(pathway):
    return pathway.phase


def _in_phases(subject, phases):
    """The usual refusal: "<subject> n'est possible qu'en phase : … (phase actuelle : …)."."""
    labels = ", ".join(P(phase).label.lower() for phase in sorted(phases, key=list(P).index))

    def reason(pathway):
        return f"{subject} n'est possible qu'en phase : {labels} (phase actuelle : {P(pathway.phase).label.lower()})."

    return reason


def phase_action(name, roles, role_refusal, phases=None, state_refusal=None, subject="", **kwargs) -> Action:
    """An action on a pathway, allowed in `phases` (None: any)."""
    phases = frozenset(phases) if phases is not None else None
    return Action(
        name=name,
        roles=frozenset(roles),
        role_refusal=role_refusal,
        states=phases,
        state=_phase if phases is not None else None,
        state_refusal=state_refusal or (_in_phases(subject, phases) if phases is not None else ""),
        **kwargs,
    )


def renewed(pathway):
    """The contract extends only after a renewal (a failed jury sent the pathway back to delivery)."""
    if not renewals(pathway):
        return "Le contrat ne se prolonge qu'après un renouvellement décidé à la suite du jury."
    return None


def _document_phase(document):
    return document.pathway.phase


def still_in_its_phase(document):
    """A piece is withdrawn only before the phase moves on (then it is part of what was decided)."""
    if document.withdrawn_at is not None:
        return "Cette pièce a déjà été retirée."
    if document.pathway.phase_changed_at > document.uploaded_at:
        return "Le parcours a changé de phase depuis le dépôt de cette pièce : elle reste au dossier."
    return None


def not_anonymised(candidate):
    """Nothing personal is left to export once the retention period has passed (evaluation.anonymisation)."""
    if candidate.anonymised_at:
        return "Les données personnelles de ce candidat ont été anonymisées : il n'y a plus rien à exporter."
    return None


def invitable(candidate):
    """A candidate is invited once they have an e-mail address, until they have chosen their password."""
    if candidate.anonymised_at:
        return "Les données de ce candidat ont été anonymisées : il ne peut plus être invité."
    if not (candidate.email or "").strip():
        return "Renseignez d'abord l'adresse électronique du candidat : l'invitation lui est envoyée par courriel."
    if candidate.activated_at:
        return "Le candidat a déjà activé son compte : il se connecte avec son adresse et son mot de passe."
    return None


CONTRACT_PHASES = frozenset({P.POSITIONING, P.SUPPORT, P.ADMISSIBILITY})
JURY_DATE_PHASES = frozenset({P.ADMISSIBILITY, P.DELIVERY, P.EVALUATION})

declare(
    # Pages and lists.
    phase_action("pathway.view", ALL_ROLES, PAGE_REFUSED),
    phase_action("pathway.holder_queue", PROJECT_HOLDER, PAGE_REFUSED),
    phase_action("pathway.companion_queue", {Role.COMPANION}, PAGE_REFUSED),
    phase_action("pathway.certifier_queue", {Role.CERTIFIER}, PAGE_REFUSED),
    phase_action(
        "pathway.work_on",
        {Role.PROJECT_HOLDER, Role.COMPANION, Role.CERTIFIER},
        "Consultation seule : votre rôle ne permet pas d'agir sur ce parcours.",
    ),
    # The project holder's records.
    phase_action("candidate.manage", PROJECT_HOLDER, HOLDER_STAFF_ONLY),
    # A right-of-access request (RGPD art. 15): the project holder answers it with the candidate's data.
    phase_action(
        "candidate.export",
        PROJECT_HOLDER,
        "Seul le porteur de projet du candidat exporte ses données personnelles.",
        conditions=(Condition(not_anonymised),),
    ),
    # The candidate's own account (« Mon parcours »): an e-mailed link valid 7 days (pathways.candidate_access).
    Action(
        "candidate.invite",
        PROJECT_HOLDER,
        "Seul le porteur de projet du candidat l'invite à suivre son parcours en ligne.",
        conditions=(Condition(invitable),),
        field="email",
    ),
    phase_action("employer.manage", PROJECT_HOLDER, HOLDER_STAFF_ONLY),
    # The admin site corrects an employer's record (its OPCO follows the IDCC).
    phase_action("employer.correct", {PLATFORM_ADMIN}, "Réservé aux administrateurs de la plateforme."),
    phase_action("pathway.create", PROJECT_HOLDER, HOLDER_STAFF_ONLY),
    phase_action(
        "pathway.update",
        PROJECT_HOLDER,
        HOLDER_STAFF_ONLY,
        OPEN_PHASES,
        state_refusal="Un parcours terminé ou abandonné ne peut plus être modifié.",
    ),
    # The candidate, employer, certification and blocks are chosen during positioning, then locked.
    phase_action(
        "pathway.retarget",
        PROJECT_HOLDER,
        HOLDER_STAFF_ONLY,
        {P.POSITIONING},
        state_refusal="Ne peut plus être modifié après la phase de positionnement.",
    ),
    # Only the companion moves support and delivery on: without one the pathway would be stranded.
    phase_action(
        "pathway.unassign_companion",
        PROJECT_HOLDER,
        HOLDER_STAFF_ONLY,
        {P.POSITIONING},
        state_refusal="Un accompagnateur est indispensable après la phase de positionnement.",
        field="companion",
    ),
    # Asked of the person named companion of a pathway.
    phase_action(
        "pathway.accompany",
        {Role.COMPANION},
        "La personne désignée n'est pas accompagnateur ou accompagnatrice sur la plateforme.",
    ),
    phase_action(
        "contract.save",
        PROJECT_HOLDER,
        HOLDER_STAFF_ONLY,
        CONTRACT_PHASES,
        state_refusal="Le contrat ne peut plus être modifié une fois la mise en œuvre commencée.",
    ),
    phase_action(
        "contract.renew",
        PROJECT_HOLDER,
        HOLDER_STAFF_ONLY,
        {P.DELIVERY},
        state_refusal="Le contrat ne se prolonge qu'après un renouvellement décidé à la suite du jury.",
        field="end_date",
        conditions=(Condition(renewed),),
    ),
    # The candidate sends what they are asked for from « Mon parcours » (product.md section 2); the pieces the
    # phases require are the staff's to file (document.kind_choose).
    phase_action(
        "document.add",
        {Role.PROJECT_HOLDER, Role.COMPANION, Role.CANDIDATE},
        "Seuls le porteur de projet, l'accompagnateur et le candidat déposent des pièces.",
        OPEN_PHASES,
        state_refusal="Le parcours est clos : aucune pièce ne peut plus être déposée.",
        field="file",
    ),
    Action(
        name="document.kind_choose",
        roles=frozenset({Role.PROJECT_HOLDER, Role.COMPANION}),
        role_refusal=(
            "Votre document est déposé comme « Autre pièce » : le porteur de projet ou l'accompagnateur le "
            "classe ensuite parmi les pièces du parcours."
        ),
        field="kind",
    ),
    # The pedagogical plan (section 11): the holder writes it, the companion records the hours realised.
    phase_action(
        "plan_action.write",
        PROJECT_HOLDER,
        "Seul le porteur de projet du parcours rédige le plan pédagogique.",
        PLAN_PHASES,
        subject="La modification du plan pédagogique",
    ),
    phase_action(
        "plan_action.realise",
        {Role.COMPANION},
        "Seul l'accompagnateur enregistre les heures réalisées.",
        REALISED_PHASES,
        subject="L'enregistrement des heures réalisées",
        field="realised_hours",
    ),
    Action(
        name="document.withdraw",
        roles=frozenset({Role.PROJECT_HOLDER, Role.COMPANION}),
        role_refusal="Seuls le porteur de projet et l'accompagnateur retirent des pièces.",
        states=frozenset(OPEN_PHASES),
        state=_document_phase,
        state_refusal="Le parcours est clos : ses pièces restent au dossier.",
        conflict=True,
        conditions=(Condition(still_in_its_phase, conflict=True),),
    ),
    # Decisions on the pathway.
    phase_action(
        "support_opinion.record",
        {Role.COMPANION},
        "Seul l'accompagnateur rend l'avis d'accompagnement.",
        {P.SUPPORT},
        subject="L'avis d'accompagnement",
    ),
    phase_action(
        "admissibility.record",
        {Role.CERTIFIER},
        "Seul le certificateur décide de la recevabilité.",
        {P.ADMISSIBILITY},
        subject="La décision de recevabilité",
    ),
    # Working together (section 13): the thread, the internal notes, the certifier's assignment.
    phase_action("message.read", ALL_ROLES, PAGE_REFUSED),
    phase_action(
        "message.write",
        # The candidate writes from their own page (vae_inversee.www.candidate), never from the staff's.
        WORKING_ROLES | {Role.CANDIDATE},
        "Consultation seule : votre rôle ne permet pas d'écrire dans le fil des messages.",
        field="body",
    ),
    phase_action("pathway_note.write", WORKING_ROLES, NOTES_REFUSED, field="body"),
    phase_action(
        "pathway.assign",
        {Role.CERTIFIER},
        "Seul le personnel du certificateur assigne un parcours à l'un·e des siens.",
        field="assignee",
    ),
    phase_action(
        "jury_session.set",
        {Role.CERTIFIER},
        "Seul le certificateur fixe la date du jury.",
        JURY_DATE_PHASES,
        subject="La date de jury",
    ),
)


# ---- projects (product.md section 10): one action per move of pathways.projects_workflow ----------------

PROJECT_HOLDER_ONLY = "Seul le porteur de projet prépare et dépose ses projets."
MINISTRY_ONLY = "Seul le pilotage national (DGEFP) instruit et décide des projets."


def _project_status(project):
    return project.status


def _project_status_label(project):
    return ProjectStatus(project.status).label.lower()


def _project_state_refusal(project, move) -> str:
    if project.status == ProjectStatus.DEEMED_REJECTED:
        return (
            f"Le délai de décision a expiré le {project.decision_deadline:%d/%m/%Y} : le silence gardé vaut refus, "
            "aucune décision n'est plus possible sur ce projet."
        )
    return f"« {move.label} » n'est pas possible : le projet est « {_project_status_label(project)} »."


def _project_move_action(move) -> Action:
    """The move's roles and source statuses; another status is a conflict (someone moved it meanwhile)."""
    return Action(
        name=f"project.{move.name}",
        roles=frozenset(move.roles),
        role_refusal=PROJECT_HOLDER_ONLY if Role.PROJECT_HOLDER in move.roles else MINISTRY_ONLY,
        states=move.sources,
        state=_project_status,
        state_refusal=lambda project, move=move: _project_state_refusal(project, move),
        conflict=True,
    )


declare(
    # Pages: the holder's projects, the Ministry's queue.
    Action("project.view", frozenset({Role.PROJECT_HOLDER, Role.MINISTRY}), PAGE_REFUSED),
    Action("project.holder_list", PROJECT_HOLDER, PAGE_REFUSED),
    Action("project.review", frozenset({Role.MINISTRY}), MINISTRY_ONLY),
    Action("project.create", PROJECT_HOLDER, PROJECT_HOLDER_ONLY),
    Action(
        "project.update",
        PROJECT_HOLDER,
        PROJECT_HOLDER_ONLY,
        states=PROJECT_EDITABLE_STATUSES,
        state=_project_status,
        state_refusal=lambda project: (
            f"Le projet est « {_project_status_label(project)} » : il ne peut plus être modifié."
        ),
        conflict=True,
    ),
    Action(
        "project.document_add",
        PROJECT_HOLDER,
        PROJECT_HOLDER_ONLY,
        states=PROJECT_EDITABLE_STATUSES,
        state=_project_status,
        state_refusal=lambda project: (
            f"Le projet est « {_project_status_label(project)} » : aucune pièce ne peut plus être déposée."
        ),
        field="file",
    ),
    # A pathway opens in an accepted project only.
    Action(
        "pathway.open_in_project",
        PROJECT_HOLDER,
        HOLDER_STAFF_ONLY,
        states=frozenset({ProjectStatus.ACCEPTED}),
        state=_project_status,
        state_refusal=lambda project: (
            f"Le projet {project.reference} est « {_project_status_label(project)} » : seul un projet accepté "
            "peut ouvrir des parcours."
        ),
        field="project",
    ),
    *(_project_move_action(move) for move in projects_workflow.MOVES if projects_workflow.PLATFORM not in move.roles),
)
