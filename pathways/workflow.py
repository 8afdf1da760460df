"""The phase graph of a pathway, stated once (product.md section 3).

Each transition names its sources, its target, the roles that may take it and its guards. A guard
is a function `guard(pathway, comment) -> str | None` returning the French reason it is unmet.
Another app adds a guard with one line, e.g. from its AppConfig.ready():

    workflow.add_guard(PathwayPhase.DELIVERY, funding_file_approved)

Pure Python: no query is made here except through the guards, which read the pathway.
"""

from dataclasses import dataclass, field

from django.utils import timezone

from pathways.contracts import check_contract
from pathways.enums import OPEN_PHASES, AdmissibilityDecision, DocumentKind, PathwayPhase
from pathways.plan import plan_covers_target_blocks, plan_has_theory
from vae_inversee.accounts.enums import Role

# ---- guards: each returns None when met, or the reason it is not -------------------------------


def candidate_employer_certification_set(pathway, comment=""):
    if not (pathway.candidate_id and pathway.employer_id and pathway.certification_id):
        return "Le candidat, l'employeur et la certification visée doivent être renseignés."
    return None


def target_blocks_chosen(pathway, comment=""):
    # A certification with skill blocks needs the targeted blocks chosen (all of them for a full target).
    if pathway.certification_id and pathway.certification.skill_blocks.exists():
        if not pathway.target_blocks.exists():
            return "Les blocs de compétences visés doivent être choisis."
    return None


def _document_present(kind):
    def guard(pathway, comment=""):
        if not pathway.documents.current().filter(kind=kind).exists():
            return f"La pièce « {DocumentKind(kind).label} » doit être déposée."
        return None

    guard.__name__ = f"document_present_{kind}"
    return guard


feasibility_study_present = _document_present(DocumentKind.FEASIBILITY_STUDY)
skills_diagnosis_present = _document_present(DocumentKind.SKILLS_DIAGNOSIS)


def companion_assigned(pathway, comment=""):
    if not pathway.companion_id:
        return "Un accompagnateur doit être désigné pour le parcours."
    return None


def support_opinion_favourable(pathway, comment=""):
    opinion = getattr(pathway, "support_opinion", None)
    if opinion is None:
        return (
            "L'accompagnateur n'a pas encore rendu son avis (adéquation poste ↔ certification et parcours pédagogique)."
        )
    reasons = []
    if not opinion.job_match:
        reasons.append("l'adéquation du poste à la certification")
    if not opinion.pedagogical_path:
        reasons.append("le parcours pédagogique")
    if reasons:
        return "L'avis de l'accompagnateur n'est pas favorable sur " + " et ".join(reasons) + "."
    return None


def certifier_admissible(pathway, comment=""):
    decision = getattr(pathway, "admissibility", None)
    if decision is None:
        return "Le certificateur n'a pas encore rendu sa décision de recevabilité."
    if decision.decision != AdmissibilityDecision.ADMISSIBLE:
        return "Le certificateur a déclaré le dossier non recevable."
    return None


def contract_recorded_and_valid(pathway, comment=""):
    contract = getattr(pathway, "contract", None)
    if contract is None:
        return "Le contrat de professionnalisation doit être enregistré."
    errors = check_contract(pathway=pathway, contract=contract)
    if errors:
        details = " ; ".join(message for messages in errors.values() for message in messages)
        return f"Le contrat de professionnalisation n'est pas valide : {details}"
    return None


def contract_started(pathway, comment=""):
    contract = getattr(pathway, "contract", None)
    if contract is None or contract.start_date > timezone.localdate():
        start = f" (début prévu le {contract.start_date:%d/%m/%Y})" if contract else ""
        return f"Le contrat de professionnalisation n'a pas encore commencé{start}."
    return None


def jury_session_set(pathway, comment=""):
    if not pathway.jury_session_date:
        return "Le certificateur n'a pas encore fixé la date de la session de jury."
    return None


def reason_given(pathway, comment=""):
    if not (comment or "").strip():
        return "Le motif de l'abandon est obligatoire."
    return None


# ---- the table -----------------------------------------------------------------------------------


