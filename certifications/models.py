from django.db import models
from django.db.models import Exists, OuterRef, Q

from certifications.enums import VAE_ACCESS_ROUTE, Level, Register
from vae_inversee.accounts.enums import OrganisationKind
from vae_inversee.lib.identifiers import validate_certification_code, validate_siret, validate_skill_block_code
from vae_inversee.lib.search import folded_search


class Certifier(models.Model):
    """A certifying body (certificateur) as listed in France Compétences' export."""

    siret = models.CharField("SIRET", max_length=14, unique=True, validators=[validate_siret])
    name = models.CharField("nom", max_length=255)
    # The platform organisation whose staff act for this certifier (admissibility, juries).
    organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="certifiers",
        limit_choices_to={"kind": OrganisationKind.CERTIFIER},
        verbose_name="organisation sur la plateforme",
    )

    class Meta:
        verbose_name = "certificateur"
        verbose_name_plural = "certificateurs"
        ordering = ["name"]

    def __str__(self):
        return f"{self.name} ({self.siret})"


class AccessRoute(models.Model):
    """An access route to a certification ("Par expérience", "En contrat de professionnalisation"...)."""

    label = models.CharField("libellé", max_length=255, unique=True)

    class Meta:
        verbose_name = "voie d'accès"
        verbose_name_plural = "voies d'accès"
        ordering = ["label"]

    def __str__(self):
        return self.label


class CertificationQuerySet(models.QuerySet):
    def active(self):
        return self.filter(active=True)

    def with_vae_eligibility(self):
        """Annotate `is_vae_eligible` in SQL: active and open to the "Par expérience" route."""
        by_experience = AccessRoute.objects.filter(certifications=OuterRef("pk"), label=VAE_ACCESS_ROUTE)
        return self.annotate(is_vae_eligible=Q(active=True) & Exists(by_experience))

    def vae_eligible(self):
        return self.with_vae_eligibility().filter(is_vae_eligible=True)

    def for_catalogue(self):
        """What the catalogue page and API show, in a fixed number of queries whatever the page size:
        eligibility annotated, certifiers and the active skill blocks (`active_skill_blocks`) prefetched."""
        active_blocks = SkillBlock.objects.filter(active=True).order_by("code")
        return self.with_vae_eligibility().prefetch_related(
            "certifiers", models.Prefetch("skill_blocks", queryset=active_blocks, to_attr="active_skill_blocks")
        )

    def search(self, text):
        text = (text or "").strip()
        if not text:
            return self
        return self.filter(
            Q(code__iexact=text) | folded_search(["title"], text) | Q(skill_blocks__code__iexact=text)
        ).distinct()


class Certification(models.Model):
    """A certification sheet (fiche) of the RNCP or the RS."""

    code = models.CharField("code de la fiche", max_length=12, unique=True, validators=[validate_certification_code])
    register = models.CharField("répertoire", max_length=4, choices=Register)
    title = models.TextField("intitulé")
    abbreviation = models.CharField("type de certification", max_length=255, blank=True)
    level = models.PositiveSmallIntegerField("niveau", choices=Level, null=True, blank=True)
    active = models.BooleanField("active", default=True)
    registration_type = models.CharField("type d'enregistrement", max_length=100, blank=True)
    registered_until = models.DateField("fin d'enregistrement", null=True, blank=True)
    france_competences_id = models.CharField("identifiant France Compétences", max_length=20, blank=True)
    certifiers = models.ManyToManyField(
        Certifier, related_name="certifications", blank=True, verbose_name="certificateurs"
    )
    access_routes = models.ManyToManyField(
        AccessRoute, related_name="certifications", blank=True, verbose_name="voies d'accès"
    )
    updated_at = models.DateTimeField("mise à jour", auto_now=True)

    objects = CertificationQuerySet.as_manager()

    class Meta:
        verbose_name = "certification"
        verbose_name_plural = "certifications"
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(level__isnull=True) | Q(level__gte=3, level__lte=8),
                name="certifications_certification_level_range",
                violation_error_message="Le niveau d'une certification est compris entre 3 et 8.",
            ),
            models.CheckConstraint(
                condition=Q(register__in=Register.values),
                name="certifications_certification_register_valid",
                violation_error_message="Le répertoire doit être RNCP ou RS.",
            ),
        ]

    def __str__(self):
        return f"{self.code} — {self.title}"

    @property
    def vae_eligible(self) -> bool:
        """True only for an active certification whose access routes include "Par expérience"."""
        if hasattr(self, "is_vae_eligible"):
            return bool(self.is_vae_eligible)
        return self.active and self.access_routes.filter(label=VAE_ACCESS_ROUTE).exists()


class SkillBlock(models.Model):
    """A block of skills (bloc de compétences) of an RNCP certification, e.g. RNCP38565BC01."""

    certification = models.ForeignKey(
        Certification, on_delete=models.CASCADE, related_name="skill_blocks", verbose_name="certification"
    )
    code = models.CharField("code du bloc", max_length=20, unique=True, validators=[validate_skill_block_code])
    title = models.TextField("intitulé")
    active = models.BooleanField("actif", default=True)

    class Meta:
        verbose_name = "bloc de compétences"
        verbose_name_plural = "blocs de compétences"
        ordering = ["code"]

    def __str__(self):
        return f"{self.code} — {self.title}"
