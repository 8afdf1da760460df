import uuid
from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Case, F, IntegerField, Q, Value, When
from simple_history.models import HistoricalRecords

from funding import scopes
from funding.enums import (
    DECIDED_STATUSES,
    FundingCategory,
    FundingStatus,
    PaymentBatchStatus,
    PaymentRequestStatus,
)
from funding.money import Amounts, Caps
from pathways.models import AppendOnlyModel, AppendOnlyRecords, search_words
from vae_inversee.accounts.enums import OrganisationKind
from vae_inversee.lib.dates import validate_plausible_date
from vae_inversee.lib.encryption import EncryptedCharField
from vae_inversee.lib.identifiers import validate_bic, validate_iban, validate_siret

ZERO = Decimal("0.00")


def money(verbose_name, **kwargs):
    return models.DecimalField(
        verbose_name, max_digits=9, decimal_places=2, validators=[MinValueValidator(ZERO)], **kwargs
    )


class FundingPolicyQuerySet(models.QuerySet):
    def in_force_on(self, day):
        return self.filter(effective_from__lte=day).order_by("-effective_from").first()


class FundingPolicy(models.Model):
    """Caps per contract year of 12 months (décret 2023-408 art. 2), dated so a change keeps history."""

    effective_from = models.DateField("en vigueur à partir du", unique=True)
    label = models.CharField("intitulé", max_length=255)
    cap_teaching = money("plafond frais pédagogiques (€)")
    cap_design = money("plafond conception et coordination (€)")
    cap_support = money("plafond accompagnement VAE (€)")
    cap_total = money("plafond total (€)")

    objects = FundingPolicyQuerySet.as_manager()

    class Meta:
        verbose_name = "barème de prise en charge"
        verbose_name_plural = "barèmes de prise en charge"
        ordering = ["-effective_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(cap_total__gt=0) & Q(cap_teaching__gte=0) & Q(cap_design__gte=0) & Q(cap_support__gte=0),
                name="funding_fundingpolicy_caps_positive",
                violation_error_message="Les plafonds doivent être positifs.",
            ),
            models.CheckConstraint(
                condition=Q(cap_teaching__lte=F("cap_total"))
                & Q(cap_design__lte=F("cap_total"))
                & Q(cap_support__lte=F("cap_total")),
                name="funding_fundingpolicy_category_within_total",
                violation_error_message="Le plafond d'une catégorie ne peut pas dépasser le plafond total.",
            ),
        ]

    def __str__(self):
        return f"{self.label} (au {self.effective_from:%d/%m/%Y})"


class FundingFileQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The files a user may see (funding.scopes); everything else is a 404."""
        return scopes.funding_files_visible(self, user)

    def decided(self):
        """Approved or rejected: the files that have an agreement (or refusal) PDF."""
        return self.filter(status__in=DECIDED_STATUSES)

    def search(self, text):
        """The files whose pathway the search finds (`Pathway.objects.search`: reference, candidate, employer,
        certification code or title, project holder; accents and case ignored, every word somewhere)."""
        return self.filter(search_words(text, prefix="pathway__"))


# The OPCO queue's first sort key: the files waiting for its decision (0) before the others (1). One
# expression for the ordering (funding.selectors.opco_queue) and the index that serves it.
QUEUE_RANK = Case(When(status=FundingStatus.SUBMITTED, then=Value(0)), default=Value(1), output_field=IntegerField())


class FundingFile(models.Model):
    """The funding request (dossier de prise en charge) of one pathway for one contract year."""

    pathway = models.ForeignKey(
        "pathways.Pathway", on_delete=models.PROTECT, related_name="funding_files", verbose_name="parcours"
    )
    contract_year = models.PositiveSmallIntegerField("année de contrat")
    opco = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="funding_files",
        limit_choices_to={"kind": OrganisationKind.OPCO},
        verbose_name="OPCO destinataire",
        editable=False,
    )
    # Written only by funding.services (the status moves).
    status = models.CharField(
        "statut", max_length=20, choices=FundingStatus, default=FundingStatus.DRAFT, editable=False
    )
    # The policy in force at creation, prorated to the contract year's months, kept on the file.
    policy = models.ForeignKey(
        FundingPolicy, on_delete=models.PROTECT, related_name="funding_files", editable=False, verbose_name="barème"
    )
    months = models.PositiveSmallIntegerField("mois couverts", editable=False)
    cap_teaching = money("plafond frais pédagogiques (€)", editable=False)
    cap_design = money("plafond conception (€)", editable=False)
    cap_support = money("plafond accompagnement (€)", editable=False)
    cap_total = money("plafond total (€)", editable=False)
    requested_teaching = money("frais pédagogiques demandés (€)", default=ZERO)
    requested_design = money("conception demandée (€)", default=ZERO)
    requested_support = money("accompagnement demandé (€)", default=ZERO)
    approved_teaching = money("frais pédagogiques accordés (€)", null=True, blank=True, editable=False)
    approved_design = money("conception accordée (€)", null=True, blank=True, editable=False)
    approved_support = money("accompagnement accordé (€)", null=True, blank=True, editable=False)
    decision_reason = models.TextField("motif", blank=True, editable=False)
    submitted_at = models.DateTimeField("transmis le", null=True, blank=True, editable=False)
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
    agreement = models.FileField("accord de prise en charge (PDF)", upload_to="agreements/", blank=True, editable=False)
    # The OPCO's staff member in charge of the file; written only by funding.services.funding_file_assign.
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assigned_funding_files",
        editable=False,
        verbose_name="gestionnaire assigné·e",
    )
    created_at = models.DateTimeField("créé le", auto_now_add=True)
    updated_at = models.DateTimeField("mis à jour le", auto_now=True)
    history = HistoricalRecords(excluded_fields=["agreement"])

    objects = FundingFileQuerySet.as_manager()

    class Meta:
        verbose_name = "dossier de prise en charge"
        verbose_name_plural = "dossiers de prise en charge"
        ordering = ["submitted_at", "created_at", "id"]
        indexes = [
            # The OPCO queue: its files by status, oldest first.
            models.Index(fields=["opco", "status", "submitted_at"], name="funding_queue_idx"),
            # The API's queue order (the model's ordering) within the OPCO.
            models.Index(fields=["opco", "submitted_at", "created_at", "id"], name="funding_opco_submitted_idx"),
            # The portal's queue order (funding.selectors.opco_queue: those to decide first): the same
            # expressions, so that the page reads the index in order instead of sorting every file.
            models.Index(
                F("opco"),
                QUEUE_RANK,
                F("submitted_at"),  # ascending: nulls last on PostgreSQL, as the queue sorts them
                F("created_at"),
                F("id"),
                name="funding_opco_queue_rank_idx",
            ),
            # The Ministry's list (most recently updated first).
            models.Index(fields=["-updated_at", "-id"], name="funding_updated_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["pathway", "contract_year"],
                name="funding_fundingfile_unique_year",
                violation_error_message="Un dossier existe déjà pour cette année de contrat.",
            ),
            models.CheckConstraint(
                condition=Q(contract_year__gte=1, contract_year__lte=3),
                name="funding_fundingfile_year_range",
                violation_error_message="L'année de contrat est comprise entre 1 et 3 (36 mois au plus).",
            ),
            models.CheckConstraint(
                condition=Q(status__in=FundingStatus.values),
                name="funding_fundingfile_status_valid",
                violation_error_message="Statut de dossier inconnu.",
            ),
            models.CheckConstraint(
                condition=Q(requested_teaching__gte=0, requested_design__gte=0, requested_support__gte=0),
                name="funding_fundingfile_requested_positive",
                violation_error_message="Les montants demandés ne peuvent pas être négatifs.",
            ),
            models.CheckConstraint(
                condition=Q(requested_teaching__lte=F("cap_teaching"))
                & Q(requested_design__lte=F("cap_design"))
                & Q(requested_support__lte=F("cap_support")),
                name="funding_fundingfile_requested_within_caps",
                violation_error_message="Un montant demandé dépasse le plafond de sa catégorie.",
            ),
            models.CheckConstraint(
                condition=Q(cap_total__gte=F("requested_teaching") + F("requested_design") + F("requested_support")),
                name="funding_fundingfile_requested_within_total",
                violation_error_message="Le total demandé dépasse le plafond total.",
            ),
            models.CheckConstraint(
                condition=(
                    Q(approved_teaching__isnull=True, approved_design__isnull=True, approved_support__isnull=True)
                    | Q(
                        approved_teaching__gte=0,
                        approved_design__gte=0,
                        approved_support__gte=0,
                        approved_teaching__lte=F("requested_teaching"),
                        approved_design__lte=F("requested_design"),
                        approved_support__lte=F("requested_support"),
                    )
                ),
                name="funding_fundingfile_approved_within_requested",
                violation_error_message="Un montant accordé ne peut pas dépasser le montant demandé.",
            ),
            models.CheckConstraint(
                condition=~Q(status=FundingStatus.APPROVED)
                | Q(approved_teaching__isnull=False, decided_at__isnull=False),
                name="funding_fundingfile_approved_coherence",
                violation_error_message="Un dossier accordé doit porter les montants accordés et la date de décision.",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=[FundingStatus.REJECTED, FundingStatus.CHANGES_REQUESTED])
                | ~Q(decision_reason=""),
                name="funding_fundingfile_reason_required",
                violation_error_message="Un refus ou une demande de compléments doit être motivé.",
            ),
        ]

    def __str__(self):
        return f"Dossier {self.pathway} — année {self.contract_year}"

    @property
    def requested(self) -> Amounts:
        return Amounts.from_fields(self, "requested")

    @requested.setter
    def requested(self, amounts: Amounts):
        for name, value in amounts.as_fields("requested").items():
            setattr(self, name, value)

    @property
    def approved(self) -> Amounts | None:
        return Amounts.from_fields(self, "approved")

    @approved.setter
    def approved(self, amounts: Amounts):
        for name, value in amounts.as_fields("approved").items():
            setattr(self, name, value)

    @property
    def caps(self) -> Caps:
        return Caps(categories=Amounts.from_fields(self, "cap"), total=self.cap_total, months=self.months)

    @caps.setter
    def caps(self, caps: Caps):
        for name, value in caps.categories.as_fields("cap").items():
            setattr(self, name, value)
        self.cap_total, self.months = caps.total, caps.months

    @property
    def requested_total(self) -> Decimal:
        return self.requested.total

    @property
    def approved_total(self) -> Decimal | None:
        approved = self.approved
        return approved.total if approved is not None else None

    @property
    def agreement_filename(self) -> str:
        return f"accord-{self.pathway.reference}-annee-{self.contract_year}.pdf"


# ---- bank details, payment requests and batches (product.md section 12) ---------------------------------


class BankAccountQuerySet(models.QuerySet):
    def visible_to(self, user):
        return scopes.bank_accounts_visible(self, user)


class BankAccount(models.Model):
    """The bank details of an organisation: a project holder's (the payee) or an OPCO's (the payer)."""

    organisation = models.OneToOneField(
        "accounts.Organisation",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="bank_account",
        verbose_name="organisation",
    )
    account_holder = models.CharField("titulaire du compte", max_length=70)
    # Encrypted at rest like the NIR; shown masked outside the organisation's own page.
    iban = EncryptedCharField("IBAN", max_length=34, validators=[validate_iban])
    bic = models.CharField("BIC", max_length=11, validators=[validate_bic])
    updated_at = models.DateTimeField("mis à jour le", auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", editable=False, verbose_name="par"
    )

    objects = BankAccountQuerySet.as_manager()

    class Meta:
        verbose_name = "coordonnées bancaires"
        verbose_name_plural = "coordonnées bancaires"

    def __str__(self):
        return f"{self.account_holder} — {self.masked_iban}"

    @property
    def masked_iban(self) -> str:
        """The IBAN as shown elsewhere: its country, key and last four characters ("FR76 ···· 0189")."""
        return f"{self.iban[:4]} ···· {self.iban[-4:]}" if self.iban else ""


class PaymentBatchQuerySet(models.QuerySet):
    def visible_to(self, user):
        return scopes.payment_batches_visible(self, user)


class PaymentBatch(models.Model):
    """Approved payment requests an OPCO pays together (one SEPA credit transfer file)."""

    reference = models.CharField("référence", max_length=30, unique=True, null=True, blank=True, editable=False)
    opco = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="payment_batches",
        limit_choices_to={"kind": OrganisationKind.OPCO},
        editable=False,
        verbose_name="OPCO",
    )
    status = models.CharField(
        "statut", max_length=10, choices=PaymentBatchStatus, default=PaymentBatchStatus.CREATED, editable=False
    )
    created_at = models.DateTimeField("créé le", auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", editable=False, verbose_name="créé par"
    )
    # The sync feed's moment (`?updated_since=`): a batch changes when it is marked paid.
    updated_at = models.DateTimeField("mis à jour le", auto_now=True)
    paid_on = models.DateField("payé le", null=True, blank=True, editable=False, validators=[validate_plausible_date])
    paid_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name="marqué payé par",
    )
    history = HistoricalRecords()

    objects = PaymentBatchQuerySet.as_manager()

    class Meta:
        verbose_name = "lot de paiement"
        verbose_name_plural = "lots de paiement"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=PaymentBatchStatus.values),
                name="funding_paymentbatch_status_valid",
                violation_error_message="Statut de lot inconnu.",
            ),
            models.CheckConstraint(
                condition=~Q(status=PaymentBatchStatus.PAID) | Q(paid_on__isnull=False),
                name="funding_paymentbatch_paid_dated",
                violation_error_message="Un lot payé porte sa date de paiement.",
            ),
        ]

    def __str__(self):
        return self.reference or f"Lot #{self.pk}"


class PaymentRequestQuerySet(models.QuerySet):
    def visible_to(self, user):
        return scopes.payment_requests_visible(self, user)


def invoice_upload_to(instance, filename):
    # A random name: the original file name never reaches the disk or a URL.
    return f"invoices/{instance.funding_file_id}/{uuid.uuid4().hex}"


class PaymentRequest(models.Model):
    """A payment request on an invoice, against an approved funding file (product.md section 12)."""

    funding_file = models.ForeignKey(
        FundingFile,
        on_delete=models.PROTECT,
        related_name="payment_requests",
        editable=False,
        verbose_name="dossier de financement",
    )
    category = models.CharField("catégorie", max_length=20, choices=FundingCategory)
    amount = money("montant demandé (€ HT)")
    invoice_number = models.CharField("numéro de facture", max_length=50)
    invoice_date = models.DateField("date de facture", validators=[validate_plausible_date])
    provider_name = models.CharField("organisme facturant", max_length=255)
    provider_siret = models.CharField("SIRET de l'organisme", max_length=14, validators=[validate_siret])
    period_start = models.DateField("début de la période facturée", validators=[validate_plausible_date])
    period_end = models.DateField("fin de la période facturée", validators=[validate_plausible_date])
    realised_hours = models.DecimalField(
        "heures réalisées", max_digits=7, decimal_places=2, null=True, blank=True,
        validators=[MinValueValidator(ZERO)],
    )  # fmt: skip
    invoice = models.FileField("facture (PDF)", upload_to=invoice_upload_to, editable=False)
    invoice_name = models.CharField("nom d'origine de la facture", max_length=255, editable=False)
    status = models.CharField(
        "statut", max_length=20, choices=PaymentRequestStatus, default=PaymentRequestStatus.SUBMITTED, editable=False
    )
    approved_amount = money("montant accepté (€ HT)", null=True, blank=True, editable=False)
    decision_reason = models.TextField("motif", blank=True, editable=False)
    decided_at = models.DateTimeField("décidée le", null=True, blank=True, editable=False)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name="décidée par",
    )
    batch = models.ForeignKey(
        PaymentBatch,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="requests",
        editable=False,
        verbose_name="lot de paiement",
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", editable=False, verbose_name="déposée par"
    )
    created_at = models.DateTimeField("déposée le", auto_now_add=True)
    updated_at = models.DateTimeField("mise à jour le", auto_now=True)
    history = HistoricalRecords(excluded_fields=["invoice"])

    objects = PaymentRequestQuerySet.as_manager()

    class Meta:
        verbose_name = "demande de paiement"
        verbose_name_plural = "demandes de paiement"
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["status", "created_at"], name="funding_payment_queue_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["provider_siret", "invoice_number"],
                name="funding_paymentrequest_invoice_once",
                violation_error_message="Cette facture (même numéro, même organisme) a déjà fait l'objet d'une demande.",
            ),
            models.CheckConstraint(
                condition=Q(status__in=PaymentRequestStatus.values),
                name="funding_paymentrequest_status_valid",
                violation_error_message="Statut de demande inconnu.",
            ),
            models.CheckConstraint(
                condition=Q(category__in=FundingCategory.values),
                name="funding_paymentrequest_category_valid",
                violation_error_message="Catégorie inconnue.",
            ),
            models.CheckConstraint(
                condition=Q(amount__gt=0),
                name="funding_paymentrequest_amount_positive",
                violation_error_message="Le montant demandé doit être supérieur à zéro.",
            ),
            models.CheckConstraint(
                condition=Q(approved_amount__isnull=True) | Q(approved_amount__gte=0, approved_amount__lte=F("amount")),
                name="funding_paymentrequest_approved_within_amount",
                violation_error_message="Le montant accepté ne peut pas dépasser le montant demandé.",
            ),
            models.CheckConstraint(
                condition=Q(period_end__gte=F("period_start")),
                name="funding_paymentrequest_period_ordered",
                violation_error_message="La fin de la période ne peut pas précéder son début.",
            ),
            models.CheckConstraint(
                condition=~Q(status=PaymentRequestStatus.REJECTED) | ~Q(decision_reason=""),
                name="funding_paymentrequest_reason_required",
                violation_error_message="Un refus doit être motivé.",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=[PaymentRequestStatus.APPROVED, PaymentRequestStatus.PAID])
                | Q(approved_amount__isnull=False, decided_at__isnull=False),
                name="funding_paymentrequest_approved_coherence",
                violation_error_message="Une demande acceptée porte le montant accepté et la date de décision.",
            ),
            models.CheckConstraint(
                condition=~Q(status=PaymentRequestStatus.PAID) | Q(batch__isnull=False),
                name="funding_paymentrequest_paid_in_batch",
                violation_error_message="Une demande payée appartient à un lot de paiement.",
            ),
        ]

    def __str__(self):
        return f"Facture {self.invoice_number} — {self.provider_name}"

    @property
    def counted_amount(self) -> Decimal:
        """What it takes from the category's approved amount: the amount accepted once decided, else asked."""
        return self.approved_amount if self.approved_amount is not None else self.amount