@dataclass
class Transition:
    name: str
    label: str
    sources: frozenset
    target: str
    roles: frozenset
    guards: list = field(default_factory=list)
    # The comment is the reason the pathway ends, kept on it (abandon).
    records_reason: bool = False
    # Who is told, besides the project holder and the companion: "opco", "certifier".
    tells: frozenset = frozenset()

    def unmet(self, pathway, comment="") -> list[str]:
        """Every unmet condition, in the table's order."""
        return [reason for guard in self.guards if (reason := guard(pathway, comment))]


P = PathwayPhase
TRANSITIONS = [
    Transition(
        "start_support", "Passer en accompagnement", frozenset({P.POSITIONING}), P.SUPPORT,
        frozenset({Role.PROJECT_HOLDER}),
        [candidate_employer_certification_set, target_blocks_chosen, feasibility_study_present,
         skills_diagnosis_present, companion_assigned],
    ),
    Transition(
        "request_admissibility", "Passer en recevabilité", frozenset({P.SUPPORT}), P.ADMISSIBILITY,
        frozenset({Role.COMPANION}),
        [support_opinion_favourable, plan_has_theory, plan_covers_target_blocks],
        tells=frozenset({"opco", "certifier"}),
    ),
    Transition(
        "start_delivery", "Passer en mise en œuvre", frozenset({P.ADMISSIBILITY}), P.DELIVERY,
        frozenset({Role.PROJECT_HOLDER}),
        [certifier_admissible, contract_recorded_and_valid], tells=frozenset({"opco"}),
    ),
    Transition(
        "start_evaluation", "Passer en évaluation", frozenset({P.DELIVERY}), P.EVALUATION,
        frozenset({Role.COMPANION}),
        [contract_started, jury_session_set], tells=frozenset({"certifier"}),
    ),
    Transition(
        "complete", "Clore le parcours", frozenset({P.EVALUATION}), P.COMPLETED,
        frozenset({Role.CERTIFIER}),
        [], tells=frozenset({"certifier"}),
    ),
    # After a failed jury, one renewal of the contract for a new attempt (L6325-7); guards from evaluation.
    Transition(
        "renew", "Renouveler le contrat pour un nouveau passage", frozenset({P.EVALUATION}), P.DELIVERY,
        frozenset({Role.PROJECT_HOLDER}),
        [], tells=frozenset({"opco"}),
    ),
    Transition(
        "abandon", "Déclarer un abandon", frozenset(OPEN_PHASES), P.ABANDONED,
        frozenset({Role.PROJECT_HOLDER, Role.COMPANION}),
        [reason_given], records_reason=True,
    ),
]  # fmt: skip
RENEW = "renew"
# Roles that take at least one transition: the others are refused before anything is read.
MOVING_ROLES = frozenset().union(*(transition.roles for transition in TRANSITIONS))
MOVING_REFUSAL = "Votre rôle ne permet pas de changer la phase d'un parcours."


def named(name: str) -> Transition | None:
    return next((transition for transition in TRANSITIONS if transition.name == name), None)


def find(source: str, target: str) -> Transition | None:
    for transition in TRANSITIONS:
        if source in transition.sources and transition.target == target:
            return transition
    return None


def add_guard(target: str, guard, *, source: str | None = None) -> None:
    """Register a guard on the transition(s) into `target` (used by funding and evaluation)."""
    for transition in TRANSITIONS:
        if transition.target == target and (source is None or source in transition.sources):
            if guard not in transition.guards:
                transition.guards.append(guard)


@dataclass
class Move:
    """A transition as seen by one user on one pathway, for the pathway page and the API."""

    transition: Transition
    allowed_role: bool
    unmet: list[str]

    @property
    def possible(self) -> bool:
        return self.allowed_role and not self.unmet


def _moves_out(pathway):
    return [t for t in TRANSITIONS if pathway.phase in t.sources and t.target != P.ABANDONED]


def unmet_by_target(pathway) -> dict[str, list[str]]:
    """What each transition out of the pathway's phase (abandon excluded) still misses, by target phase:
    the part of `moves_for` read from the data (the same for every user), which the doors may keep."""
    return {transition.target: transition.unmet(pathway) for transition in _moves_out(pathway)}


def moves_for(pathway, user, unmet=None) -> list[Move]:
    """The transitions out of the pathway's phase (abandon excluded), with what is missing (`unmet`: as
    `unmet_by_target` answered it, computed here when not given)."""
    unmet = unmet_by_target(pathway) if unmet is None else unmet
    return [Move(t, user.role in t.roles, unmet[t.target]) for t in _moves_out(pathway)]


