"""Who sees which pathways and the records around them (product.md section 2): the models'
`visible_to(user)` ask here. Functions of a queryset and a user, so this module imports no model.
Outside one's scope an object does not exist: a 404 at every door.
"""

from pathways.enums import CERTIFIER_PHASES, ProjectStatus
from vae_inversee.accounts.enums import MEMBER_ROLES, Role
from vae_inversee.lib.policy import Scope


def _organisation_id(user):
    return user.membership.organisation_id


# The OPCO sees a pathway only through a funding file addressed to it that is no longer a draft: that rule
# is funding's (funding.scopes.pathways_of_opco), added from FundingConfig.ready() since pathways never
# imports funding.
pathways_visible = Scope(
    {
        Role.MINISTRY: lambda pathways, user: pathways,
        Role.PROJECT_HOLDER: lambda pathways, user: pathways.filter(project_holder_id=_organisation_id(user)),
        Role.COMPANION: lambda pathways, user: pathways.filter(
            companion__membership__organisation_id=_organisation_id(user)
        ),
        # From admissibility on, the pathways that target one of the certifier's certifications.
        Role.CERTIFIER: lambda pathways, user: pathways.filter(
            phase__in=CERTIFIER_PHASES, certification__certifiers__organisation_id=_organisation_id(user)
        ).distinct(),
        # The candidate: their own pathways only, through « Mon parcours » (read-only but for the messages).
        Role.CANDIDATE: lambda pathways, user: pathways.filter(candidate__user=user, candidate__anonymised_at=None),
    }
)


def plan_actions_visible(actions, user, pathways):
    """The plan's actions: those of the pathways a member sees. The candidate reads their plan on their own
    page (from their pathway), never through this scope (the API's lists)."""
    if getattr(user, "role", None) not in MEMBER_ROLES:
        return actions.none()
    return actions.filter(pathway__in=pathways_visible(pathways, user))


def records_visible(records, user, pathways):
    """Candidates and employers: the holder's own; the Ministry all; others those of the pathways they see.

    `pathways` is every pathway (a queryset of the Pathway model), scoped here for `user`.
    """
    through_pathways = lambda queryset, user: queryset.filter(  # noqa: E731
        pathways__in=pathways_visible(pathways, user)
    ).distinct()
    return Scope(
        {
            Role.MINISTRY: lambda queryset, user: queryset,
            Role.PROJECT_HOLDER: lambda queryset, user: queryset.filter(project_holder_id=_organisation_id(user)),
            Role.COMPANION: through_pathways,
            Role.OPCO: through_pathways,
            Role.CERTIFIER: through_pathways,
        }
    )(records, user)


project_holders_visible = Scope(
    {
        Role.MINISTRY: lambda holders, user: holders,
        Role.PROJECT_HOLDER: lambda holders, user: holders.filter(organisation_id=_organisation_id(user)),
    }
)

# A project: the holder its own; the Ministry every project once submitted (a draft is the holder's alone).
projects_visible = Scope(
    {
        Role.MINISTRY: lambda projects, user: projects.exclude(status=ProjectStatus.DRAFT),
        Role.PROJECT_HOLDER: lambda projects, user: projects.filter(project_holder_id=_organisation_id(user)),
    }
)

# What the indicators of each role are about (the dashboard's lead line).
SCOPE_LABELS = {
    Role.PROJECT_HOLDER: "parcours de votre structure",
    Role.COMPANION: "parcours que vous accompagnez",
    Role.OPCO: "parcours des entreprises relevant de votre OPCO",
    Role.CERTIFIER: "parcours visant vos certifications",
    Role.MINISTRY: "ensemble des parcours de l'expérimentation",
}


def scope_label(user) -> str:
    return SCOPE_LABELS.get(getattr(user, "role", None), "")


def notes_visible(notes, user, pathways):
    """Internal notes: those of the user's own organisation, on the pathways the user sees."""
    membership = getattr(user, "membership_or_none", None)
    if membership is None:
        return notes.none()
    return notes.filter(organisation_id=membership.organisation_id, pathway__in=pathways)
