from django.db import models


class OrganisationKind(models.TextChoices):
    PROJECT_HOLDER = "project_holder", "Porteur de projet"
    COMPANION = "companion", "Structure d'accompagnement"
    OPCO = "opco", "Opérateur de compétences (OPCO)"
    CERTIFIER = "certifier", "Certificateur"
    MINISTRY = "ministry", "Ministère (pilotage national)"


class Role(models.TextChoices):
    """A member's role; each organisation kind has exactly one role of the same code."""

    PROJECT_HOLDER = "project_holder", "Chargé·e de projet (porteur)"
    COMPANION = "companion", "Accompagnateur·rice"
    OPCO = "opco", "Gestionnaire OPCO"
    CERTIFIER = "certifier", "Chargé·e de certification"
    MINISTRY = "ministry", "Pilotage national (DGEFP)"
    # Not a membership: a person whose account is linked to their candidate record (pathways.Candidate.user),
    # who follows their own pathway through the portal's « Mon parcours » (product.md sections 2 and 13).
    CANDIDATE = "candidate", "Candidat·e"


# The roles of an organisation's members (every role but the candidate's).
MEMBER_ROLES = frozenset(Role) - {Role.CANDIDATE}
MEMBER_ROLE_CHOICES = [(role.value, role.label) for role in Role if role in MEMBER_ROLES]


# Roles that only read; they never write a pathway or a funding file.
READ_ONLY_ROLES = frozenset({Role.MINISTRY})