class FundingNoteQuerySet(AppendOnlyRecords):
    def visible_to(self, user):
        """Internal notes: only the author's organisation's, on the files it sees."""
        return scopes.notes_visible(self, user, FundingFile.objects.visible_to(user))


class FundingFileNote(AppendOnlyModel):
    """An internal note on a funding file, visible only inside the author's organisation (section 13)."""

    funding_file = models.ForeignKey(
        FundingFile, on_delete=models.CASCADE, related_name="notes", verbose_name="dossier de financement"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.RESTRICT, related_name="+", verbose_name="auteur·rice"
    )
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.RESTRICT, related_name="+", verbose_name="organisation"
    )
    body = models.TextField("note", max_length=5000)
    created_at = models.DateTimeField("écrite le", auto_now_add=True)

    objects = FundingNoteQuerySet.as_manager()

    class Meta:
        verbose_name = "note interne sur un dossier"
        verbose_name_plural = "notes internes sur les dossiers"
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(body=""),
                name="funding_fundingfilenote_body_not_empty",
                violation_error_message="La note est vide.",
            ),
        ]

    def __str__(self):
        return f"Note de {self.author} — {self.funding_file}"


class FundingFileAssignment(AppendOnlyModel):
    """Append-only log of who was assigned a funding file (OPCO staff), by whom, when."""

    funding_file = models.ForeignKey(
        FundingFile, on_delete=models.CASCADE, related_name="assignments", verbose_name="dossier de financement"
    )
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
        verbose_name = "assignation d'un dossier"
        verbose_name_plural = "assignations des dossiers"
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.funding_file} → {self.assignee or 'personne'}"
