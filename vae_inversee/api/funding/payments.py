"""The payments API (product.md sections 12 and 16): `payment-requests` (multipart, with the invoice PDF)
decided by the OPCO, and `payment-batches` exported as a `;` CSV or a SEPA credit transfer and marked
paid. Each write calls the service the portal calls (funding.services)."""

import django_filters
from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import exceptions, mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser
from rest_framework.response import Response

from funding import payments, services
from funding.enums import FundingCategory, PaymentRequestStatus
from funding.models import FundingFile, PaymentBatch, PaymentRequest
from vae_inversee.api import fields
from vae_inversee.api.fields import VisibleRelatedField, _related_messages
from vae_inversee.api.filtering import IdFilter
from vae_inversee.api.parsers import JSONParser, MultiPartParser
from vae_inversee.api.permissions import ActionPermission, IsMember
from vae_inversee.api.schema import WRITE_ERRORS, conflict
from vae_inversee.lib.spreadsheets import csv_response

REQUEST_ERRORS = {**WRITE_ERRORS, 409: conflict("La demande a été décidée entre-temps (décision concurrente).")}
BATCH_ERRORS = {**WRITE_ERRORS, 409: conflict("Le lot a été marqué payé entre-temps.")}


def euros(**kwargs):
    return serializers.DecimalField(max_digits=9, decimal_places=2, **kwargs)


# ---- payment requests --------------------------------------------------------------------------------------


class PaymentRequestFilter(django_filters.FilterSet):
    # A column of the row itself: no join, no duplicate (django-filter's default DISTINCT made the page
    # sort every matching file with all its joined columns, and turned the pks-first page off).
    status = django_filters.MultipleChoiceFilter(choices=PaymentRequestStatus.choices, distinct=False)
    category = django_filters.ChoiceFilter(choices=FundingCategory.choices)
    funding_file = IdFilter(field_name="funding_file_id")
    pathway = IdFilter(field_name="funding_file__pathway_id")
    project_holder = IdFilter(field_name="funding_file__pathway__project_holder_id")
    ordering = django_filters.OrderingFilter(fields=("created_at", "amount", "invoice_date"))

    class Meta:
        model = PaymentRequest
        fields = ["status", "category", "funding_file", "pathway", "project_holder"]


class PaymentRequestSerializer(fields.ModelSerializer):
    funding_file = VisibleRelatedField(
        FundingFile,
        help_text="Un dossier accordé.",
        error_messages=_related_messages("Aucun dossier de votre périmètre ne porte l'identifiant {pk_value}."),
    )
    amount = euros(help_text="Montant demandé en euros HT.")
    realised_hours = serializers.DecimalField(max_digits=7, decimal_places=2, required=False, allow_null=True)
    invoice = serializers.FileField(write_only=True, help_text="La facture en PDF, 10 Mo au plus.")
    invoice_name = serializers.CharField(read_only=True)
    approved_amount = euros(read_only=True, allow_null=True)
    decided_by = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)
    batch = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)
    paid_on = serializers.DateField(source="batch.paid_on", read_only=True, allow_null=True, default=None)

    class Meta:
        model = PaymentRequest
        fields = [
            "id", "funding_file", "category", "amount", "invoice_number", "invoice_date", "provider_name",
            "provider_siret", "period_start", "period_end", "realised_hours", "invoice", "invoice_name", "status",
            "approved_amount", "decision_reason", "decided_at", "decided_by", "batch", "paid_on", "created_at",
        ]  # fmt: skip
        read_only_fields = ["status", "decision_reason", "decided_at", "created_at"]
        # The uniqueness of an invoice per provider is the service's to check (a French message on the field).
        validators = []

    def build_standard_field(self, field_name, model_field):
        field_class, kwargs = super().build_standard_field(field_name, model_field)
        kwargs.pop("validators", None)
        return field_class, kwargs


class ApprovePaymentSerializer(fields.Serializer):
    approved_amount = euros(help_text="Au plus le montant demandé.")


class RejectPaymentSerializer(fields.Serializer):
    reason = serializers.CharField(allow_blank=False, trim_whitespace=True)


@extend_schema_view(
    list=extend_schema(
        summary="Lister les demandes de paiement",
        description="Filtres `status`, `category`, `funding_file`, `pathway`, `project_holder` ; tri `ordering`.",
    ),
    retrieve=extend_schema(summary="Consulter une demande de paiement"),
    create=extend_schema(
        summary="Déposer une demande de paiement sur facture (porteur de projet)",
        request={"multipart/form-data": PaymentRequestSerializer},
        responses={201: PaymentRequestSerializer, **REQUEST_ERRORS},
    ),
)
class PaymentRequestViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    serializer_class = PaymentRequestSerializer
    filterset_class = PaymentRequestFilter
    permission_classes = [IsMember, ActionPermission]
    parser_classes = [MultiPartParser, FormParser, JSONParser]
    action_policy = {
        "create": "payment_request.file",
        "approve": "payment_request.approve",
        "reject": "payment_request.reject",
    }

    def get_queryset(self):
        return (
            PaymentRequest.objects.visible_to(self.request.user)
            .select_related("batch", "funding_file")
            .order_by("created_at", "id")
        )

    def _respond(self, payment_request, code=status.HTTP_200_OK):
        payment_request = PaymentRequest.objects.select_related("batch").get(pk=payment_request.pk)
        return Response(PaymentRequestSerializer(payment_request).data, status=code)

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        payment_request = services.payment_request_create(acting_user=request.user, **serializer.validated_data)
        return self._respond(payment_request, status.HTTP_201_CREATED)

    def _decide(self, request, serializer_class, service):
        payment_request = self.get_object()
        serializer = serializer_class(data=request.data)
        serializer.is_valid(raise_exception=True)
        return self._respond(
            service(acting_user=request.user, payment_request=payment_request, **serializer.validated_data)
        )

    @extend_schema(
        summary="Accepter la demande, éventuellement pour moins (OPCO)",
        request=ApprovePaymentSerializer,
        responses={200: PaymentRequestSerializer, **REQUEST_ERRORS},
    )
    @action(detail=True, methods=["post"], parser_classes=[JSONParser, FormParser])
    def approve(self, request, pk=None):
        return self._decide(request, ApprovePaymentSerializer, services.payment_request_approve)

    @extend_schema(
        summary="Refuser la demande, avec un motif (OPCO)",
        request=RejectPaymentSerializer,
        responses={200: PaymentRequestSerializer, **REQUEST_ERRORS},
    )
    @action(detail=True, methods=["post"], parser_classes=[JSONParser, FormParser])
    def reject(self, request, pk=None):
        return self._decide(request, RejectPaymentSerializer, services.payment_request_reject)


