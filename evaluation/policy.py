"""Who may record progress and jury results, in which phase (product.md sections 2, 3 and 8), and who
reads the indicators; declared once, asked through vae_inversee.lib.policy."""

from evaluation.workflow import current_attempt
from pathways.enums import CLOSED_PHASES, PathwayPhase
from pathways.policy import PAGE_REFUSED, phase_action
from vae_inversee.accounts.enums import MEMBER_ROLES, Role
from vae_inversee.lib.policy import Condition, declare

P = PathwayPhase


def attempt_not_recorded(pathway):
    """Two certifier staff at once: the second finds the result recorded (a conflict, not a mistake)."""
    if pathway.juries.filter(attempt=current_attempt(pathway)).exists():
        return "Le résultat de ce passage devant le jury est déjà enregistré."
    return None


declare(
    phase_action(
        "assessment.record",
        {Role.COMPANION},
        "Seul l'accompagnateur enregistre la progression du candidat.",
        {P.POSITIONING, P.DELIVERY},
        state_refusal="La progression se relève au positionnement (diagnostic) et pendant la mise en œuvre.",
    ),
    phase_action(
        "jury.record",
        {Role.CERTIFIER},
        "Seul le certificateur enregistre le résultat du jury.",
        {P.EVALUATION},
        state_refusal="Le résultat du jury s'enregistre en phase d'évaluation.",
        conditions=(Condition(attempt_not_recorded, conflict=True),),
    ),
    # The jury sessions' pages (evaluation.sessions): plan a date for several pathways, record their results.
    phase_action("jury_session.bulk", {Role.CERTIFIER}, PAGE_REFUSED),
    # The pathway page's jury section, once the pathway heads for a jury (and after it).
    phase_action(
        "jury.view",
        MEMBER_ROLES,
        PAGE_REFUSED,
        {P.DELIVERY, P.EVALUATION, P.COMPLETED},
        state_refusal="Le jury n'est pas encore en vue.",
    ),
    phase_action("indicators.view", {Role.MINISTRY, Role.PROJECT_HOLDER, Role.OPCO}, PAGE_REFUSED),
    phase_action("indicators.dashboard", {Role.PROJECT_HOLDER, Role.OPCO}, PAGE_REFUSED),
    phase_action("steering.home", {Role.MINISTRY}, PAGE_REFUSED),
    # The browsable lists of the national steering: every pathway (Ministry), those of its scope (OPCO).
    phase_action("steering.pathways", {Role.MINISTRY}, PAGE_REFUSED),
    phase_action("steering.opco_pathways", {Role.OPCO}, PAGE_REFUSED),
    # The person's situation once the pathway has ended (product.md section 8).
    phase_action(
        "outcome.record",
        {Role.PROJECT_HOLDER},
        "Seul le porteur de projet enregistre la situation de la personne à l'issue du parcours.",
        CLOSED_PHASES,
        state_refusal="La situation de la personne s'enregistre une fois le parcours terminé ou abandonné.",
        field="at",
    ),
)
