"""The progress records, juries and indicators API (product.md sections 3, 8 and 9). Each write calls
the service the portal calls; the records are `visible_to(user)`, and a role that may not act gets
a 403 before its input is read."""

import json

from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, status, viewsets
from rest_framework.generics import GenericAPIView
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from evaluation import indicators, services
from evaluation.exports import indicator_file
from evaluation.filters import IndicatorFilter
from evaluation.models import Assessment, Jury, PathwayOutcome
from pathways.models import Pathway
from vae_inversee.api.evaluation.serializers import (
    AssessmentSerializer,
    IndicatorsSerializer,
    JurySerializer,
    OutcomeSerializer,
)
from vae_inversee.api.filtering import UpdatedSinceFilter
from vae_inversee.api.permissions import ActionPermission, IsMember
from vae_inversee.api.schema import BAD_REQUEST, FORBIDDEN, NOT_FOUND, WRITE_ERRORS, conflict
from vae_inversee.lib.spreadsheets import file_response

ERRORS = {
    400: BAD_REQUEST,
    403: FORBIDDEN,
    409: conflict("Résultat déjà enregistré pour ce passage."),
}
PATHWAY_FILTER = OpenApiParameter("pathway", int, description="Identifiant du parcours.")


class PathwayFilterMixin:
    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
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
    filter_backends = [UpdatedSinceFilter]
    sync_field = "created_at"  # a progress record is never changed: its recording is its last change
    permission_classes = [IsMember, ActionPermission]
    action_policy = {"create": "assessment.record"}

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
    filter_backends = [UpdatedSinceFilter]
    sync_field = "recorded_at"  # a jury result is append-only
    permission_classes = [IsMember, ActionPermission]
    action_policy = {"create": "jury.record"}

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


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def indicator_filters(request) -> IndicatorFilter:
    """The steering filters of the query string (evaluation.filters, as the portal's): a 400 with a field map."""
    filters = IndicatorFilter(request.query_params, user=request.user)
    # As every list's filters (vae_inversee.api.filtering): a parameter sent empty is a 400, not ignored.
    empty = [name for name in filters.filters if name in request.query_params and not request.query_params[name]]
    if empty:
        raise exceptions.ValidationError(
            {name: ["Ce paramètre ne peut pas être vide : retirez-le pour ne pas filtrer."] for name in empty}
        )
    if not filters.is_valid():
        raise exceptions.ValidationError({name: list(messages) for name, messages in filters.errors.items()})
    return filters


INDICATOR_PARAMETERS = [
    OpenApiParameter("created_from", OpenApiTypes.DATE, description="Parcours ouverts à partir de ce jour (inclus)."),
    OpenApiParameter("created_to", OpenApiTypes.DATE, description="Parcours ouverts jusqu'à ce jour (inclus)."),
    OpenApiParameter("region", OpenApiTypes.STR, description="Région du porteur de projet, telle qu'enregistrée."),
    OpenApiParameter("opco", OpenApiTypes.STR, description="Code de l'OPCO de l'employeur (ex. AKTO)."),
    OpenApiParameter("project_holder", OpenApiTypes.INT, description="Identifiant du porteur de projet."),
    OpenApiParameter("project", OpenApiTypes.INT, description="Identifiant du projet accepté des parcours."),
    OpenApiParameter(
        "level",
        OpenApiTypes.STR,
        enum=["3", "4", "5", "6", "7", "8", "none"],
        description="Niveau de la certification visée, ou none.",
    ),
]


