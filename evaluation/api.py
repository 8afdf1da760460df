from django.core.serializers.json import DjangoJSONEncoder
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, status, viewsets
from rest_framework.response import Response
from rest_framework.views import APIView

from evaluation import exports, indicators, services
from evaluation.models import Assessment, Jury
from evaluation.serializers import AssessmentSerializer, IndicatorsSerializer, JurySerializer

ERRORS = {
    400: OpenApiResponse(description='Données invalides : {"champ": ["message", ...]}'),
    403: OpenApiResponse(description="Votre rôle ne permet pas cette action."),
    409: OpenApiResponse(description="Résultat déjà enregistré pour ce passage."),
}
PATHWAY_FILTER = OpenApiParameter("pathway", int, description="Identifiant du parcours.")


class PathwayFilterMixin:
    def filter_queryset(self, queryset):
        pathway = self.request.query_params.get("pathway")
        if pathway:
            if not pathway.isdigit():
                raise exceptions.ValidationError({"pathway": ["Indiquez l'identifiant numérique d'un parcours."]})
            queryset = queryset.filter(pathway_id=int(pathway))
        return queryset


@extend_schema_view(
    list=extend_schema(summary="Lister les relevés de progression", parameters=[PATHWAY_FILTER]),
    retrieve=extend_schema(summary="Consulter un relevé de progression"),
    create=extend_schema(
        summary="Enregistrer un relevé de progression (accompagnateur)", responses={201: AssessmentSerializer, **ERRORS}
    ),
)
class AssessmentViewSet(
    PathwayFilterMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = AssessmentSerializer
    filter_backends = []

    def get_queryset(self):
        return (
            Assessment.objects.visible_to(self.request.user).select_related("skill_block").order_by("assessed_at", "pk")
        )

    def perform_create(self, serializer):
        serializer.instance = services.assessment_record(acting_user=self.request.user, **serializer.validated_data)


@extend_schema_view(
    list=extend_schema(summary="Lister les jurys", parameters=[PATHWAY_FILTER]),
    retrieve=extend_schema(summary="Consulter un jury"),
    create=extend_schema(
        summary="Enregistrer le résultat d'un jury (certificateur)", responses={201: JurySerializer, **ERRORS}
    ),
)
class JuryViewSet(
    PathwayFilterMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = JurySerializer
    filter_backends = []

    def get_queryset(self):
        return (
            Jury.objects.visible_to(self.request.user).prefetch_related("block_results").order_by("session_date", "pk")
        )

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        results = [(row["skill_block"], row["validated"]) for row in data.pop("block_results")]
        serializer.instance = services.jury_record(acting_user=self.request.user, block_results=results, **data)

    def create(self, request, *args, **kwargs):
        response = super().create(request, *args, **kwargs)
        response.data = JurySerializer(
            self.get_queryset().get(pk=response.data["id"]), context={"request": request}
        ).data
        return response


class IndicatorsView(APIView):
    """The experiment's indicators for what the user may see (section 8)."""

    @extend_schema(
        summary="Indicateurs de l'expérimentation",
        parameters=[
            OpenApiParameter(
                "format", OpenApiTypes.STR, enum=["json", "csv", "xlsx"], description="json (défaut), csv ou xlsx."
            )
        ],
        description=(
            "JSON par défaut ; `?format=csv` (séparateur ;, UTF-8 avec BOM) et `?format=xlsx` renvoient les mêmes "
            "chiffres en fichier, avec des en-têtes en français."
        ),
        responses={200: IndicatorsSerializer, 400: ERRORS[400]},
    )
    def get(self, request):
        requested = request.query_params.get("format", "json")
        if requested not in ("json", "csv", "xlsx"):
            raise exceptions.ValidationError({"format": ["Format inconnu : json, csv ou xlsx."]})
        data = indicators.compute(request.user)
        if requested == "csv":
            return exports.csv_response(
                exports.INDICATOR_HEADERS, exports.indicator_rows(data), "indicateurs-vae-inversee"
            )
        if requested == "xlsx":
            return exports.xlsx_response(
                exports.INDICATOR_HEADERS, exports.indicator_rows(data), "indicateurs-vae-inversee", "Indicateurs"
            )
        import json

        # Decimals as strings ("6000.00"), dates ISO 8601, like the rest of the API.
        return Response(json.loads(json.dumps(data, cls=DjangoJSONEncoder)), status=status.HTTP_200_OK)