def can_abandon(pathway, user) -> bool:
    transition = find(pathway.phase, P.ABANDONED)
    return bool(transition and user.role in transition.roles)


def may_move(user) -> bool:
    """Whether the user's role takes any transition at all (the API answers 403 before reading the body)."""
    return getattr(user, "role", None) in MOVING_ROLES


def role_refusal(transition, user) -> str | None:
    if user.role not in transition.roles:
        return f"Votre rôle ne permet pas l'action « {transition.label} »."
    return None


def renewals(pathway) -> int:
    """How many times the contract was renewed after a failed jury (read from the transition log).

    Reads `pathway.transitions.all()`: the pathway page prefetches the log, and this costs no query there.
    """
    return sum(1 for log in pathway.transitions.all() if log.name == RENEW)


# The five working phases shown by the stepper (completed is the end of the road, not a step).
STEPS = [P.POSITIONING, P.SUPPORT, P.ADMISSIBILITY, P.DELIVERY, P.EVALUATION]
CLOSURES = {
    P.COMPLETED: {"ended": "terminé", "level": "success"},
    P.ABANDONED: {"ended": "abandonné", "level": "warning"},
}


def stepper(pathway) -> dict:
    """Where the pathway stands among the five phases: steps, current step (1-based, None once ended), next."""
    step = STEPS.index(pathway.phase) + 1 if pathway.phase in STEPS else None
    return {
        "steps": [{"label": P(value).label, "current": value == pathway.phase} for value in STEPS],
        "step": step,
        "step_count": len(STEPS),
        "next_step": P(STEPS[step]).label if step and step < len(STEPS) else None,
    }


def abandoned_on(pathway):
    """The day the pathway was abandoned, None while it is not (payments may not run past it)."""
    if pathway.phase != P.ABANDONED:
        return None
    return timezone.localdate(pathway.phase_changed_at)


def closure(pathway) -> dict | None:
    """How the pathway ended (the page's closing banner: "ended", "level"), None while it is open."""
    return CLOSURES.get(pathway.phase)


# ---- the candidate's own page (« Mon parcours »): each phase in plain words ---------------------------------

# {phase: (what the phase is, what the candidate does, what the others do)}.
CANDIDATE_GUIDE = {
    P.POSITIONING: (
        "Nous faisons le point sur votre projet et sur ce que vous savez déjà faire.",
        "Répondez aux questions de la structure qui vous suit et préparez vos justificatifs.",
        "La structure qui porte votre parcours prépare votre contrat avec votre employeur.",
    ),
    P.SUPPORT: (
        "Une personne vous accompagne pour préparer votre dossier.",
        "Participez aux rendez-vous avec votre accompagnateur ou accompagnatrice.",
        "Votre accompagnateur ou accompagnatrice donne son avis sur la suite du parcours.",
    ),
    P.ADMISSIBILITY: (
        "Le certificateur vérifie que votre dossier peut être accepté (on dit « recevable »).",
        "Vous n'avez rien à faire pour l'instant. Vous recevrez un message dès la décision.",
        "Le certificateur étudie votre dossier.",
    ),
    P.DELIVERY: (
        "Vous suivez votre formation et vous travaillez chez votre employeur.",
        "Suivez les actions de votre plan de formation, ci-dessous.",
        "Votre accompagnateur ou accompagnatrice note vos progrès, bloc par bloc.",
    ),
    P.EVALUATION: (
        "Vous présentez ce que vous avez appris devant un jury.",
        "Préparez votre passage devant le jury à la date indiquée.",
        "Le certificateur organise le jury et enregistre son résultat.",
    ),
    P.COMPLETED: (
        "Votre parcours est terminé.",
        "Vous pouvez télécharger vos documents ci-dessous et les garder.",
        "",
    ),
    P.ABANDONED: (
        "Votre parcours s'est arrêté.",
        "Pour toute question, écrivez un message à la structure qui vous suivait.",
        "",
    ),
}


def candidate_guide(pathway) -> dict:
    """The candidate's page: where they are (step n of 5), what it means, what they do, what others do."""
    about, you, others = CANDIDATE_GUIDE[P(pathway.phase)]
    return {"phase_label": P(pathway.phase).label, "about": about, "you_do": you, "others_do": others}
