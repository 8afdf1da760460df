import hashlib

from django.contrib.auth.base_user import BaseUserManager
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone

# django-rest-knox's abstract token (digest, key prefix, expiry) and its manager, which creates a token
# and returns its value once. Only the model is used here (pyproject.toml's import contracts allow
# `accounts.models -> knox` and nothing else of knox in the domain); knox's authentication is in the API.
from knox.models import AbstractAuthToken, AuthTokenManager
from knox.settings import CONSTANTS

from vae_inversee.accounts.enums import MEMBER_ROLE_CHOICES, MEMBER_ROLES, OrganisationKind, Role
from vae_inversee.accounts.policy import role_fits, role_of_kind
from vae_inversee.lib.identifiers import validate_idcc, validate_siret


def normalize_login(value) -> str:
    """The account a login attempt counts against: the e-mail as typed, trimmed and case-folded.

    Logins are case-insensitive on the e-mail (UserManager.get_by_natural_key), so the lockouts and the
    throttles count « Claire@Exemple.fr » and « claire@exemple.fr » as the same account.
    """
    return str(value or "").strip().casefold()


def password_fingerprint(user) -> str:
    """What an API token remembers of the password its user had when it was issued.

    A token works only while its user's stored password hash is unchanged: whichever way the password
    changes (portal, admin form, `set_password()` then `save()`, `manage.py changepassword`, even a raw
    UPDATE), every token issued before stops working, with nothing to call. The hash is salted and stays
    in the user table; its SHA-256 reveals nothing about the password.
    """
    return hashlib.sha256(user.password.encode()).hexdigest()


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("L'adresse électronique est obligatoire.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)

    def get_by_natural_key(self, email):
        # Logins are case-insensitive on the e-mail.
        return self.get(email__iexact=email)


class User(AbstractUser):
    """A person who logs in with an e-mail address; belongs to at most one organisation."""

    username = None
    email = models.EmailField("adresse électronique", unique=True)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = []

    objects = UserManager()

    class Meta:
        verbose_name = "utilisateur"
        verbose_name_plural = "utilisateurs"
        ordering = ["last_name", "first_name", "email"]

    def __str__(self):
        full_name = self.get_full_name()
        return f"{full_name} <{self.email}>" if full_name else self.email

    @property
    def membership_or_none(self):
        try:
            return self.membership
        except Membership.DoesNotExist:
            return None

    @property
    def candidate_or_none(self):
        """The candidate record this account follows (pathways.Candidate.user), if any."""
        try:
            return self.candidate_record
        except ObjectDoesNotExist:
            return None

    @property
    def role(self) -> str | None:
        membership = self.membership_or_none
        if membership:
            return membership.role
        # A member is never a candidate too: the candidate's role only without a membership.
        return Role.CANDIDATE if self.pk and self.candidate_or_none else None

    @property
    def organisation(self):
        membership = self.membership_or_none
        return membership.organisation if membership else None


class OrganisationQuerySet(models.QuerySet):
    def of_kind(self, kind):
        return self.filter(kind=kind)

    def opcos(self):
        return self.filter(kind=OrganisationKind.OPCO)


class Organisation(models.Model):
    """One of the five kinds of organisation that use the platform (product.md section 2)."""

    name = models.CharField("nom", max_length=255)
    kind = models.CharField("type", max_length=20, choices=OrganisationKind)
    siret = models.CharField(
        "SIRET", max_length=14, blank=True, validators=[validate_siret], help_text="14 chiffres, sans espace."
    )
    # The OPCO's code as in the national list (AKTO, ATLAS...); set only for OPCOs.
    code = models.CharField("code", max_length=20, blank=True)
    scope = models.TextField("champ d'intervention", blank=True)
    region = models.CharField("région", max_length=100, blank=True)
    created_at = models.DateTimeField("créée le", auto_now_add=True)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = "organisation"
        verbose_name_plural = "organisations"
        ordering = ["kind", "name"]
        constraints = [
            # Used by the IDCC → OPCO lookup and the employer's OPCO (the code is the OPCO's key).
            models.UniqueConstraint(
                fields=["code"],
                condition=Q(kind=OrganisationKind.OPCO),
                name="accounts_organisation_unique_opco_code",
                violation_error_message="Un OPCO portant ce code existe déjà.",
            ),
            models.CheckConstraint(
                condition=~Q(kind=OrganisationKind.OPCO) | ~Q(code=""),
                name="accounts_organisation_opco_has_code",
                violation_error_message="Un OPCO doit avoir un code (ex. AKTO).",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=OrganisationKind.values),
                name="accounts_organisation_kind_valid",
                violation_error_message="Type d'organisation inconnu.",
            ),
        ]

    def __str__(self):
        return self.name


