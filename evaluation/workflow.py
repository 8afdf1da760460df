"""The guards evaluation adds to the pathway workflow (registered by EvaluationConfig.ready)."""

from evaluation.enums import FAILED_OUTCOMES
from pathways.enums import PathwayPhase
from pathways.workflow import renewals


def current_attempt(pathway) -> int:
    """The jury attempt under way: 1, then 2 after the renewal."""
    return 1 + renewals(pathway)


def progress_recorded_in_delivery(pathway, comment=""):
    if not pathway.assessments.filter(phase=PathwayPhase.DELIVERY).exists():
        return "L'accompagnateur n'a enregistré aucune progression pendant la mise en œuvre."
    return None


def jury_date_after_last_jury(pathway, comment=""):
    last = pathway.juries.order_by("-attempt").first()
    if last and pathway.jury_session_date and pathway.jury_session_date <= last.session_date:
        return (
            f"Après le renouvellement, fixez une nouvelle session de jury (la précédente a eu lieu le "
            f"{last.session_date:%d/%m/%Y})."
        )
    return None


def jury_result_recorded(pathway, comment=""):
    if not pathway.juries.filter(attempt=current_attempt(pathway)).exists():
        return "Le résultat du jury n'est pas encore enregistré."
    return None


def renewal_allowed(pathway, comment=""):
    last = pathway.juries.filter(attempt=current_attempt(pathway)).first()
    if last is None:
        return "Le résultat du jury doit être enregistré avant un renouvellement."
    if last.outcome not in FAILED_OUTCOMES:
        return "La certification a été entièrement validée : pas de renouvellement."
    if renewals(pathway) >= 1:
        return "Le contrat a déjà été renouvelé une fois : un seul renouvellement est possible."
    return None
