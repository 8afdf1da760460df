import uuid
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import IntegrityError, models
from django.db.models import Q, Sum
from django.utils import timezone
from simple_history.models import HistoricalRecords

from pathways import scopes
from pathways.enums import (
    CLOSED_PHASES,
    PLAN_CATEGORY,
    AdmissibilityDecision,
    DocumentKind,
    HighestQualification,
    PathwayPhase,
    PlanActionKind,
    ProjectDocumentKind,
    ProjectPartnerRole,
    ProjectStatus,
    Region,
)
from vae_inversee.accounts.enums import OrganisationKind, Role
from vae_inversee.lib.dates import add_months, validate_plausible_date, year_of_contract
from vae_inversee.lib.encryption import EncryptedCharField
from vae_inversee.lib.identifiers import validate_idcc, validate_nir, validate_siret
from vae_inversee.lib.money import format_euros
from vae_inversee.lib.search import folded_search


class ProjectHolderQuerySet(models.QuerySet):
    def visible_to(self, user):
        return scopes.project_holders_visible(self, user)


class ProjectHolder(models.Model):
    """A laureate of the national call: its acceptance notice sets how many pathways it may open."""

    organisation = models.OneToOneField(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        primary_key=True,
        related_name="project_holder",
        limit_choices_to={"kind": OrganisationKind.PROJECT_HOLDER},
        verbose_name="organisation",
    )
    laureate_reference = models.CharField("référence lauréat", max_length=50, unique=True)
    accepted_on = models.DateField("date de l'avis favorable", null=True, blank=True)
    updated_at = models.DateTimeField("mis à jour le", auto_now=True, db_index=True)
    history = HistoricalRecords()

    objects = ProjectHolderQuerySet.as_manager()

    class Meta:
        verbose_name = "porteur de projet"
        verbose_name_plural = "porteurs de projet"
        ordering = ["organisation__name"]

    def __str__(self):
        return self.organisation.name

    @property
    def pathway_ceiling(self) -> int:
        """The sum of the pathways granted by its accepted projects (product.md section 10)."""
        return accepted_grants(self.projects.all())


def accepted_grants(projects) -> int:
    return projects.filter(status=ProjectStatus.ACCEPTED).aggregate(total=Sum("granted_pathways"))["total"] or 0


def validate_regions(value):
    """A list of INSEE region codes among the 18 regions, at least one, without repetition."""
    if not isinstance(value, list) or not value:
        raise ValidationError("Indiquez au moins une région (codes INSEE, par exemple « 32 »).")
    unknown = [str(code) for code in value if code not in Region.values]
    if unknown:
        raise ValidationError(f"Code de région INSEE inconnu : {', '.join(unknown)}.")
    if len(set(value)) != len(value):
        raise ValidationError("Chaque région n'est indiquée qu'une fois.")


class ProjectQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The projects a user may see (pathways.scopes); everything else is a 404."""
        return scopes.projects_visible(self, user)

    def accepted(self):
        return self.filter(status=ProjectStatus.ACCEPTED)


class Project(models.Model):
    """A project application (fiche projet) to the national call; the Ministry's acceptance grants pathways."""

    reference = models.CharField("référence", max_length=20, unique=True, null=True, blank=True, editable=False)
    project_holder = models.ForeignKey(
        ProjectHolder, on_delete=models.PROTECT, related_name="projects", verbose_name="porteur de projet"
    )
    title = models.CharField("intitulé", max_length=255)
    summary = models.TextField("résumé", blank=True)
    regions = models.JSONField("régions", default=list, blank=True, validators=[validate_regions])
    sectors = models.TextField("secteurs et métiers en tension visés", blank=True)
    certifications = models.ManyToManyField(
        "certifications.Certification", related_name="projects", blank=True, verbose_name="certifications visées"
    )
    requested_pathways = models.PositiveIntegerField("parcours demandés", validators=[MinValueValidator(1)])
    # Written only by the services of pathways.projects (the Ministry's decision).
    granted_pathways = models.PositiveIntegerField("parcours accordés", null=True, blank=True, editable=False)
    status = models.CharField(
        "statut", max_length=30, choices=ProjectStatus, default=ProjectStatus.DRAFT, editable=False
    )
    submitted_at = models.DateTimeField("déposé le", null=True, blank=True, editable=False)
    complete_at = models.DateTimeField("déclaré complet le", null=True, blank=True, editable=False)
    decided_at = models.DateTimeField("décidé le", null=True, blank=True, editable=False)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name="décidé par",
    )
    decision_reason = models.TextField("motif ou commentaire de la décision", blank=True, editable=False)
    created_at = models.DateTimeField("créé le", auto_now_add=True)
    updated_at = models.DateTimeField("mis à jour le", auto_now=True)
    history = HistoricalRecords()

    objects = ProjectQuerySet.as_manager()

    class Meta:
        verbose_name = "projet"
        verbose_name_plural = "projets"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "complete_at"], name="pathways_project_status_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=ProjectStatus.values),
                name="pathways_project_status_valid",
                violation_error_message="Statut de projet inconnu.",
            ),
            models.CheckConstraint(
                condition=Q(requested_pathways__gte=1),
                name="pathways_project_requested_positive",
                violation_error_message="Le projet demande au moins un parcours.",
            ),
            models.CheckConstraint(
                condition=Q(granted_pathways__isnull=True)
                | (Q(granted_pathways__gte=1) & Q(granted_pathways__lte=models.F("requested_pathways"))),
                name="pathways_project_granted_within_requested",
                violation_error_message="Le nombre de parcours accordés est compris entre 1 et le nombre demandé.",
            ),
            models.CheckConstraint(
                condition=Q(status=ProjectStatus.ACCEPTED, granted_pathways__isnull=False)
                | (~Q(status=ProjectStatus.ACCEPTED) & Q(granted_pathways__isnull=True)),
                name="pathways_project_granted_iff_accepted",
                violation_error_message="Seul un projet accepté a des parcours accordés.",
            ),
            models.CheckConstraint(
                condition=~Q(status=ProjectStatus.REJECTED) | ~Q(decision_reason=""),
                name="pathways_project_rejection_has_reason",
                violation_error_message="Un refus doit être motivé.",
            ),
        ]

    def __str__(self):
        return f"{self.reference or 'Projet'} — {self.title}"

    @property
    def decision_deadline(self):
        """The day the Ministry must have decided by: the file complete + 2 calendar months."""
        if self.complete_at is None:
            return None
        return add_months(timezone.localdate(self.complete_at), 2)

    def days_left(self, today=None):
        deadline = self.decision_deadline
        if deadline is None:
            return None
        return (deadline - (today or timezone.localdate())).days

    @property
    def region_labels(self) -> list[str]:
        return [Region(code).label for code in self.regions if code in Region.values]


class ProjectPartner(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="partners", verbose_name="projet")
    name = models.CharField("nom", max_length=255)
    siret = models.CharField("SIRET", max_length=14, validators=[validate_siret])
    role = models.CharField("rôle", max_length=30, choices=ProjectPartnerRole)

    class Meta:
        verbose_name = "partenaire du projet"
        verbose_name_plural = "partenaires du projet"
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(role__in=ProjectPartnerRole.values),
                name="pathways_projectpartner_role_valid",
                violation_error_message="Rôle de partenaire inconnu.",
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.get_role_display().lower()})"


def project_document_upload_to(instance, filename):
    # A random name: the original file name never reaches the disk or a URL.
    return f"projects/{instance.project_id}/{uuid.uuid4().hex}"


class ProjectDocument(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="documents", verbose_name="projet")
    kind = models.CharField("type de pièce", max_length=30, choices=ProjectDocumentKind)
    file = models.FileField("fichier", upload_to=project_document_upload_to)
    original_name = models.CharField("nom d'origine", max_length=255)
    content_type = models.CharField("type de contenu", max_length=50)
    size = models.PositiveIntegerField("taille (octets)")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="déposé par"
    )
    uploaded_at = models.DateTimeField("déposé le", auto_now_add=True)

    class Meta:
        verbose_name = "pièce du projet"
        verbose_name_plural = "pièces des projets"
        ordering = ["-uploaded_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=ProjectDocumentKind.values),
                name="pathways_projectdocument_kind_valid",
                violation_error_message="Type de pièce inconnu.",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} — {self.original_name}"


class OwnedByProjectHolderQuerySet(models.QuerySet):
    def visible_to(self, user):
        return scopes.records_visible(self, user, Pathway.objects.all())


