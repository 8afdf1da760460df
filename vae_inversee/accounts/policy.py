"""Which role a member may hold: the one of their organisation's kind (product.md section 2)."""

from vae_inversee.accounts.enums import OrganisationKind, Role

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
