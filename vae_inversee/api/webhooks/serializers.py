from rest_framework import serializers

from vae_inversee.api import fields
from vae_inversee.webhooks import events
from vae_inversee.webhooks.models import WebhookDelivery, WebhookEndpoint


class WebhookSerializer(fields.ModelSerializer):
    events = serializers.ListField(
        child=serializers.ChoiceField(choices=events.choices()),
        allow_empty=False,
        help_text="Les événements reçus (product.md section 14).",
    )
    secret = serializers.SerializerMethodField(
        help_text="Le secret de signature (`whsec_…`), renvoyé une seule fois : à la création et au renouvellement."
    )

    class Meta:
        model = WebhookEndpoint
        fields = [
            "id",
            "url",
            "description",
            "events",
            "active",
            "disabled_reason",
            "consecutive_failures",
            "secret",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["disabled_reason", "consecutive_failures", "created_at", "updated_at"]

    def get_secret(self, endpoint) -> str | None:
        return endpoint.secret if self.context.get("show_secret") else None


class WebhookDeliverySerializer(fields.ModelSerializer):
    event = serializers.CharField(source="message.event.name", help_text="Le nom de l'événement.")
    message_id = serializers.CharField(source="message.msg_id", help_text="L'en-tête `webhook-id` envoyé.")
    object_id = serializers.IntegerField(source="message.event.object_id")
    delivered_at = serializers.DateTimeField(source="at", help_text="Le moment de la tentative.")
    message_status = serializers.CharField(source="message.status")

    class Meta:
        model = WebhookDelivery
        fields = [
            "id",
            "event",
            "message_id",
            "object_id",
            "attempt",
            "status_code",
            "succeeded",
            "error",
            "duration_ms",
            "manual",
            "delivered_at",
            "message_status",
        ]
        read_only_fields = fields
