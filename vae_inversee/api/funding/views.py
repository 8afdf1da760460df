"""The funding files API (product.md sections 4 and 9). Each write calls the service the portal calls;
the files are `visible_to(user)` (404 outside), and a role that may not act gets a 403 first."""

from django.http import FileResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from funding import agreements, selectors, services
from funding.models import FundingFile
from vae_inversee.accounts.models import User
from vae_inversee.api.funding.filters import FundingFileFilter
from vae_inversee.api.funding.serializers import (
    ApproveSerializer,
    AssignSerializer,
    FundingFileCreateSerializer,
    FundingFileSerializer,
    FundingNoteSerializer,
    FundingNoteWriteSerializer,
    ReasonSerializer,
)
from vae_inversee.api.permissions import SERIALIZED_ACTIONS, ActionPermission, IsMember
from vae_inversee.api.schema import FORBIDDEN, NOT_FOUND, WRITE_ERRORS, conflict

ERRORS = {
    **WRITE_ERRORS,
    409: conflict("Le dossier a changé de statut entre-temps (décision concurrente)."),
}


def with_plan(files):
    """The files as the serializer reads them: the plan's totals (plan_*) from the prefetched actions, a
    fixed number of queries."""
    return files.select_related("opco", "pathway__contract").prefetch_related("pathway__plan_actions")


@extend_schema_view(
    list=extend_schema(
        summary="Lister les dossiers de financement", description="Les plus anciens transmis en premier."
    ),
    retrieve=extend_schema(summary="Consulter un dossier de financement"),
    create=extend_schema(
        summary="Créer un dossier de financement (porteur de projet)",
        request=FundingFileCreateSerializer,
        responses={201: FundingFileSerializer, **ERRORS},
    ),
    update=extend_schema(summary="Modifier les montants demandés", responses={200: FundingFileSerializer, **ERRORS}),
    partial_update=extend_schema(
        summary="Modifier en partie les montants demandés", responses={200: FundingFileSerializer, **ERRORS}
    ),
)
class FundingFileViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """One funding file per pathway and contract year, addressed to the employer's OPCO (section 4)."""

    serializer_class = FundingFileSerializer
    filterset_class = FundingFileFilter
    permission_classes = [IsMember, ActionPermission]
    # The role each write needs (403); the file's status is the service's to check (409).
    action_policy = {
        "create": "funding_file.create",
        "update": "funding_file.update",
        "partial_update": "funding_file.update",
        "submit": "funding_file.submit",
        "approve": "funding_file.approve",
        "reject": "funding_file.reject",
        "request_changes": "funding_file.request_changes",
        "assign": "funding_file.assign",
        "notes": "funding_file_note.write",
    }

    def get_queryset(self):
        files = FundingFile.objects.visible_to(self.request.user).order_by("submitted_at", "created_at", "id")
        # An action's service re-reads and locks the file; its answer reads it anew (_respond).
        return with_plan(files) if self.action in SERIALIZED_ACTIONS else files

    def get_serializer_class(self):
        return FundingFileCreateSerializer if self.action == "create" else FundingFileSerializer

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        serializer.instance = services.funding_file_create(acting_user=self.request.user, **data)

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        self.perform_create(serializer)
        return Response(FundingFileSerializer(serializer.instance).data, status=status.HTTP_201_CREATED)

    def perform_update(self, serializer):
        serializer.instance = services.funding_file_update(
            acting_user=self.request.user, funding_file=serializer.instance, **serializer.validated_data
        )

    def _decide(self, request, serializer_class, service):
        """The OPCO's decisions: the file in scope (404), the role (403), the input (400), one service call."""
        funding_file = self.get_object()
        serializer = serializer_class(data=request.data)
        serializer.is_valid(raise_exception=True)
        return self._respond(service(acting_user=request.user, funding_file=funding_file, **serializer.validated_data))

    def _respond(self, funding_file):
        return Response(FundingFileSerializer(with_plan(FundingFile.objects).get(pk=funding_file.pk)).data)

    @extend_schema(
        summary="Transmettre le dossier à l'OPCO (porteur de projet)",
        request=None,
        responses={200: FundingFileSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        return self._respond(services.funding_file_submit(acting_user=request.user, funding_file=self.get_object()))

    @extend_schema(
        summary="Accorder le financement, éventuellement pour moins (OPCO)",
        request=ApproveSerializer,
        responses={200: FundingFileSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        return self._decide(request, ApproveSerializer, services.funding_file_approve)

    @extend_schema(
        summary="Refuser le dossier, avec un motif (OPCO)",
        request=ReasonSerializer,
        responses={200: FundingFileSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        return self._decide(request, ReasonSerializer, services.funding_file_reject)

    @extend_schema(
        summary="Demander des compléments, avec un motif (OPCO)",
        request=ReasonSerializer,
        responses={200: FundingFileSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"], url_path="request-changes")
    def request_changes(self, request, pk=None):
        return self._decide(request, ReasonSerializer, services.funding_file_request_changes)

    @extend_schema(
        summary="Télécharger l'accord (ou le refus) de prise en charge en PDF",
        responses={
            (200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY, description="Le PDF"),
            404: ERRORS[404],
        },
    )
    @action(detail=True, methods=["get"])
    def agreement(self, request, pk=None):
        funding_file = self.get_object()
        # Not generated yet, or missing on disk: Unavailable, a 404 with its reason.
        return FileResponse(
            agreements.agreement_file(funding_file),
            content_type="application/pdf",
            as_attachment=True,
            filename=funding_file.agreement_filename,
        )

    @extend_schema(
        summary="Assigner le dossier à un·e gestionnaire de l'OPCO (OPCO)",
        description=(
            "`assignee` : l'identifiant d'un membre actif de votre OPCO (vous-même ou un·e collègue), ou null. "
            "Chaque changement est journalisé."
        ),
        request=AssignSerializer,
        responses={200: FundingFileSerializer, **WRITE_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def assign(self, request, pk=None):
        funding_file = self.get_object()
        serializer = AssignSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        assignee_id = serializer.validated_data["assignee"]
        assignee = None
        if assignee_id is not None:
            assignee = User.objects.select_related("membership").filter(pk=assignee_id).first()
            if assignee is None:
                raise ValidationError({"assignee": ["Choisissez un membre actif de votre organisation (ou personne)."]})
        return self._respond(
            services.funding_file_assign(acting_user=request.user, funding_file=funding_file, assignee=assignee)
        )

    @extend_schema(
        methods=["GET"],
        summary="Lire les notes internes d'un dossier",
        description="Les notes de VOTRE organisation sur ce dossier ; aucune autre organisation ne les voit.",
        responses={200: FundingNoteSerializer(many=True), 403: FORBIDDEN, 404: NOT_FOUND},
    )
    @extend_schema(
        methods=["POST"],
        summary="Ajouter une note interne sur un dossier",
        request=FundingNoteWriteSerializer,
        responses={201: FundingNoteSerializer, **WRITE_ERRORS},
    )
    @action(detail=True, methods=["get", "post"], filter_backends=[], pagination_class=None)
    def notes(self, request, pk=None):
        funding_file = self.get_object()
        if request.method == "GET":
            return Response(FundingNoteSerializer(selectors.notes_of(funding_file, request.user), many=True).data)
        serializer = FundingNoteWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        note = services.funding_file_note_add(
            acting_user=request.user, funding_file=funding_file, body=serializer.validated_data["body"]
        )
        note = selectors.notes_of(funding_file, request.user).get(pk=note.pk)
        return Response(FundingNoteSerializer(note).data, status=status.HTTP_201_CREATED)