class Employer(models.Model):
    """A private-law employer that signs the contrat de professionnalisation."""

    project_holder = models.ForeignKey(
        ProjectHolder, on_delete=models.PROTECT, related_name="employers", verbose_name="porteur de projet"
    )
    name = models.CharField("raison sociale", max_length=255)
    siret = models.CharField("SIRET", max_length=14, validators=[validate_siret])
    idcc = models.CharField(
        "IDCC", max_length=4, validators=[validate_idcc], help_text="Convention collective ; 9999 si aucune."
    )
    # Derived from the IDCC (accounts.IdccOpco); named by the employer only when the IDCC is 9999.
    opco = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="opco_employers",
        limit_choices_to={"kind": OrganisationKind.OPCO},
        verbose_name="OPCO",
    )
    address = models.TextField("adresse", blank=True)
    private_law = models.BooleanField(
        "employeur de droit privé", default=True, help_text="Seuls les employeurs de droit privé sont éligibles."
    )
    created_at = models.DateTimeField("créé le", auto_now_add=True)
    updated_at = models.DateTimeField("mis à jour le", auto_now=True, db_index=True)
    history = HistoricalRecords()

    objects = OwnedByProjectHolderQuerySet.as_manager()

    class Meta:
        verbose_name = "employeur"
        verbose_name_plural = "employeurs"
        ordering = ["name"]
        constraints = [
            # One record per establishment and project holder (the forms' duplicate check).
            models.UniqueConstraint(
                fields=["project_holder", "siret"],
                name="pathways_employer_unique_siret_per_project_holder",
                violation_error_message="Cet établissement (SIRET) est déjà enregistré par votre structure.",
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.siret})"


class Candidate(models.Model):
    """A person of 16 or more who signs a contrat de professionnalisation."""

    project_holder = models.ForeignKey(
        ProjectHolder, on_delete=models.PROTECT, related_name="candidates", verbose_name="porteur de projet"
    )
    first_name = models.CharField("prénom", max_length=150)
    last_name = models.CharField("nom", max_length=150)
    birth_date = models.DateField("date de naissance", validators=[validate_plausible_date])
    email = models.EmailField("adresse électronique", blank=True)
    highest_qualification = models.CharField(
        "plus haut diplôme", max_length=20, choices=HighestQualification, default=HighestQualification.NONE
    )
    # Regulated personal data (décret 2019-341): optional, write-only in the API, never listed, out of the
    # history; encrypted at rest (vae_inversee.lib.encryption), validated in clear before.
    nir = EncryptedCharField("numéro de sécurité sociale (NIR)", max_length=15, blank=True, validators=[validate_nir])
    created_at = models.DateTimeField("créé le", auto_now_add=True)
    # The API's sync feed (`?updated_since=`, vae_inversee.api.filtering): every write moves it.
    updated_at = models.DateTimeField("mis à jour le", auto_now=True, db_index=True)
    # Set by evaluation.anonymisation once the retention period after the last closed pathway has passed.
    anonymised_at = models.DateTimeField("anonymisé le", null=True, blank=True, editable=False)
    # The candidate's own account (« Mon parcours », product.md section 13), written only by
    # pathways.candidate_access: invited by the holder, activated once they chose a password. Unlinked (and
    # the account deactivated) when the candidate is anonymised.
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="candidate_record",
        verbose_name="compte du candidat",
    )
    invited_at = models.DateTimeField("invité le", null=True, blank=True, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name="invité par",
    )
    activated_at = models.DateTimeField("compte activé le", null=True, blank=True, editable=False)
    history = HistoricalRecords(excluded_fields=["nir"])

    objects = OwnedByProjectHolderQuerySet.as_manager()

    class Meta:
        verbose_name = "candidat"
        verbose_name_plural = "candidats"
        ordering = ["last_name", "first_name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(highest_qualification__in=HighestQualification.values),
                name="pathways_candidate_qualification_valid",
                violation_error_message="Niveau de diplôme inconnu.",
            ),
        ]

    def __str__(self):
        return f"{self.first_name} {self.last_name}"

    def clean(self):
        if self.birth_date and self.birth_date > timezone.localdate():
            raise ValidationError({"birth_date": "La date de naissance ne peut pas être dans le futur."})

    @property
    def masked_nir(self) -> str:
        """The NIR as shown: its first digit and its key only, "2 ·· ·· ·· ··· ··· 42" ("" when none)."""
        return f"{self.nir[0]} ·· ·· ·· ··· ··· {self.nir[-2:]}" if self.nir else ""


class CandidateAccessKind(models.TextChoices):
    VIEW = "view", "Consultation de la fiche"
    API = "api", "Consultation par l'API"
    EXPORT = "export", "Export des données (RGPD)"
    LIST_EXPORT = "list", "Export de la liste des candidats"


class CandidateAccess(models.Model):
    """Who opened a candidate's personal data, when, through which door: one row each, read-only in the admin."""

    candidate = models.ForeignKey(
        Candidate, on_delete=models.CASCADE, related_name="accesses", editable=False, verbose_name="candidat"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", editable=False, verbose_name="par"
    )
    at = models.DateTimeField("le", auto_now_add=True)
    kind = models.CharField("accès", max_length=10, choices=CandidateAccessKind, editable=False)

    class Meta:
        verbose_name = "accès aux données d'un candidat"
        verbose_name_plural = "accès aux données des candidats"
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["candidate", "at"], name="pathways_candidate_access_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=CandidateAccessKind.values),
                name="pathways_candidateaccess_kind_valid",
                violation_error_message="Type d'accès inconnu.",
            ),
        ]

    def __str__(self):
        return f"{self.candidate} — {self.get_kind_display()} par {self.user} le {self.at:%d/%m/%Y %H:%M}"


class PathwayQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The pathways a user may see (pathways.scopes); everything else is a 404."""
        return scopes.pathways_visible(self, user)

    def open(self):
        return self.exclude(phase__in=CLOSED_PHASES)

    def search(self, text):
        """Accents and case ignored (« evaluatrice » finds « Évaluatrice »), every word somewhere: in the
        reference, the candidate's last or first name, the employer's name, the certification's code or title,
        or the project holder's name.

        Each word is a substring of the pathway's `search_text` (folded when written, kept by the database's
        triggers, migration 0019): one column with one trigram index on PostgreSQL, no join and no row folded
        per search, where an OR of LIKEs across five joined tables read every pathway (issue 16).
        """
        return self.filter(search_words(text))


def search_words(text, prefix="") -> Q:
    """Every word of `text` in the pathway's search text (`prefix`: the path to the pathway, as `pathway__`)."""
    return folded_search([f"{prefix}search_text"], text, lookup="holds")


class Pathway(models.Model):
    """One candidate's VAE inversée pathway, walked through the five phases."""

    reference = models.CharField("référence", max_length=20, unique=True, null=True, blank=True, editable=False)
    project_holder = models.ForeignKey(
        ProjectHolder, on_delete=models.PROTECT, related_name="pathways", verbose_name="porteur de projet"
    )
    # An accepted project of the holder: it opens at most its granted number of pathways.
    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="pathways", verbose_name="projet")
    candidate = models.ForeignKey(Candidate, on_delete=models.PROTECT, related_name="pathways", verbose_name="candidat")
    employer = models.ForeignKey(Employer, on_delete=models.PROTECT, related_name="pathways", verbose_name="employeur")
    certification = models.ForeignKey(
        "certifications.Certification",
        on_delete=models.PROTECT,
        related_name="pathways",
        verbose_name="certification visée",
    )
    target_blocks = models.ManyToManyField(
        "certifications.SkillBlock", related_name="pathways", blank=True, verbose_name="blocs de compétences visés"
    )
    companion = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="accompanied_pathways",
        limit_choices_to={"membership__role": Role.COMPANION},
        verbose_name="accompagnateur",
    )
    # Written only by pathways.services.pathway_transition (the workflow).
    phase = models.CharField(
        "phase", max_length=20, choices=PathwayPhase, default=PathwayPhase.POSITIONING, editable=False
    )
    phase_changed_at = models.DateTimeField("dans la phase depuis", auto_now_add=True)
    abandon_reason = models.TextField("motif d'abandon", blank=True, editable=False)
    jury_session_date = models.DateField(
        "date de la session de jury", null=True, blank=True, editable=False, validators=[validate_plausible_date]
    )
    # The certifier's staff member in charge of the pathway; written only by pathways.services.pathway_assign.
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="assigned_pathways",
        verbose_name="chargé·e de certification assigné·e",
    )
    created_at = models.DateTimeField("créé le", auto_now_add=True)
    updated_at = models.DateTimeField("mis à jour le", auto_now=True)
    # What the lists' search box looks in, folded (no accents, lower case): the reference, the candidate's
    # names, the employer, the certification's code and title, the project holder. Written only by the
    # database's triggers (migration 0019), on every write to any of those tables: never stale, never set here.
    search_text = models.TextField("texte de recherche", blank=True, default="", editable=False)
    # Not in the history: it repeats the candidate's names, which the anonymisation erases at their source.
    history = HistoricalRecords(m2m_fields=[target_blocks], excluded_fields=["search_text"])

    objects = PathwayQuerySet.as_manager()

    class Meta:
        verbose_name = "parcours"
        verbose_name_plural = "parcours"
        ordering = ["-created_at", "-id"]
        indexes = [
            # The list pages filter each project holder's pathways by phase.
            models.Index(fields=["project_holder", "phase"], name="pathways_holder_phase_idx"),
            # Every list's default order, whole (Ministry, API) or within the scope column (holder, companion):
            # page 1 and the pages after it read the index in order, no sort (docs/perf-explain.md).
            models.Index(fields=["-created_at", "-id"], name="pathways_created_idx"),
            models.Index(fields=["-updated_at", "-id"], name="pathways_updated_idx"),
            models.Index(fields=["project_holder", "-created_at", "-id"], name="pathways_holder_created_idx"),
            models.Index(fields=["project_holder", "-updated_at", "-id"], name="pathways_holder_updated_idx"),
            models.Index(fields=["companion", "-updated_at", "-id"], name="pathways_companion_updated_idx"),
            models.Index(fields=["phase", "-created_at", "-id"], name="pathways_phase_created_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(phase__in=PathwayPhase.values),
                name="pathways_pathway_phase_valid",
                violation_error_message="Phase de parcours inconnue.",
            ),
            models.CheckConstraint(
                condition=~Q(phase=PathwayPhase.ABANDONED) | ~Q(abandon_reason=""),
                name="pathways_pathway_abandon_has_reason",
                violation_error_message="Un parcours abandonné doit indiquer le motif de l'abandon.",
            ),
        ]

    def __str__(self):
        return self.reference or f"Parcours #{self.pk}"


