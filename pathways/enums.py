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


class Region(models.TextChoices):
    """The 18 regions of France by their INSEE code (code officiel géographique)."""

    GUADELOUPE = "01", "Guadeloupe"
    MARTINIQUE = "02", "Martinique"
    GUYANE = "03", "Guyane"
    LA_REUNION = "04", "La Réunion"
    MAYOTTE = "06", "Mayotte"
    ILE_DE_FRANCE = "11", "Île-de-France"
    CENTRE_VAL_DE_LOIRE = "24", "Centre-Val de Loire"
    BOURGOGNE_FRANCHE_COMTE = "27", "Bourgogne-Franche-Comté"
    NORMANDIE = "28", "Normandie"
    HAUTS_DE_FRANCE = "32", "Hauts-de-France"
    GRAND_EST = "44", "Grand Est"
    PAYS_DE_LA_LOIRE = "52", "Pays de la Loire"
    BRETAGNE = "53", "Bretagne"
    NOUVELLE_AQUITAINE = "75", "Nouvelle-Aquitaine"
    OCCITANIE = "76", "Occitanie"
    AUVERGNE_RHONE_ALPES = "84", "Auvergne-Rhône-Alpes"
    PROVENCE_ALPES_COTE_D_AZUR = "93", "Provence-Alpes-Côte d'Azur"
    CORSE = "94", "Corse"


class ProjectStatus(models.TextChoices):
    """A project application (product.md section 10)."""

    DRAFT = "draft", "Brouillon"
    SUBMITTED = "submitted", "Déposé"
    COMPLEMENTS_REQUESTED = "complements_requested", "Compléments demandés"
    COMPLETE = "complete", "Complet, en instruction"
    ACCEPTED = "accepted", "Accepté"
    REJECTED = "rejected", "Refusé"
    DEEMED_REJECTED = "deemed_rejected", "Refusé implicitement"


# The holder edits its project in these statuses; the Ministry sees every project but drafts.
PROJECT_EDITABLE_STATUSES = frozenset({ProjectStatus.DRAFT, ProjectStatus.COMPLEMENTS_REQUESTED})
PROJECT_DECIDED_STATUSES = frozenset({ProjectStatus.ACCEPTED, ProjectStatus.REJECTED, ProjectStatus.DEEMED_REJECTED})
# What the Ministry's queue shows, in this order (a draft is still the holder's).
PROJECT_QUEUE_STATUSES = [
    ProjectStatus.SUBMITTED,
    ProjectStatus.COMPLETE,
    ProjectStatus.COMPLEMENTS_REQUESTED,
    ProjectStatus.ACCEPTED,
    ProjectStatus.REJECTED,
    ProjectStatus.DEEMED_REJECTED,
]


class ProjectPartnerRole(models.TextChoices):
    COMPANION = "companion", "Accompagnateur"
    TRAINING_BODY = "training_body", "Organisme de formation"
    EMPLOYER = "employer", "Employeur"
    CONSORTIUM_MEMBER = "consortium_member", "Membre du consortium"


class ProjectDocumentKind(models.TextChoices):
    PROJECT_SHEET = "project_sheet", "Fiche projet signée"
    OTHER = "other", "Autre pièce"


class PlanActionKind(models.TextChoices):
    """The kinds of action of the pedagogical plan (product.md section 11)."""

    TRAINING = "training", "Formation en organisme"
    AFEST = "afest", "Action de formation en situation de travail (AFEST)"
    WORK_ACTIVITY = "work_activity", "Activités en situation de travail"
    VAE_SUPPORT = "vae_support", "Accompagnement VAE"
    DESIGN = "design", "Conception et coordination"
    EVALUATION_SESSION = "evaluation_session", "Session d'évaluation"


# The theory that stays mandatory ("un apport théorique reste toutefois obligatoire").
THEORY_KINDS = frozenset({PlanActionKind.TRAINING, PlanActionKind.AFEST})
# Activities at the workstation: no provider, no cost.
UNPAID_KINDS = frozenset({PlanActionKind.WORK_ACTIVITY})
# The phases in which the project holder writes the plan (in delivery, never below an approved file).
PLAN_PHASES = frozenset(
    {PathwayPhase.POSITIONING, PathwayPhase.SUPPORT, PathwayPhase.ADMISSIBILITY, PathwayPhase.DELIVERY}
)
# The phases in which the companion records the hours realised.
REALISED_PHASES = frozenset({PathwayPhase.DELIVERY, PathwayPhase.EVALUATION})


class PlanCategory(models.TextChoices):
    """The funding category an action's cost falls in (the same values as funding.enums.FundingCategory)."""

    TEACHING = "teaching", "Frais pédagogiques"
    DESIGN = "design", "Conception et coordination"
    SUPPORT = "support", "Accompagnement VAE"


# Kind → funding category (product.md section 11), stated once; a work activity costs nothing.
PLAN_CATEGORY = {
    PlanActionKind.TRAINING: PlanCategory.TEACHING,
    PlanActionKind.AFEST: PlanCategory.TEACHING,
    PlanActionKind.EVALUATION_SESSION: PlanCategory.TEACHING,
    PlanActionKind.DESIGN: PlanCategory.DESIGN,
    PlanActionKind.VAE_SUPPORT: PlanCategory.SUPPORT,
    PlanActionKind.WORK_ACTIVITY: None,
}


# The scope of the candidates' invitation links (django-sesame): a token made for another purpose is refused.
CANDIDATE_INVITATION_SCOPE = "candidate-invitation"
