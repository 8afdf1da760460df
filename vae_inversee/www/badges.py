"""The badges of the portal, built in Python (settings.TEMPLATES "builtins"): one per row of a
25-row list, where an `{% include %}` cost about 0.03 ms each (issue 16, the portal pages).

{% phase_badge pathway.phase pathway.get_phase_display %}                     a pathway's phase
{% funding_badge funding_file.status funding_file.get_status_display %}       a funding file's status
{% project_badge project.status project.get_status_display %}                 a project's status
{% level_badge assessment.level assessment.get_level_display %}               a skill block's progress
{% outcome_badge jury.outcome jury.get_outcome_display %}                     a jury's result (larger)
{% unread_badge pathway.unread %}                    "2 messages non lus", nothing at 0
{% unread_label unread_messages %}                   the header's "(2 non lus)", "(99+ non lus)", nothing at 0
"""

from django import template
from django.template.defaultfilters import pluralize
from django.utils.html import format_html

from evaluation.enums import JuryOutcome, ProgressLevel
from funding.enums import FundingStatus
from pathways.enums import PathwayPhase, ProjectStatus
from pathways.selectors import UNREAD_SHOWN

register = template.Library()

# The DSFR colour of each value, the same on every page (none: the neutral grey badge).
PHASE_COLOURS = {
    PathwayPhase.POSITIONING: "fr-badge--blue-ecume",
    PathwayPhase.SUPPORT: "fr-badge--purple-glycine",
    PathwayPhase.ADMISSIBILITY: "fr-badge--yellow-tournesol",
    PathwayPhase.DELIVERY: "fr-badge--info",
    PathwayPhase.EVALUATION: "fr-badge--new",
    PathwayPhase.COMPLETED: "fr-badge--success",
    PathwayPhase.ABANDONED: "fr-badge--error",
}
FUNDING_COLOURS = {
    FundingStatus.SUBMITTED: "fr-badge--info",
    FundingStatus.CHANGES_REQUESTED: "fr-badge--warning",
    FundingStatus.APPROVED: "fr-badge--success",
    FundingStatus.REJECTED: "fr-badge--error",
}
PROJECT_COLOURS = {
    ProjectStatus.SUBMITTED: "fr-badge--info",
    ProjectStatus.COMPLETE: "fr-badge--info",
    ProjectStatus.COMPLEMENTS_REQUESTED: "fr-badge--warning",
    ProjectStatus.ACCEPTED: "fr-badge--success",
    ProjectStatus.REJECTED: "fr-badge--error",
    ProjectStatus.DEEMED_REJECTED: "fr-badge--error",
}
LEVEL_COLOURS = {ProgressLevel.IN_PROGRESS: "fr-badge--info", ProgressLevel.ACQUIRED: "fr-badge--success"}
OUTCOME_COLOURS = {
    JuryOutcome.FULL: "fr-badge--success",
    JuryOutcome.PARTIAL: "fr-badge--new",
    JuryOutcome.NONE: "fr-badge--error",
}


def _badge(colour, label, size="fr-badge--sm "):
    return format_html('<p class="fr-badge {}fr-badge--no-icon {}">{}</p>', size, colour, label)


@register.simple_tag
def phase_badge(phase, label):
    return _badge(PHASE_COLOURS.get(phase, ""), label)


@register.simple_tag
def funding_badge(status, label):
    return _badge(FUNDING_COLOURS.get(status, ""), label)


@register.simple_tag
def project_badge(status, label):
    return _badge(PROJECT_COLOURS.get(status, ""), label)


@register.simple_tag
def level_badge(level, label):
    return _badge(LEVEL_COLOURS.get(level, ""), label)


@register.simple_tag
def outcome_badge(outcome, label):
    return _badge(OUTCOME_COLOURS.get(outcome, ""), label, size="")


@register.simple_tag
def unread_badge(unread):
    """The unread messages of a pathway's thread, next to its reference in the lists (product.md section 13)."""
    if not unread:
        return ""
    plural = pluralize(unread)
    return format_html(
        ' <span class="fr-badge fr-badge--sm fr-badge--new fr-badge--no-icon"><span class="fr-sr-only">'
        "Messages non lus : </span>{} message{} non lu{}</span>",
        unread,
        plural,
        plural,
    )


@register.simple_tag
def unread_label(unread):
    """The header's unread messages after "Messages": " (2 non lus)", " (99+ non lus)" past `UNREAD_SHOWN`."""
    if not unread:
        return ""
    shown = f"{UNREAD_SHOWN}+" if unread > UNREAD_SHOWN else str(unread)
    return f" ({shown} non lu{pluralize(unread)})"