class Contract(models.Model):
    """The contrat de professionnalisation of a pathway (checked by pathways.contracts)."""

    pathway = models.OneToOneField(Pathway, on_delete=models.CASCADE, related_name="contract", verbose_name="parcours")
    signed_on = models.DateField("conclu le", validators=[validate_plausible_date])
    start_date = models.DateField("date de début", validators=[validate_plausible_date])
    end_date = models.DateField("date de fin", validators=[validate_plausible_date])
    weekly_hours = models.DecimalField(
        "durée hebdomadaire (heures)",
        max_digits=4,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("1")), MaxValueValidator(Decimal("48"))],
    )
    monthly_gross_salary = models.DecimalField("salaire mensuel brut (€)", max_digits=8, decimal_places=2)
    tutor_name = models.CharField("nom du tuteur", max_length=255)
    tutor_is_employer = models.BooleanField("le tuteur est l'employeur", default=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "contrat de professionnalisation"
        verbose_name_plural = "contrats de professionnalisation"
        constraints = [
            models.CheckConstraint(
                condition=Q(start_date__gte=models.F("signed_on")),
                name="pathways_contract_starts_after_signature",
                violation_error_message="Le contrat doit commencer le jour de sa signature ou après.",
            ),
            models.CheckConstraint(
                condition=Q(end_date__gt=models.F("start_date")),
                name="pathways_contract_ends_after_start",
                violation_error_message="La date de fin du contrat doit être postérieure à sa date de début.",
            ),
            models.CheckConstraint(
                condition=Q(monthly_gross_salary__gt=0),
                name="pathways_contract_salary_positive",
                violation_error_message="Le salaire mensuel brut doit être supérieur à zéro.",
            ),
        ]

    def __str__(self):
        return f"Contrat du parcours {self.pathway}"


def document_upload_to(instance, filename):
    # A random name: the original file name never reaches the disk or a URL.
    return f"documents/{instance.pathway_id}/{uuid.uuid4().hex}"


class DocumentQuerySet(models.QuerySet):
    def current(self):
        """The pieces in force: not withdrawn."""
        return self.filter(withdrawn_at__isnull=True)


class Document(models.Model):
    pathway = models.ForeignKey(Pathway, on_delete=models.CASCADE, related_name="documents", verbose_name="parcours")
    kind = models.CharField("type de pièce", max_length=30, choices=DocumentKind)
    file = models.FileField("fichier", upload_to=document_upload_to)
    original_name = models.CharField("nom d'origine", max_length=255)
    content_type = models.CharField("type de contenu", max_length=50)
    size = models.PositiveIntegerField("taille (octets)")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="déposé par"
    )
    uploaded_at = models.DateTimeField("déposé le", auto_now_add=True)
    # A wrong piece is withdrawn (and replaced by a new upload) while the phase has not moved on; it stays
    # in the pathway's history of pieces, no longer counted by the workflow's checks.
    withdrawn_at = models.DateTimeField("retiré le", null=True, blank=True, editable=False)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name="retiré par",
    )

    objects = DocumentQuerySet.as_manager()

    class Meta:
        verbose_name = "pièce justificative"
        verbose_name_plural = "pièces justificatives"
        ordering = ["-uploaded_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=DocumentKind.values),
                name="pathways_document_kind_valid",
                violation_error_message="Type de pièce inconnu.",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} — {self.original_name}"


class PlanActionQuerySet(models.QuerySet):
    def visible_to(self, user):
        return scopes.plan_actions_visible(self, user, Pathway.objects.all())


