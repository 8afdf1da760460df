from django.db import models


class ProgressLevel(models.TextChoices):
    NOT_STARTED = "not_started", "Non commencé"
    IN_PROGRESS = "in_progress", "En cours d'acquisition"
    ACQUIRED = "acquired", "Acquis"


class JuryOutcome(models.TextChoices):
    FULL = "full", "Validation totale"
    PARTIAL = "partial", "Validation partielle"
    NONE = "none", "Aucune validation"
    ABSENT = "absent", "Candidat absent"


# Outcomes after which the contract may be renewed once (L6325-7: failure at the exam).
FAILED_OUTCOMES = frozenset({JuryOutcome.PARTIAL, JuryOutcome.NONE, JuryOutcome.ABSENT})


# How a progress record's moment reads (the phase it was recorded in).
ASSESSMENT_MOMENTS = {"positioning": "Diagnostic", "delivery": "Mise en œuvre"}


class OutcomeMoment(models.TextChoices):
    """When the person's situation is recorded (product.md section 8): at the end, then six months later."""

    EXIT = "exit", "À la sortie"
    SIX_MONTHS = "six_months", "À six mois"


class OutcomeSituation(models.TextChoices):
    SAME_EMPLOYER = "same_employer", "En emploi chez le même employeur"
    OTHER_EMPLOYER = "other_employer", "En emploi chez un autre employeur"
    JOB_SEEKER = "job_seeker", "Demandeur d'emploi"
    TRAINING = "training", "En formation"
    OTHER = "other", "Autre situation"
    UNKNOWN = "unknown", "Situation inconnue"


class OutcomeContractType(models.TextChoices):
    CDI = "cdi", "CDI"
    CDD = "cdd", "CDD"
    INTERIM = "interim", "Intérim"
    OTHER = "other", "Autre contrat"


# The situations that count as employment (a contract type is then required, and forbidden otherwise).
EMPLOYED_SITUATIONS = frozenset({OutcomeSituation.SAME_EMPLOYER, OutcomeSituation.OTHER_EMPLOYER})
# The six-month record is asked this many months after the pathway's end.
SIX_MONTHS = 6
