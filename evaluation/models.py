from django.conf import settings
from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from evaluation import scopes
from evaluation.enums import (
    ASSESSMENT_MOMENTS,
    EMPLOYED_SITUATIONS,
    JuryOutcome,
    OutcomeContractType,
    OutcomeMoment,
    OutcomeSituation,
    ProgressLevel,
)
from vae_inversee.lib.dates import validate_plausible_date


class ScopedByPathwayQuerySet(models.QuerySet):
    def visible_to(self, user):
        return scopes.records_visible(self, user)


class Assessment(models.Model):
    """A progress record: the level reached on one targeted skill block, on a date (diagnosis or delivery)."""

    pathway = models.ForeignKey(
        "pathways.Pathway", on_delete=models.CASCADE, related_name="assessments", verbose_name="parcours"
    )
    # Null only for a certification without skill blocks (the certification as a whole).
    skill_block = models.ForeignKey(
        "certifications.SkillBlock",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assessments",
        verbose_name="bloc de compétences",
    )
    level = models.CharField("niveau", max_length=20, choices=ProgressLevel)
    assessed_at = models.DateField("date d'évaluation", validators=[validate_plausible_date])
    comment = models.TextField("commentaire", blank=True)
    phase = models.CharField("phase au moment du relevé", max_length=20, editable=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="relevé par"
    )
    created_at = models.DateTimeField("enregistré le", auto_now_add=True)

    objects = ScopedByPathwayQuerySet.as_manager()

    class Meta:
        verbose_name = "relevé de progression"
        verbose_name_plural = "relevés de progression"
        ordering = ["assessed_at", "id"]
        indexes = [
            # The pathway page's progress over time, block by block.
            models.Index(fields=["pathway", "skill_block", "assessed_at"], name="evaluation_progress_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(level__in=ProgressLevel.values),
                name="evaluation_assessment_level_valid",
                violation_error_message="Niveau de progression inconnu.",
            ),
        ]

    def __str__(self):
        return f"{self.pathway} — {self.skill_block or 'certification'} : {self.get_level_display()}"

    @property
    def moment(self) -> str:
        """When it was recorded, in words: the positioning diagnosis, or during delivery."""
        return ASSESSMENT_MOMENTS.get(self.phase, "")


class Jury(models.Model):
    """A jury session's result. The counts are kept with the outcome so the database checks coherence."""

    pathway = models.ForeignKey(
        "pathways.Pathway", on_delete=models.CASCADE, related_name="juries", verbose_name="parcours"
    )
    attempt = models.PositiveSmallIntegerField("passage", default=1, editable=False)
    session_date = models.DateField("date de la session", validators=[validate_plausible_date])
    outcome = models.CharField("résultat", max_length=10, choices=JuryOutcome)
    blocks_targeted = models.PositiveSmallIntegerField("blocs visés", editable=False)
    blocks_validated = models.PositiveSmallIntegerField("blocs validés", editable=False)
    comment = models.TextField("observations", blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="enregistré par"
    )
    recorded_at = models.DateTimeField("enregistré le", auto_now_add=True)
    history = HistoricalRecords()

    objects = ScopedByPathwayQuerySet.as_manager()

    class Meta:
        verbose_name = "jury"
        verbose_name_plural = "jurys"
        ordering = ["session_date", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["pathway", "attempt"],
                name="evaluation_jury_one_per_attempt",
                violation_error_message="Le résultat de ce passage devant le jury est déjà enregistré.",
            ),
            models.CheckConstraint(
                condition=Q(outcome__in=JuryOutcome.values),
                name="evaluation_jury_outcome_valid",
                violation_error_message="Résultat de jury inconnu.",
            ),
            # full = every targeted block validated; partial = some, not all; none/absent = no block.
            models.CheckConstraint(
                condition=(
                    Q(outcome=JuryOutcome.FULL, blocks_validated=F("blocks_targeted"))
                    | Q(outcome=JuryOutcome.PARTIAL, blocks_validated__gt=0, blocks_validated__lt=F("blocks_targeted"))
                    | Q(outcome__in=[JuryOutcome.NONE, JuryOutcome.ABSENT], blocks_validated=0)
                ),
                name="evaluation_jury_outcome_coherence",
                violation_error_message=(
                    "Résultat incohérent : validation totale = tous les blocs visés validés ; partielle = une partie ; "
                    "aucune validation ou absence = aucun bloc."
                ),
            ),
        ]

    def __str__(self):
        return f"Jury du {self.session_date:%d/%m/%Y} — {self.pathway} : {self.get_outcome_display()}"


