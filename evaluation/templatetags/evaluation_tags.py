"""The evaluation sections of the pathway page and of the candidate record.

pathways never imports evaluation: its templates load these tags, which read through evaluation's
selectors (a fixed number of queries) and offer the forms of evaluation's views.
"""

from django import template

from evaluation import selectors
from evaluation.forms import AssessmentForm, JuryResultForm
from evaluation.guards import current_attempt
from evaluation.services import ASSESSMENT_PHASES
from pathways.enums import PathwayPhase
from vae_inversee.accounts.enums import Role

register = template.Library()

# The jury section appears once the pathway is heading for a jury (and stays after it).
JURY_SECTION_PHASES = (PathwayPhase.DELIVERY, PathwayPhase.EVALUATION, PathwayPhase.COMPLETED)


@register.inclusion_tag("evaluation/_progress.html", takes_context=True)
def pathway_progress(context, pathway, target_blocks):
    """Each targeted block's records over time; the companion's form at positioning and in delivery.

    A bound form left in the context by evaluation's view (after an error) replaces the blank one.
    """
    user = context["user"]
    form = context.get("assessment_form")
    if form is None and user.role == Role.COMPANION and pathway.phase in ASSESSMENT_PHASES:
        form = AssessmentForm(blocks=target_blocks)
    rows = selectors.progress_by_block(pathway, target_blocks)
    return {"pathway": pathway, "rows": rows, "recorded": any(row["assessments"] for row in rows), "form": form}


@register.inclusion_tag("evaluation/_jury.html", takes_context=True)
def pathway_jury(context, pathway, target_blocks):
    """The jury results (every attempt) for everyone; the certifier's form in evaluation until recorded."""
    user = context["user"]
    juries = selectors.juries_of(pathway)
    form = context.get("jury_result_form")
    if form is None and user.role == Role.CERTIFIER and pathway.phase == PathwayPhase.EVALUATION:
        attempt = current_attempt(pathway)
        if not any(jury.attempt == attempt for jury in juries):
            form = JuryResultForm(blocks=target_blocks, initial={"session_date": pathway.jury_session_date})
    return {
        "pathway": pathway,
        "juries": juries,
        "form": form,
        "shown": bool(juries or form) or pathway.phase in JURY_SECTION_PHASES,
    }


@register.inclusion_tag("evaluation/_acquired_blocks.html")
def candidate_acquired_blocks(candidate):
    return {"candidate": candidate, "acquired_blocks": selectors.acquired_blocks_of(candidate)}