class IndicatorsView(APIView):
    """The experiment's indicators for what the user may see (section 8)."""

    @extend_schema(
        summary="Indicateurs de l'expérimentation",
        parameters=[
            OpenApiParameter(
                "format", OpenApiTypes.STR, enum=["json", "csv", "xlsx"], description="json (défaut), csv ou xlsx."
            ),
            *INDICATOR_PARAMETERS,
        ],
        description=(
            "JSON par défaut ; `?format=csv` (séparateur ;, UTF-8 avec BOM) et `?format=xlsx` renvoient les mêmes "
            "chiffres en fichier, avec des en-têtes en français. Les filtres (période d'ouverture, région, OPCO, "
            "porteur de projet, projet, niveau) sont ceux du tableau de bord et s'appliquent à chaque chiffre, dans votre "
            "périmètre ; une valeur invalide est une erreur 400 qui nomme le paramètre."
        ),
        responses={
            (200, "application/json"): IndicatorsSerializer,
            (200, "text/csv"): OpenApiResponse(OpenApiTypes.STR, description="`?format=csv` : les indicateurs en CSV."),
            (200, XLSX): OpenApiResponse(OpenApiTypes.BINARY, description="`?format=xlsx` : les indicateurs en XLSX."),
            400: BAD_REQUEST,
        },
    )
    def get(self, request):
        requested = request.query_params.get("format", "json")
        if requested not in ("json", "csv", "xlsx"):
            raise exceptions.ValidationError({"format": ["Format inconnu : json, csv ou xlsx."]})
        filters = indicator_filters(request)
        if requested in ("csv", "xlsx"):
            content = indicator_file(request.user, filters, requested)
            return file_response(content, requested, "indicateurs-vae-inversee")
        return HttpResponse(indicators_json(request.user, filters), content_type="application/json")


def indicators_json(user, filters) -> bytes:
    """The indicators' JSON, kept written with the figures (`indicators.kept`) and stamped at each read
    (`generated_at`, `up_to_date`): reading and re-encoding the figures of 2 000 certifications took ~25 ms
    of every request, and its hundred thousand objects set off the collector's long pauses."""

    def write(figures):
        # Decimals as strings ("6000.00"), dates ISO 8601, like the rest of the API.
        return JSONRenderer().render(json.loads(json.dumps(figures, cls=DjangoJSONEncoder)))

    body, up_to_date = indicators.kept(user, filters, "indicators-json", write)
    # What the JSON says of this read, not of the figures: first in the body.
    stamps = {"generated_at": timezone.now(), "up_to_date": up_to_date}
    return json.dumps(stamps, cls=DjangoJSONEncoder, separators=(",", ":")).encode()[:-1] + b"," + body[1:]


@extend_schema_view(
    get=extend_schema(
        summary="Situations de la personne à l'issue du parcours",
        description="À la sortie (`exit`) et six mois après (`six_months`), dans l'ordre.",
        responses={200: OutcomeSerializer(many=True), 404: NOT_FOUND},
    ),
    post=extend_schema(
        summary="Enregistrer la situation de la personne (porteur de projet)",
        description=(
            "Une fois le parcours terminé ou abandonné ; une seule fois par moment. `contract_type` (cdi, cdd, "
            "interim, other) est obligatoire pour une personne en emploi et interdit sinon ; la situation à six "
            "mois s'enregistre à partir de six mois après la fin du parcours."
        ),
        request=OutcomeSerializer,
        responses={201: OutcomeSerializer, **WRITE_ERRORS},
    ),
)
class PathwayOutcomesView(GenericAPIView):
    """`GET|POST pathways/{id}/outcomes/` (product.md section 16): the pathway within one's scope (404)."""

    serializer_class = OutcomeSerializer
    permission_classes = [IsMember, ActionPermission]
    action_policy = {"outcomes:post": "outcome.record"}
    action = "outcomes"
    # A detail route: the role is asked once the pathway is found in scope (outside it, a 404 whatever the role).
    detail = True
    # `?updated_since=` like every list; an outcome is written once, its recording is its last change.
    filter_backends = [UpdatedSinceFilter]
    sync_field = "recorded_at"
    pagination_class = None

    def get_queryset(self):
        return PathwayOutcome.objects.visible_to(self.request.user).order_by("at", "pk")

    def pathway(self):
        pathway = get_object_or_404(Pathway.objects.visible_to(self.request.user), pk=self.kwargs["id"])
        self.check_object_permissions(self.request, pathway)
        return pathway

    def get(self, request, id):
        pathway = self.pathway()
        outcomes = self.filter_queryset(self.get_queryset().filter(pathway=pathway))
        return Response(OutcomeSerializer(outcomes, many=True).data)

    def post(self, request, id):
        pathway = self.pathway()
        serializer = OutcomeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        outcome = services.outcome_record(
            acting_user=request.user,
            pathway=pathway,
            at=data["at"],
            situation=data["situation"],
            contract_type=data.get("contract_type") or "",
        )
        return Response(OutcomeSerializer(outcome).data, status=status.HTTP_201_CREATED)
