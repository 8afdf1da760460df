"""The pedagogical plan API (product.md sections 11 and 16): `plan-actions`, filter `?pathway=`. The
project holder writes the actions, the companion records the hours realised; every write calls the
service the portal calls (pathways.services), which checks the phase, the contract and the funding."""

import django_filters
from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from certifications.models import SkillBlock
from pathways import services
from pathways.models import Pathway, PlanAction
from vae_inversee.api import fields
from vae_inversee.api.fields import VisibleRelatedField, _related_messages
from vae_inversee.api.filtering import IdFilter
from vae_inversee.api.permissions import ActionPermission, IsMember
from vae_inversee.api.schema import WRITE_ERRORS


class PlanActionFilter(django_filters.FilterSet):
    pathway = IdFilter(field_name="pathway_id", label="Parcours", help_text="Identifiant du parcours.")

    class Meta:
        model = PlanAction
        fields = ["pathway"]


class PlanActionSerializer(fields.ModelSerializer):
    pathway = VisibleRelatedField(
        Pathway,
        help_text="Le parcours (fixé à la création).",
        error_messages=_related_messages("Aucun parcours de votre périmètre ne porte l'identifiant {pk_value}."),
    )
    skill_blocks = serializers.ManyRelatedField(
        child_relation=serializers.PrimaryKeyRelatedField(
            queryset=SkillBlock.objects.all(),
            error_messages=_related_messages("Aucun bloc de compétences ne porte l'identifiant {pk_value}."),
        ),
        required=False,
        help_text="Blocs visés couverts (ids).",
    )
    planned_hours = serializers.DecimalField(max_digits=7, decimal_places=2)
    cost = serializers.DecimalField(max_digits=9, decimal_places=2, help_text="Coût en euros HT (0 pour une activité).")
    realised_hours = serializers.DecimalField(max_digits=7, decimal_places=2, read_only=True, allow_null=True)
    category = serializers.CharField(read_only=True, allow_null=True, help_text="teaching, design, support ou null.")
    contract_year = serializers.IntegerField(read_only=True, allow_null=True)

    class Meta:
        model = PlanAction
        fields = [
            "id", "pathway", "kind", "title", "provider_name", "provider_siret", "skill_blocks", "planned_hours",
            "start_date", "end_date", "cost", "realised_hours", "category", "contract_year", "created_at",
            "updated_at",
        ]  # fmt: skip
        read_only_fields = ["created_at", "updated_at"]
        extra_kwargs = {"provider_name": {"required": False}, "provider_siret": {"required": False}}

    def get_fields(self):
        fields_ = super().get_fields()
        if self.instance is not None and not isinstance(self.instance, list | tuple) and hasattr(self.instance, "pk"):
            fields_["pathway"].read_only = True
        return fields_

    def validate_provider_siret(self, value):
        # The service checks it (the Luhn key, in French) once compacted.
        return value

    def run_validators(self, value):
        # The model's checks are the service's (every error at once, in French).
        return None

    def build_standard_field(self, field_name, model_field):
        field_class, kwargs = super().build_standard_field(field_name, model_field)
        kwargs.pop("validators", None)
        return field_class, kwargs


class RealisedHoursSerializer(fields.Serializer):
    realised_hours = serializers.DecimalField(max_digits=7, decimal_places=2, min_value=0, allow_null=True)


@extend_schema_view(
    list=extend_schema(summary="Lister les actions du plan pédagogique", description="Filtre `?pathway=`."),
    retrieve=extend_schema(summary="Consulter une action du plan"),
    create=extend_schema(
        summary="Ajouter une action au plan (porteur de projet)", responses={201: PlanActionSerializer, **WRITE_ERRORS}
    ),
    update=extend_schema(summary="Modifier une action du plan", responses={200: PlanActionSerializer, **WRITE_ERRORS}),
    partial_update=extend_schema(
        summary="Modifier en partie une action du plan", responses={200: PlanActionSerializer, **WRITE_ERRORS}
    ),
    destroy=extend_schema(summary="Retirer une action du plan", responses={204: None, **WRITE_ERRORS}),
)
class PlanActionViewSet(viewsets.ModelViewSet):
    """The actions of a pathway's pedagogical plan (section 11); `category` and `contract_year` are derived."""

    serializer_class = PlanActionSerializer
    filterset_class = PlanActionFilter
    permission_classes = [IsMember, ActionPermission]
    action_policy = {
        **dict.fromkeys(("create", "update", "partial_update", "destroy"), "plan_action.write"),
        "realise": "plan_action.realise",
    }

    def get_queryset(self):
        return (
            PlanAction.objects.visible_to(self.request.user)
            .select_related("pathway__contract")
            .prefetch_related(Prefetch("skill_blocks", queryset=SkillBlock.objects.only("pk")))
            .order_by("pathway_id", "start_date", "id")
        )

    def _data(self, validated):
        data = dict(validated)
        data.pop("pathway", None)
        return data

    def _respond(self, plan_action, code=status.HTTP_200_OK):
        return Response(PlanActionSerializer(self.get_queryset().get(pk=plan_action.pk)).data, status=code)

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        pathway = serializer.validated_data["pathway"]
        plan_action = services.plan_action_save(
            acting_user=request.user, pathway=pathway, **self._data(serializer.validated_data)
        )
        return self._respond(plan_action, status.HTTP_201_CREATED)

    def update(self, request, *args, partial=False, **kwargs):
        plan_action = self.get_object()
        serializer = self.get_serializer(plan_action, data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        plan_action = services.plan_action_save(
            acting_user=request.user,
            pathway=plan_action.pathway,
            plan_action=plan_action,
            **self._data(serializer.validated_data),
        )
        return self._respond(plan_action)

    def destroy(self, request, *args, **kwargs):
        services.plan_action_delete(acting_user=request.user, plan_action=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        summary="Enregistrer les heures réalisées (accompagnateur)",
        request=RealisedHoursSerializer,
        responses={200: PlanActionSerializer, **WRITE_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def realise(self, request, pk=None):
        plan_action = self.get_object()
        serializer = RealisedHoursSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        plan_action = services.plan_action_realise(
            acting_user=request.user, plan_action=plan_action, **serializer.validated_data
        )
        return self._respond(plan_action)
