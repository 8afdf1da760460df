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
