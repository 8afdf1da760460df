"""Which role a member may hold: the one of their organisation's kind (product.md section 2)."""

from vae_inversee.accounts.enums import OrganisationKind, Role
from vae_inversee.lib.policy import Action, declare

ROLE_OF_KIND = {
    OrganisationKind.PROJECT_HOLDER: Role.PROJECT_HOLDER,
    OrganisationKind.COMPANION: Role.COMPANION,
    OrganisationKind.OPCO: Role.OPCO,
    OrganisationKind.CERTIFIER: Role.CERTIFIER,
    OrganisationKind.MINISTRY: Role.MINISTRY,
}


def role_fits(role, organisation_kind) -> bool:
    return ROLE_OF_KIND.get(organisation_kind) == role


def role_of_kind(organisation_kind) -> str:
    return ROLE_OF_KIND[organisation_kind]


# The candidate's door (product.md sections 2 and 13): their own page « Mon parcours », and nothing else of
# the portal (vae_inversee.www.candidate.confinement) nor of the API.
CANDIDATE_PORTAL = "candidate_portal.view"
declare(
    Action(CANDIDATE_PORTAL, frozenset({Role.CANDIDATE}), "Cette page est réservée aux candidat·es."),
)