class PlanAction(models.Model):
    """One action of a pathway's pedagogical plan (product.md section 11): what each euro requested pays for."""

    pathway = models.ForeignKey(
        Pathway, on_delete=models.CASCADE, related_name="plan_actions", verbose_name="parcours", editable=False
    )
    kind = models.CharField("nature", max_length=30, choices=PlanActionKind)
    title = models.CharField("intitulé", max_length=255)
    provider_name = models.CharField("organisme", max_length=255, blank=True)
    provider_siret = models.CharField("SIRET de l'organisme", max_length=14, blank=True, validators=[validate_siret])
    skill_blocks = models.ManyToManyField(
        "certifications.SkillBlock", related_name="plan_actions", blank=True, verbose_name="blocs couverts"
    )
    planned_hours = models.DecimalField(
        "heures prévues", max_digits=7, decimal_places=2, validators=[MinValueValidator(Decimal("0.01"))]
    )
    start_date = models.DateField("début", validators=[validate_plausible_date])
    end_date = models.DateField("fin", validators=[validate_plausible_date])
    cost = models.DecimalField(
        "coût (€ HT)", max_digits=9, decimal_places=2, validators=[MinValueValidator(Decimal("0.00"))]
    )
    # Recorded by the companion during delivery.
    realised_hours = models.DecimalField(
        "heures réalisées",
        max_digits=7,
        decimal_places=2,
        null=True,
        blank=True,
        editable=False,
        validators=[MinValueValidator(Decimal("0"))],
    )
    created_at = models.DateTimeField("créée le", auto_now_add=True)
    updated_at = models.DateTimeField("mise à jour le", auto_now=True)
    history = HistoricalRecords(m2m_fields=[skill_blocks])

    objects = PlanActionQuerySet.as_manager()

    class Meta:
        verbose_name = "action du plan pédagogique"
        verbose_name_plural = "actions du plan pédagogique"
        ordering = ["start_date", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=PlanActionKind.values),
                name="pathways_planaction_kind_valid",
                violation_error_message="Nature d'action inconnue.",
            ),
            models.CheckConstraint(
                condition=Q(planned_hours__gt=0),
                name="pathways_planaction_hours_positive",
                violation_error_message="Le nombre d'heures prévues doit être supérieur à zéro.",
            ),
            models.CheckConstraint(
                condition=Q(cost__gte=0),
                name="pathways_planaction_cost_positive",
                violation_error_message="Le coût ne peut pas être négatif.",
            ),
            models.CheckConstraint(
                condition=~Q(kind=PlanActionKind.WORK_ACTIVITY) | Q(cost=0),
                name="pathways_planaction_work_activity_free",
                violation_error_message="Une activité en situation de travail ne coûte rien (0 €).",
            ),
            models.CheckConstraint(
                condition=Q(end_date__gte=models.F("start_date")),
                name="pathways_planaction_ends_after_start",
                violation_error_message="La fin de l'action ne peut pas précéder son début.",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} — {self.title}"

    @property
    def category(self) -> str | None:
        """The funding category of its cost (pathways.enums.PLAN_CATEGORY), None for a work activity."""
        category = PLAN_CATEGORY.get(self.kind)
        return str(category) if category else None

    @property
    def category_label(self) -> str:
        category = PLAN_CATEGORY.get(self.kind)
        return category.label if category else "sans coût"

    @property
    def contract_year(self) -> int | None:
        """The contract year of its start (None without a contract)."""
        contract = getattr(self.pathway, "contract", None)
        if contract is None or self.start_date is None:
            return None
        return year_of_contract(contract.start_date, self.start_date)


