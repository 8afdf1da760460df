from django.db import models


class HighestQualification(models.TextChoices):
    """The candidate's highest qualification; it sets the salary band (product.md section 5)."""

    NONE = "none", "Aucun diplôme"
    BELOW_BAC_PRO = "below_bac_pro", "Diplôme inférieur au bac professionnel"
    BAC_PRO_OR_ABOVE = "bac_pro_or_above", "Bac professionnel ou diplôme professionnel de même niveau, ou supérieur"


class PathwayPhase(models.TextChoices):
    POSITIONING = "positioning", "Information et positionnement"
    SUPPORT = "support", "Accompagnement"
    ADMISSIBILITY = "admissibility", "Recevabilité"
    DELIVERY = "delivery", "Mise en œuvre"
    EVALUATION = "evaluation", "Évaluation et jury"
    COMPLETED = "completed", "Terminé"
    ABANDONED = "abandoned", "Abandonné"


# The five working phases in order, for timelines and counts.
PHASE_ORDER = [
    PathwayPhase.POSITIONING,
    PathwayPhase.SUPPORT,
    PathwayPhase.ADMISSIBILITY,
    PathwayPhase.DELIVERY,
    PathwayPhase.EVALUATION,
    PathwayPhase.COMPLETED,
]
OPEN_PHASES = frozenset(PHASE_ORDER[:-1])
CLOSED_PHASES = frozenset({PathwayPhase.COMPLETED, PathwayPhase.ABANDONED})
# Phases in which the certifier sees the pathway (from admissibility on).
CERTIFIER_PHASES = frozenset(
    {PathwayPhase.ADMISSIBILITY, PathwayPhase.DELIVERY, PathwayPhase.EVALUATION, PathwayPhase.COMPLETED}
)


class DocumentKind(models.TextChoices):
    FEASIBILITY_STUDY = "feasibility_study", "Étude de faisabilité"
    SKILLS_DIAGNOSIS = "skills_diagnosis", "Diagnostic de compétences (positionnement)"
    CONTRACT = "contract", "Contrat de professionnalisation et annexe"
    ADMISSIBILITY_FILE = "admissibility_file", "Dossier de recevabilité"
    OTHER = "other", "Autre pièce"


class AdmissibilityDecision(models.TextChoices):
    ADMISSIBLE = "admissible", "Recevable"
    NOT_ADMISSIBLE = "not_admissible", "Non recevable"
