"""The webhooks API (product.md sections 14 and 16): an organisation admin's endpoints and their log.

Each write calls the service the portal calls (`vae_inversee.webhooks.services`); an organisation sees
only its own endpoints (404 beyond), and a member who is not an admin gets a 403 first.
"""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from vae_inversee.api.permissions import ActionPermission, IsMember, RoleCheck
from vae_inversee.api.schema import WRITE_ERRORS
from vae_inversee.api.webhooks.serializers import WebhookDeliverySerializer, WebhookSerializer
from vae_inversee.webhooks import services
from vae_inversee.webhooks.models import WebhookDelivery, WebhookEndpoint
from vae_inversee.webhooks.policy import may_manage

TAGS = ["webhooks"]
MANAGE = RoleCheck(may_manage, services.REFUSED)
DELIVERY_ID = OpenApiParameter("delivery_id", int, OpenApiParameter.PATH, description="Identifiant de l'envoi.")


@extend_schema_view(
    list=extend_schema(summary="Lister les webhooks de mon organisation", tags=TAGS),
    retrieve=extend_schema(summary="Consulter un webhook", tags=TAGS),
    create=extend_schema(
        summary="Enregistrer un webhook (administrateur de l'organisation)",
        description=(
            "Le secret de signature (`secret`) n'est renvoyé qu'ici : conservez-le. En production, l'adresse "
            "doit être en HTTPS et publique (ni privée, ni locale, ni réservée)."
        ),
        responses={201: WebhookSerializer, **WRITE_ERRORS},
        tags=TAGS,
    ),
    update=extend_schema(summary="Modifier un webhook", responses={200: WebhookSerializer, **WRITE_ERRORS}, tags=TAGS),
    partial_update=extend_schema(
        summary="Modifier en partie un webhook (dont le réactiver)",
        responses={200: WebhookSerializer, **WRITE_ERRORS},
        tags=TAGS,
    ),
    destroy=extend_schema(summary="Supprimer un webhook", responses={204: None, **WRITE_ERRORS}, tags=TAGS),
)
class WebhookViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = WebhookSerializer
    permission_classes = [IsMember, ActionPermission]
    action_policy = {
        name: MANAGE
        for name in (
            "list",
            "retrieve",
            "create",
            "update",
            "partial_update",
            "destroy",
            "deliveries",
            "redeliver",
            "rotate_secret",
        )
    }

    def get_queryset(self):
        return WebhookEndpoint.objects.visible_to(self.request.user).order_by("id")

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "show_secret": self.action in {"create", "rotate_secret"}}

    def perform_create(self, serializer):
        serializer.instance = services.endpoint_create(acting_user=self.request.user, **serializer.validated_data)

    def perform_update(self, serializer):
        serializer.instance = services.endpoint_update(
            acting_user=self.request.user, endpoint=serializer.instance, **serializer.validated_data
        )

    def perform_destroy(self, instance):
        services.endpoint_delete(acting_user=self.request.user, endpoint=instance)

    @extend_schema(
        summary="Renouveler le secret de signature",
        description="Le nouveau secret est renvoyé une seule fois ; l'ancien cesse aussitôt de signer.",
        request=None,
        responses={200: WebhookSerializer, **WRITE_ERRORS},
        tags=TAGS,
    )
    @action(detail=True, methods=["post"], url_path="rotate-secret")
    def rotate_secret(self, request, pk=None):
        endpoint = services.endpoint_rotate_secret(acting_user=request.user, endpoint=self.get_object())
        return Response(self.get_serializer(endpoint).data)

    @extend_schema(
        summary="Journal des envois d'un webhook",
        description="Chaque tentative, la plus récente en premier : code de réponse, erreur, renvoi manuel.",
        responses={200: WebhookDeliverySerializer(many=True)},
        tags=TAGS,
    )
    @action(detail=True, methods=["get"])
    def deliveries(self, request, pk=None):
        endpoint = self.get_object()
        deliveries = (
            WebhookDelivery.objects.filter(endpoint=endpoint).select_related("message__event").order_by("-at", "-id")
        )
        page = self.paginate_queryset(deliveries)
        return self.get_paginated_response(WebhookDeliverySerializer(page, many=True).data)

    @extend_schema(
        summary="Renvoyer un message",
        description="Le message de cet envoi repart tout de suite, avec le même `webhook-id` ; la tentative est journalisée.",
        parameters=[DELIVERY_ID],
        request=None,
        responses={
            202: OpenApiResponse(WebhookDeliverySerializer, description="Renvoi programmé."),
            **WRITE_ERRORS,
        },
        tags=TAGS,
    )
    @action(detail=True, methods=["post"], url_path=r"deliveries/(?P<delivery_id>[0-9]{1,18})/redeliver")
    def redeliver(self, request, pk=None, delivery_id=None):
        endpoint = self.get_object()
        delivery = get_object_or_404(WebhookDelivery.objects.filter(endpoint=endpoint), pk=delivery_id)
        services.redeliver(acting_user=request.user, delivery=delivery)
        return Response(WebhookDeliverySerializer(delivery).data, status=status.HTTP_202_ACCEPTED)