class SupportOpinion(models.Model):
    """The companion's opinion on the job ↔ certification match and the pedagogical path."""

    pathway = models.OneToOneField(
        Pathway, on_delete=models.CASCADE, related_name="support_opinion", verbose_name="parcours"
    )
    job_match = models.BooleanField("adéquation poste ↔ certification favorable")
    pedagogical_path = models.BooleanField("parcours pédagogique favorable")
    comment = models.TextField("commentaire", blank=True)
    given_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="rendu par"
    )
    given_at = models.DateTimeField("rendu le", auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "avis d'accompagnement"
        verbose_name_plural = "avis d'accompagnement"

    def __str__(self):
        return f"Avis d'accompagnement — {self.pathway}"

    @property
    def favourable(self) -> bool:
        return self.job_match and self.pedagogical_path


class Admissibility(models.Model):
    """The certifier's admissibility (recevabilité) decision."""

    pathway = models.OneToOneField(
        Pathway, on_delete=models.CASCADE, related_name="admissibility", verbose_name="parcours"
    )
    decision = models.CharField("décision", max_length=20, choices=AdmissibilityDecision)
    comment = models.TextField("commentaire", blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="décidé par"
    )
    decided_at = models.DateTimeField("décidé le", auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "décision de recevabilité"
        verbose_name_plural = "décisions de recevabilité"
        constraints = [
            models.CheckConstraint(
                condition=Q(decision__in=AdmissibilityDecision.values),
                name="pathways_admissibility_decision_valid",
                violation_error_message="Décision de recevabilité inconnue.",
            ),
        ]

    def __str__(self):
        return f"{self.get_decision_display()} — {self.pathway}"


APPEND_ONLY = "Le journal des changements de phase est en ajout seul : une ligne ne se modifie ni ne se supprime."


class AppendOnlyQuerySet(models.QuerySet):
    """The ORM refuses to rewrite the log (the database does too: migration 0005's trigger)."""

    def update(self, **kwargs):
        raise IntegrityError(APPEND_ONLY)

    def delete(self):
        raise IntegrityError(APPEND_ONLY)


class PathwayTransition(models.Model):
    """Append-only log: one row per phase change (who, when, from, to, why)."""

    pathway = models.ForeignKey(Pathway, on_delete=models.CASCADE, related_name="transitions", verbose_name="parcours")
    # The transition of pathways.workflow taken ("renew", "abandon"...): the log says what happened.
    name = models.CharField("transition", max_length=30)
    from_phase = models.CharField("phase de départ", max_length=20, choices=PathwayPhase)
    to_phase = models.CharField("phase d'arrivée", max_length=20, choices=PathwayPhase)
    # RESTRICT: a user who moved a pathway cannot be deleted (traceability).
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.RESTRICT, related_name="+", verbose_name="par")
    at = models.DateTimeField("le", auto_now_add=True)
    comment = models.TextField("commentaire", blank=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = "changement de phase"
        verbose_name_plural = "changements de phase"
        ordering = ["at", "id"]
        indexes = [
            # Median days per phase (indicators) read the log per pathway in time order.
            models.Index(fields=["pathway", "at"], name="pathways_transition_time_idx"),
        ]

    def __str__(self):
        return f"{self.pathway} : {self.from_phase} → {self.to_phase}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise IntegrityError(APPEND_ONLY)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise IntegrityError(APPEND_ONLY)


PROJECT_APPEND_ONLY = (
    "Le journal des décisions sur les projets est en ajout seul : une ligne ne se modifie ni ne se supprime."
)


class ProjectAppendOnlyQuerySet(models.QuerySet):
    """The ORM refuses to rewrite the log (the database does too on PostgreSQL: migration 0009's trigger)."""

    def update(self, **kwargs):
        raise IntegrityError(PROJECT_APPEND_ONLY)

    def delete(self):
        raise IntegrityError(PROJECT_APPEND_ONLY)


class ProjectTransition(models.Model):
    """Append-only log: one row per status change of a project (who, when, from, to, why)."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="transitions", verbose_name="projet")
    # The move of pathways.projects_workflow taken ("submit", "accept"...).
    name = models.CharField("action", max_length=30)
    from_status = models.CharField("statut de départ", max_length=30, choices=ProjectStatus)
    to_status = models.CharField("statut d'arrivée", max_length=30, choices=ProjectStatus)
    # Null: the platform itself (the implicit refusal). RESTRICT: a user who decided cannot be deleted.
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.RESTRICT, null=True, related_name="+", verbose_name="par"
    )
    at = models.DateTimeField("le", auto_now_add=True)
    comment = models.TextField("commentaire", blank=True)

    objects = ProjectAppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = "décision sur un projet"
        verbose_name_plural = "journal des projets"
        # Insertion order: the log is append-only.
        ordering = ["id"]

    def __str__(self):
        return f"{self.project} : {self.from_status} → {self.to_status}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise IntegrityError(PROJECT_APPEND_ONLY)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise IntegrityError(PROJECT_APPEND_ONLY)


class AppendOnlyModel(models.Model):
    """A row written once: never updated nor deleted through the ORM (messages, notes, assignment logs)."""

    APPEND_ONLY = "Cet historique est en ajout seul : une ligne ne se modifie ni ne se supprime."

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise IntegrityError(self.APPEND_ONLY)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise IntegrityError(self.APPEND_ONLY)


class AppendOnlyRecords(AppendOnlyQuerySet):
    def update(self, **kwargs):
        raise IntegrityError(AppendOnlyModel.APPEND_ONLY)

    def delete(self):
        raise IntegrityError(AppendOnlyModel.APPEND_ONLY)


class MessageQuerySet(AppendOnlyRecords):
    def visible_to(self, user):
        """The messages of the pathways a user sees (every organisation of the pathway, and its candidate)."""
        return self.filter(pathway__in=Pathway.objects.visible_to(user))


def attachment_upload_to(instance, filename):
    return f"messages/{instance.pathway_id}/{uuid.uuid4().hex}"


class PathwayMessage(AppendOnlyModel):
    """One message of a pathway's thread, read by every organisation that sees the pathway (section 13)."""

    pathway = models.ForeignKey(Pathway, on_delete=models.CASCADE, related_name="messages", verbose_name="parcours")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.RESTRICT, related_name="+", verbose_name="auteur·rice"
    )
    # The author's organisation when writing (none for the candidate).
    organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.RESTRICT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="organisation",
    )
    body = models.TextField("message", max_length=5000)
    attachment = models.FileField("pièce jointe", upload_to=attachment_upload_to, blank=True)
    attachment_name = models.CharField("nom de la pièce jointe", max_length=255, blank=True)
    attachment_content_type = models.CharField("type de la pièce jointe", max_length=50, blank=True)
    attachment_size = models.PositiveIntegerField("taille de la pièce jointe (octets)", null=True, blank=True)
    created_at = models.DateTimeField("envoyé le", auto_now_add=True)

    objects = MessageQuerySet.as_manager()

    class Meta:
        verbose_name = "message"
        verbose_name_plural = "messages"
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["pathway", "created_at"], name="pathways_message_thread_idx")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(body=""),
                name="pathways_pathwaymessage_body_not_empty",
                violation_error_message="Le message est vide.",
            ),
        ]

    def __str__(self):
        return f"Message de {self.author} — {self.pathway}"