class JuryBlockResult(models.Model):
    jury = models.ForeignKey(Jury, on_delete=models.CASCADE, related_name="block_results", verbose_name="jury")
    skill_block = models.ForeignKey(
        "certifications.SkillBlock", on_delete=models.PROTECT, related_name="jury_results", verbose_name="bloc"
    )
    validated = models.BooleanField("validé")

    class Meta:
        verbose_name = "résultat par bloc"
        verbose_name_plural = "résultats par bloc"
        ordering = ["skill_block__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["jury", "skill_block"],
                name="evaluation_juryblockresult_unique",
                violation_error_message="Ce bloc a déjà un résultat pour ce jury.",
            ),
        ]

    def __str__(self):
        return f"{self.skill_block.code} : {'validé' if self.validated else 'non validé'}"


class AcquiredBlock(models.Model):
    """A skill block the candidate holds for good (partial validation keeps the blocks acquired)."""

    candidate = models.ForeignKey(
        "pathways.Candidate", on_delete=models.CASCADE, related_name="acquired_blocks", verbose_name="candidat"
    )
    skill_block = models.ForeignKey(
        "certifications.SkillBlock", on_delete=models.PROTECT, related_name="holders", verbose_name="bloc"
    )
    jury = models.ForeignKey(Jury, on_delete=models.PROTECT, related_name="acquired_blocks", verbose_name="jury")
    acquired_on = models.DateField("acquis le")

    class Meta:
        verbose_name = "bloc acquis"
        verbose_name_plural = "blocs acquis"
        ordering = ["acquired_on", "skill_block__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["candidate", "skill_block"],
                name="evaluation_acquiredblock_once",
                violation_error_message="Ce bloc est déjà acquis par le candidat.",
            ),
        ]

    def __str__(self):
        return f"{self.candidate} — {self.skill_block.code}"


class PathwayOutcome(models.Model):
    """The person's situation once the pathway has ended (product.md section 8): at exit, then six months on.

    One record per moment; a contract type when employed (same or other employer), none otherwise.
    """

    pathway = models.ForeignKey(
        "pathways.Pathway", on_delete=models.CASCADE, related_name="outcomes", verbose_name="parcours"
    )
    at = models.CharField("moment", max_length=12, choices=OutcomeMoment)
    situation = models.CharField("situation", max_length=20, choices=OutcomeSituation)
    contract_type = models.CharField("type de contrat", max_length=10, choices=OutcomeContractType, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="enregistré par"
    )
    recorded_at = models.DateTimeField("enregistré le", auto_now_add=True)

    objects = ScopedByPathwayQuerySet.as_manager()

    class Meta:
        verbose_name = "situation à l'issue du parcours"
        verbose_name_plural = "situations à l'issue des parcours"
        ordering = ["pathway", "at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["pathway", "at"],
                name="evaluation_pathwayoutcome_one_per_moment",
                violation_error_message="La situation de la personne à ce moment est déjà enregistrée.",
            ),
            models.CheckConstraint(
                condition=Q(at__in=OutcomeMoment.values) & Q(situation__in=OutcomeSituation.values),
                name="evaluation_pathwayoutcome_values_valid",
                violation_error_message="Moment ou situation inconnus.",
            ),
            models.CheckConstraint(
                condition=(
                    Q(situation__in=sorted(EMPLOYED_SITUATIONS), contract_type__in=OutcomeContractType.values)
                    | (~Q(situation__in=sorted(EMPLOYED_SITUATIONS)) & Q(contract_type=""))
                ),
                name="evaluation_pathwayoutcome_contract_iff_employed",
                violation_error_message=(
                    "Le type de contrat est obligatoire pour une personne en emploi, et sans objet sinon."
                ),
            ),
        ]

    def __str__(self):
        return f"{self.pathway} — {self.get_at_display()} : {self.get_situation_display()}"

    @property
    def employed(self) -> bool:
        return self.situation in EMPLOYED_SITUATIONS
