from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from vae_inversee.accounts.models import (
    ApiToken,
    CollectiveAgreement,
    IdccOpco,
    Invitation,
    Membership,
    Organisation,
    User,
)
from vae_inversee.lib.admin import ReadOnlyAdmin


class MembershipInline(admin.StackedInline):
    model = Membership
    can_delete = False
    autocomplete_fields = ["organisation"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "first_name", "last_name", "role_label", "organisation_name", "is_active", "is_staff"]
    list_select_related = ["membership__organisation"]
    list_filter = ["membership__role", "is_active", "is_staff"]
    search_fields = ["email", "first_name", "last_name"]
    inlines = [MembershipInline]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Identité", {"fields": ("first_name", "last_name")}),
        ("Droits", {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")}),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)

    @admin.display(description="rôle")
    def role_label(self, user):
        membership = user.membership_or_none
        return membership.get_role_display() if membership else "—"

    @admin.display(description="organisation")
    def organisation_name(self, user):
        membership = user.membership_or_none
        return membership.organisation.name if membership else "—"


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "code", "siret", "region"]
    list_filter = ["kind", "region"]
    search_fields = ["name", "code", "siret"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "organisation", "role", "is_admin"]
    list_filter = ["role", "is_admin"]
    list_select_related = ["user", "organisation"]
    search_fields = ["user__email", "organisation__name"]
    autocomplete_fields = ["organisation"]
    raw_id_fields = ["user"]


@admin.register(IdccOpco)
class IdccOpcoAdmin(admin.ModelAdmin):
    list_display = ["idcc", "opco"]
    list_filter = ["opco"]
    list_select_related = ["opco"]
    search_fields = ["idcc"]


@admin.register(CollectiveAgreement)
class CollectiveAgreementAdmin(admin.ModelAdmin):
    list_display = ["idcc", "label"]
    search_fields = ["idcc", "label"]


@admin.register(ApiToken)
class ApiTokenAdmin(ReadOnlyAdmin):
    """The API tokens, to see and revoke (delete) one; a token is issued by its owner, never here."""

    list_display = ["prefix", "name", "user", "created", "expiry", "last_used"]
    list_select_related = ["user"]
    search_fields = ["user__email", "name", "token_key"]
    fields = ["user", "name", "prefix", "created", "expiry", "last_used"]
    readonly_fields = fields

    @admin.display(description="début du jeton")
    def prefix(self, token):
        return f"{token.prefix}…"

    def has_delete_permission(self, request, obj=None):
        return admin.ModelAdmin.has_delete_permission(self, request, obj)  # deleting a token revokes it


@admin.register(Invitation)
class InvitationAdmin(ReadOnlyAdmin):
    """The invitations, to follow them; an organisation admin sends and revokes them from the portal."""

    list_display = ["email", "organisation", "is_admin", "invited_by", "created_at", "expires_at", "status_label"]
    list_select_related = ["organisation", "invited_by"]
    search_fields = ["email", "organisation__name"]
    fields = [
        "organisation",
        "email",
        "first_name",
        "last_name",
        "is_admin",
        "invited_by",
        "created_at",
        "expires_at",
        "accepted_at",
        "accepted_by",
        "revoked_at",
    ]
    readonly_fields = fields