class Membership(models.Model):
    """The one organisation a user belongs to, and the role the user holds there."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="membership", verbose_name="utilisateur")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="memberships", verbose_name="organisation"
    )
    role = models.CharField("rôle", max_length=20, choices=MEMBER_ROLE_CHOICES)
    # An organisation admin invites colleagues, names other admins and deactivates leavers; every
    # organisation keeps at least one active admin (`accounts.services`, product.md section 2).
    is_admin = models.BooleanField("administrateur·rice de l'organisation", default=False)
    created_at = models.DateTimeField("créé le", auto_now_add=True)

    class Meta:
        verbose_name = "rattachement"
        verbose_name_plural = "rattachements"
        constraints = [
            models.CheckConstraint(
                condition=Q(role__in=sorted(MEMBER_ROLES)),
                name="accounts_membership_role_valid",
                violation_error_message="Rôle inconnu.",
            ),
        ]

    def __str__(self):
        return f"{self.user.email} — {self.get_role_display()} ({self.organisation})"

    @staticmethod
    def role_for(organisation) -> str:
        """The role of a member of this organisation (one role per organisation kind)."""
        return role_of_kind(organisation.kind)

    def clean(self):
        # The role must be the one of the organisation's kind: an OPCO has OPCO staff, etc.
        if self.organisation_id and self.role and not role_fits(self.role, self.organisation.kind):
            raise ValidationError(
                {
                    "role": (
                        f"Le rôle « {Role(self.role).label} » ne correspond pas au type de l'organisation "
                        f"« {self.organisation.get_kind_display()} »."
                    )
                }
            )


class InvitationQuerySet(models.QuerySet):
    def pending(self, now=None):
        """Neither accepted, revoked nor expired."""
        now = now or timezone.now()
        return self.filter(accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=now)


class Invitation(models.Model):
    """An organisation admin's invitation of a colleague by e-mail; it expires after 7 days and can be revoked.

    Only the digest of the link's secret is stored; accepting it creates the account and its membership.
    """

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="invitations", verbose_name="organisation"
    )
    email = models.EmailField("adresse électronique")
    first_name = models.CharField("prénom", max_length=150, blank=True)
    last_name = models.CharField("nom", max_length=150, blank=True)
    is_admin = models.BooleanField("administrateur·rice de l'organisation", default=False)
    digest = models.CharField("empreinte du lien", max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="invitations_sent", verbose_name="invité·e par"
    )
    created_at = models.DateTimeField("créée le", auto_now_add=True)
    expires_at = models.DateTimeField("expire le")
    accepted_at = models.DateTimeField("acceptée le", null=True, blank=True)
    accepted_by = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="invitation_accepted",
        verbose_name="compte créé",
    )
    revoked_at = models.DateTimeField("révoquée le", null=True, blank=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        verbose_name = "invitation"
        verbose_name_plural = "invitations"
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.email} → {self.organisation}"

    @property
    def status_label(self) -> str:
        if self.accepted_at:
            return "Acceptée"
        if self.revoked_at:
            return "Révoquée"
        if self.expires_at <= timezone.now():
            return "Expirée"
        return "En attente"


class CollectiveAgreement(models.Model):
    """A collective agreement (convention collective), by its IDCC."""

    idcc = models.CharField("IDCC", max_length=4, primary_key=True, validators=[validate_idcc])
    label = models.TextField("intitulé")

    class Meta:
        verbose_name = "convention collective"
        verbose_name_plural = "conventions collectives"
        ordering = ["idcc"]

    def __str__(self):
        return f"{self.idcc} — {self.label}"


class IdccOpco(models.Model):
    """The OPCO an employer depends on, from the IDCC of its collective agreement."""

    idcc = models.CharField("IDCC", max_length=4, primary_key=True, validators=[validate_idcc])
    opco = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="idccs",
        limit_choices_to={"kind": OrganisationKind.OPCO},
        verbose_name="OPCO",
    )

    class Meta:
        verbose_name = "correspondance IDCC → OPCO"
        verbose_name_plural = "correspondances IDCC → OPCO"
        ordering = ["idcc"]

    def __str__(self):
        return f"{self.idcc} → {self.opco.code}"


# What each request asks of its signed-in user (role, organisation, scope): read with the user, in one query.
MEMBER_RELATED = "membership__organisation"


class ApiTokenManager(AuthTokenManager):
    def get_queryset(self):
        # knox finds the token with `select_related("user")`: the user's membership comes in the same query.
        return super().get_queryset().select_related(f"user__{MEMBER_RELATED}")


class ApiToken(AbstractAuthToken):
    """An API token (django-rest-knox): only its digest is stored; it expires and its owner revokes it.

    It stops working when the password changes (`password_fingerprint`) or the account is deactivated.
    `id` replaces knox's digest as the primary key so that clients can list and revoke tokens by id.
    """

    id = models.BigAutoField(primary_key=True)
    digest = models.CharField(max_length=CONSTANTS.DIGEST_LENGTH, unique=True, editable=False)
    # knox's authentication reads `user.auth_token_set`.
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="auth_token_set", verbose_name="utilisateur")
    name = models.CharField("libellé", max_length=100, blank=True)
    created = models.DateTimeField("créé le", auto_now_add=True)
    expiry = models.DateTimeField("expire le")
    last_used = models.DateTimeField("dernière utilisation", null=True, blank=True)
    password_fingerprint = models.CharField("empreinte du mot de passe", max_length=64, editable=False)

    objects = ApiTokenManager()

    class Meta:
        verbose_name = "jeton d'API"
        verbose_name_plural = "jetons d'API"
        ordering = ["-created"]

    def __str__(self):
        return f"{self.name or 'Jeton'} ({self.token_key[:8]}…) — {self.user.email}"

    @property
    def prefix(self) -> str:
        """The first characters of the token's value, to recognise it in a list (knox keeps 15)."""
        return self.token_key[:8]

    def still_valid(self) -> bool:
        """Not expired, its user active, and the password unchanged since it was issued."""
        return (
            self.expiry > timezone.now()
            and self.user.is_active
            and self.password_fingerprint == password_fingerprint(self.user)
        )


class SavedFilter(models.Model):
    """A named set of a list's filters (its query string), which only its user sees (product.md section 13)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="saved_filters", verbose_name="utilisateur")
    # The URL name of the list (« pathways:project_holder_home »): the saved set is applied on that page.
    list_key = models.CharField("liste", max_length=80)
    name = models.CharField("nom", max_length=80)
    query = models.CharField("filtres", max_length=2000, blank=True)
    created_at = models.DateTimeField("créé le", auto_now_add=True)

    class Meta:
        verbose_name = "filtres enregistrés"
        verbose_name_plural = "filtres enregistrés"
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["user", "list_key", "name"], name="saved_filter_unique_name"),
        ]

    def __str__(self):
        return f"{self.name} ({self.list_key}) — {self.user.email}"
