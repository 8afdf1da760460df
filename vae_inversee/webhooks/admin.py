from django.contrib import admin

from vae_inversee.lib.admin import ReadOnlyAdmin
from vae_inversee.webhooks.models import Tombstone, WebhookDelivery, WebhookEndpoint, WebhookMessage


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(ReadOnlyAdmin):
    """A window: an organisation's admins manage their webhooks (portal, API); the secret is never shown."""

    list_display = ["id", "organisation", "url", "active", "consecutive_failures", "disabled_reason", "created_at"]
    list_filter = ["active"]
    search_fields = ["url", "organisation__name"]
    exclude = ["secret"]


@admin.register(WebhookMessage)
class WebhookMessageAdmin(ReadOnlyAdmin):
    list_display = ["msg_id", "endpoint", "event", "status", "attempts", "next_attempt_at", "delivered_at"]
    list_filter = ["status"]
    search_fields = ["msg_id", "endpoint__url"]


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(ReadOnlyAdmin):
    list_display = ["id", "endpoint", "message", "attempt", "at", "status_code", "succeeded", "manual", "error"]
    list_filter = ["succeeded", "manual"]


@admin.register(Tombstone)
class TombstoneAdmin(ReadOnlyAdmin):
    list_display = ["id", "resource", "object_id", "reason", "updated_at"]
    list_filter = ["resource", "reason"]
