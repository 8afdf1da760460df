"""The pathway page, rendered by every action on it: pathways' own views, and those of the apps that add
a section to it (evaluation's progress and jury forms). Not a view: a function the views share."""

from django.shortcuts import render

from pathways import selectors, workflow
from pathways.enums import OPEN_PHASES, PHASE_ORDER, PathwayPhase
from pathways.forms import (
    AbandonForm,
    AdmissibilityForm,
    ContractRenewalForm,
    DocumentForm,
    JurySessionForm,
    SupportOpinionForm,
)
from vae_inversee.accounts.enums import Role

CONTRACT_PHASES = (PathwayPhase.POSITIONING, PathwayPhase.SUPPORT, PathwayPhase.ADMISSIBILITY)
JURY_PHASES = (PathwayPhase.ADMISSIBILITY, PathwayPhase.DELIVERY, PathwayPhase.EVALUATION)
# The five working phases shown by the stepper (completed is the end of the road, not a step).
STEPS = PHASE_ORDER[:-1]


def _renewed(transitions) -> bool:
    """A renewal is the move evaluation → delivery (after a failed jury); read from the loaded log."""
    return any(t.from_phase == PathwayPhase.EVALUATION and t.to_phase == PathwayPhase.DELIVERY for t in transitions)


def render_pathway_page(request, pathway, *, forms=None, refused=None, status=200):
    """The pathway page; `forms` replaces blank forms by bound ones (after a validation error).

    Forms of other apps' sections (e.g. "assessment_form") are passed through to the template, whose
    tags use them instead of a blank form.
    """
    user, phase = request.user, pathway.phase
    role = user.role
    forms = forms or {}
    related = selectors.pathway_page_related(pathway)
    blank = {}
    if role in (Role.PROJECT_HOLDER, Role.COMPANION) and phase in OPEN_PHASES:
        blank["document_form"] = DocumentForm
    if workflow.can_abandon(pathway, user):
        blank["abandon_form"] = AbandonForm
    if role == Role.COMPANION and phase == PathwayPhase.SUPPORT:
        opinion = getattr(pathway, "support_opinion", None)
        blank["opinion_form"] = lambda: SupportOpinionForm(initial=SupportOpinionForm.initial_for(opinion))
    if role == Role.CERTIFIER and phase == PathwayPhase.ADMISSIBILITY:
        record = getattr(pathway, "admissibility", None)
        blank["admissibility_form"] = lambda: AdmissibilityForm(initial=AdmissibilityForm.initial_for(record))
    if role == Role.CERTIFIER and phase in JURY_PHASES:
        blank["jury_form"] = lambda: JurySessionForm(initial={"session_date": pathway.jury_session_date})
    if role == Role.PROJECT_HOLDER and phase == PathwayPhase.DELIVERY and _renewed(related["transitions"]):
        blank["renewal_form"] = lambda: ContractRenewalForm(initial={"end_date": pathway.contract.end_date})
    context = {name: form for name, form in forms.items() if name not in blank}
    context.update({name: forms.get(name) or make() for name, make in blank.items()})
    moves = workflow.moves_for(pathway, user)
    step = STEPS.index(phase) + 1 if phase in STEPS else None
    context.update(
        pathway=pathway,
        moves=moves,
        transition_form=forms.get("transition_form"),
        refused=refused,
        steps=[{"label": PathwayPhase(value).label, "current": value == phase} for value in STEPS],
        step=step,
        step_count=len(STEPS),
        next_step=PathwayPhase(STEPS[step]).label if step and step < len(STEPS) else None,
        can_edit=role == Role.PROJECT_HOLDER and phase in OPEN_PHASES,
        can_edit_contract=role == Role.PROJECT_HOLDER and phase in CONTRACT_PHASES,
        read_only=role in (Role.OPCO, Role.MINISTRY),
        field_changes=selectors.pathway_field_changes(pathway),
        **related,
    )
    return render(request, "pathways/pathway_detail.html", context, status=status)
