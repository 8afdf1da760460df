"""The sync feed's deletions (product.md section 14): `GET /api/v1/tombstones/?updated_since=`.

Every list accepts `?updated_since=` (vae_inversee.api.filtering.UpdatedSinceFilter); what left the API
(a deleted webhook) or lost its personal data (an anonymised candidate) is a tombstone here, seen by the
organisations that could see the object.
"""

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, viewsets

from vae_inversee.api import fields
from vae_inversee.api.permissions import IsMember
from vae_inversee.webhooks.models import Tombstone


class TombstoneSerializer(fields.ModelSerializer):
    resource = serializers.CharField(help_text="La ressource de l'API : candidates, webhooks…")
    reason = serializers.ChoiceField(choices=Tombstone.Reason.choices, help_text="deleted ou anonymised.")

    class Meta:
        model = Tombstone
        fields = ["id", "resource", "object_id", "reason", "updated_at"]
        read_only_fields = fields


@extend_schema_view(
    list=extend_schema(
        summary="Suppressions et anonymisations (synchronisation)",
        description=(
            "Les objets supprimés (`deleted`) ou dont les données personnelles ont été effacées (`anonymised`) : "
            "supprimez-les de votre copie, ou relisez-les. Avec `?updated_since=`, comme toute liste."
        ),
        tags=["synchronisation"],
    )
)
class TombstoneViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = TombstoneSerializer
    permission_classes = [IsMember]

    def get_queryset(self):
        return Tombstone.objects.visible_to(self.request.user).order_by("updated_at", "id")