class MessageRead(models.Model):
    """Up to when a user has read a pathway's thread (the unread counters)."""

    pathway = models.ForeignKey(Pathway, on_delete=models.CASCADE, related_name="+", verbose_name="parcours")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name="utilisateur"
    )
    read_at = models.DateTimeField("lu jusqu'au")

    class Meta:
        verbose_name = "lecture d'un fil de messages"
        verbose_name_plural = "lectures des fils de messages"
        constraints = [
            models.UniqueConstraint(fields=["pathway", "user"], name="pathways_messageread_unique"),
        ]

    def __str__(self):
        return f"{self.user} — {self.pathway}"


class NoteQuerySet(AppendOnlyRecords):
    def visible_to(self, user):
        """Internal notes: only the author's organisation's, on what it sees (never another organisation)."""
        return scopes.notes_visible(self, user, Pathway.objects.visible_to(user))


class PathwayNote(AppendOnlyModel):
    """An internal note on a pathway, visible only inside the author's organisation (section 13)."""

    pathway = models.ForeignKey(Pathway, on_delete=models.CASCADE, related_name="notes", verbose_name="parcours")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.RESTRICT, related_name="+", verbose_name="auteur·rice"
    )
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.RESTRICT, related_name="+", verbose_name="organisation"
    )
    body = models.TextField("note", max_length=5000)
    created_at = models.DateTimeField("écrite le", auto_now_add=True)

    objects = NoteQuerySet.as_manager()

    class Meta:
        verbose_name = "note interne"
        verbose_name_plural = "notes internes"
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(body=""),
                name="pathways_pathwaynote_body_not_empty",
                violation_error_message="La note est vide.",
            ),
        ]

    def __str__(self):
        return f"Note de {self.author} — {self.pathway}"


class PathwayAssignment(AppendOnlyModel):
    """Append-only log of who was assigned a pathway (certifier staff), by whom, when."""

    pathway = models.ForeignKey(Pathway, on_delete=models.CASCADE, related_name="assignments", verbose_name="parcours")
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.RESTRICT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="assigné·e à",
    )
    previous = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.RESTRICT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="précédemment",
    )
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.RESTRICT, related_name="+", verbose_name="par")
    at = models.DateTimeField("le", auto_now_add=True)

    objects = AppendOnlyRecords.as_manager()

    class Meta:
        verbose_name = "assignation d'un parcours"
        verbose_name_plural = "assignations des parcours"
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.pathway} → {self.assignee or 'personne'}"


class SmicRate(models.Model):
    """Gross SMIC by date of effect; the contract check takes the row in force on the start date."""

    effective_from = models.DateField("en vigueur à partir du", unique=True)
    hourly_gross = models.DecimalField("SMIC horaire brut (€)", max_digits=6, decimal_places=2)
    monthly_gross_35h = models.DecimalField("SMIC mensuel brut 35 h (€)", max_digits=8, decimal_places=2)

    class Meta:
        verbose_name = "SMIC"
        verbose_name_plural = "SMIC (historique)"
        ordering = ["-effective_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(hourly_gross__gt=0) & Q(monthly_gross_35h__gt=0),
                name="pathways_smicrate_positive",
                violation_error_message="Le SMIC doit être positif.",
            ),
        ]

    def __str__(self):
        return f"SMIC au {self.effective_from:%d/%m/%Y} : {format_euros(self.monthly_gross_35h)} brut / mois"