# ---- payment batches ---------------------------------------------------------------------------------------


class PaymentBatchSerializer(fields.ModelSerializer):
    opco = serializers.CharField(source="opco.code", read_only=True)
    requests = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    total = serializers.SerializerMethodField()
    count = serializers.SerializerMethodField()

    class Meta:
        model = PaymentBatch
        fields = ["id", "reference", "opco", "status", "requests", "total", "count", "created_at", "paid_on"]
        read_only_fields = fields

    @extend_schema_field(serializers.DecimalField(max_digits=11, decimal_places=2))
    def get_total(self, batch) -> str:
        return f"{payments.total(batch):.2f}"

    def get_count(self, batch) -> int:
        return len(batch.requests.all())


class PaymentBatchCreateSerializer(fields.Serializer):
    requests = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=2**63 - 1), allow_empty=False,
        help_text="Les demandes acceptées à payer (ids).",
    )  # fmt: skip


class MarkPaidSerializer(fields.Serializer):
    paid_on = serializers.DateField(help_text="Date du virement.")


FORMAT = OpenApiParameter("format", OpenApiTypes.STR, enum=["csv", "sepa"], required=True, description="csv ou sepa.")


@extend_schema_view(
    list=extend_schema(summary="Lister les lots de paiement"),
    retrieve=extend_schema(summary="Consulter un lot de paiement"),
    create=extend_schema(
        summary="Créer un lot à partir de demandes acceptées (OPCO)",
        request=PaymentBatchCreateSerializer,
        responses={201: PaymentBatchSerializer, **WRITE_ERRORS},
    ),
)
class PaymentBatchViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    serializer_class = PaymentBatchSerializer
    permission_classes = [IsMember, ActionPermission]
    action_policy = {
        "create": "payment_batch.create",
        "export": "payment_batch.export",
        "mark_paid": "payment_batch.mark_paid",
    }

    def get_queryset(self):
        return (
            PaymentBatch.objects.visible_to(self.request.user)
            .select_related("opco")
            .prefetch_related("requests")
            .order_by("-created_at", "-id")
        )

    def _respond(self, batch, code=status.HTTP_200_OK):
        return Response(PaymentBatchSerializer(self.get_queryset().get(pk=batch.pk)).data, status=code)

    def create(self, request, *args, **kwargs):
        serializer = PaymentBatchCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        ids = serializer.validated_data["requests"]
        found = list(PaymentRequest.objects.visible_to(request.user).filter(pk__in=ids))
        missing = sorted(set(ids) - {found_request.pk for found_request in found})
        if missing:
            raise exceptions.ValidationError(
                {"requests": [f"Demandes introuvables ou hors de votre périmètre : {', '.join(map(str, missing))}."]}
            )
        batch = services.payment_batch_create(acting_user=request.user, requests=found)
        return self._respond(batch, status.HTTP_201_CREATED)

    @extend_schema(
        summary="Télécharger le lot : CSV (;) ou virement SEPA (pain.001.001.03)",
        parameters=[FORMAT],
        responses={
            (200, "text/csv"): OpenApiResponse(OpenApiTypes.STR, description="`?format=csv`"),
            (200, "application/xml"): OpenApiResponse(OpenApiTypes.STR, description="`?format=sepa`"),
            400: WRITE_ERRORS[400],
            403: WRITE_ERRORS[403],
            404: WRITE_ERRORS[404],
        },
    )
    @action(detail=True, methods=["get"], filter_backends=[], pagination_class=None)
    def export(self, request, pk=None):
        batch = self.get_object()
        requested = request.query_params.get("format")
        if requested == "csv":
            return csv_response(payments.CSV_HEADERS, payments.csv_rows(batch), f"lot-{batch.reference}")
        if requested == "sepa":
            response = HttpResponse(payments.sepa_xml(batch), content_type="application/xml")
            response["Content-Disposition"] = f'attachment; filename="virement-{batch.reference}.xml"'
            return response
        raise exceptions.ValidationError({"format": ["Format inconnu : csv ou sepa."]})

    @extend_schema(
        summary="Marquer le lot payé (OPCO)",
        request=MarkPaidSerializer,
        responses={200: PaymentBatchSerializer, **BATCH_ERRORS},
    )
    @action(detail=True, methods=["post"], url_path="mark-paid")
    def mark_paid(self, request, pk=None):
        batch = self.get_object()
        serializer = MarkPaidSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        batch = services.payment_batch_mark_paid(acting_user=request.user, batch=batch, **serializer.validated_data)
        return self._respond(batch)
