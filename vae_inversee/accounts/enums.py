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


# Roles that only read; they never write a pathway or a funding file.
READ_ONLY_ROLES = frozenset({Role.MINISTRY})
