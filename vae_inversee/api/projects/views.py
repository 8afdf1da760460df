"""The projects API (product.md sections 10 and 16). Each write calls the service the portal calls;
the projects are `visible_to(user)` (404 outside), and a role that may not act gets a 403 first."""

from django.db.models import Count
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from pathways import project_services
from pathways.models import Project
from pathways.services import TransitionRefused
from vae_inversee.api.permissions import ActionPermission, IsMember
from vae_inversee.api.projects.filters import ProjectFilter
from vae_inversee.api.projects.serializers import (
    ProjectAcceptSerializer,
    ProjectCommentSerializer,
    ProjectDocumentSerializer,
    ProjectDocumentUploadSerializer,
    ProjectReasonSerializer,
    ProjectSerializer,
    ProjectTransitionSerializer,
)
from vae_inversee.api.schema import NOT_FOUND, WRITE_ERRORS, conflict

ACTION_OPTIONS = {"filter_backends": [], "pagination_class": None}
REFUSED = OpenApiResponse(
    OpenApiTypes.OBJECT,
    description=(
        'Saisie invalide : une carte des champs ({"champ": ["message", ...]}) ; ou action refusée : `detail` et '
        "la liste complète `unmet` des conditions non remplies."
    ),
    examples=[
        OpenApiExample(
            "Conditions non remplies",
            value={
                "detail": "Action « Déposer le projet » impossible.",
                "unmet": ["La fiche projet signée doit être déposée."],
            },
        )
    ],
)
ERRORS = {
    **WRITE_ERRORS,
    400: REFUSED,
    409: conflict("Le projet a changé de statut entre-temps, ou le délai de décision a expiré (refus implicite)."),
}


@extend_schema_view(
    list=extend_schema(
        summary="Lister les projets",
        description="Le porteur de projet voit les siens ; le pilotage national tous ceux qui sont déposés.",
    ),
    retrieve=extend_schema(summary="Consulter un projet"),
    create=extend_schema(
        summary="Créer un projet en brouillon (porteur de projet)", responses={201: ProjectSerializer, **ERRORS}
    ),
    update=extend_schema(
        summary="Modifier un projet (brouillon ou compléments demandés)", responses={200: ProjectSerializer, **ERRORS}
    ),
    partial_update=extend_schema(summary="Modifier en partie un projet", responses={200: ProjectSerializer, **ERRORS}),
)
class ProjectViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """A project application (fiche projet) and the Ministry's decision (section 10)."""

    serializer_class = ProjectSerializer
    filterset_class = ProjectFilter
    permission_classes = [IsMember, ActionPermission]
    # The role each write needs (403); the project's status is the service's to check (409).
    action_policy = {
        "create": "project.create",
        "update": "project.update",
        "partial_update": "project.update",
        "documents:post": "project.document_add",
        "submit": "project.submit",
        "request_complements": "project.request_complements",
        "mark_complete": "project.mark_complete",
        "accept": "project.accept",
        "reject": "project.reject",
    }

    def get_queryset(self):
        return (
            Project.objects.visible_to(self.request.user)
            .annotate(opened=Count("pathways"))
            .prefetch_related("certifications", "partners")
            .order_by("-created_at", "-id")
        )

    def _respond(self, project, status_code=status.HTTP_200_OK):
        project = self.get_queryset().get(pk=project.pk)
        return Response(ProjectSerializer(project, context=self.get_serializer_context()).data, status=status_code)

    @staticmethod
    def _service_data(validated):
        data = dict(validated)
        if "partners" in data:
            data["partners"] = [dict(partner) for partner in data["partners"]]
        return data

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        project = project_services.project_create(
            acting_user=request.user, **self._service_data(serializer.validated_data)
        )
        return self._respond(project, status.HTTP_201_CREATED)

    def update(self, request, *args, partial=False, **kwargs):
        project = self.get_object()
        serializer = self.get_serializer(project, data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        project_services.project_update(
            acting_user=request.user, project=project, **self._service_data(serializer.validated_data)
        )
        return self._respond(project)

    # -- documents

    @extend_schema(
        methods=["GET"],
        summary="Lister les pièces d'un projet",
        responses={200: ProjectDocumentSerializer(many=True), 404: NOT_FOUND},
    )
    @extend_schema(
        methods=["POST"],
        summary="Déposer une pièce (fiche projet signée ou autre)",
        description="Envoi multipart (`kind` = `project_sheet` | `other`, `file`) : PDF, PNG ou JPEG, 10 Mo au plus.",
        request={"multipart/form-data": ProjectDocumentUploadSerializer},
        responses={201: ProjectDocumentSerializer, **WRITE_ERRORS, 409: ERRORS[409]},
    )
    @action(detail=True, methods=["get", "post"], parser_classes=[MultiPartParser, FormParser], **ACTION_OPTIONS)
    def documents(self, request, pk=None):
        project = self.get_object()
        if request.method == "GET":
            return Response(ProjectDocumentSerializer(project.documents.select_related("uploaded_by"), many=True).data)
        serializer = ProjectDocumentUploadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        document = project_services.project_document_add(
            acting_user=request.user,
            project=project,
            kind=serializer.validated_data["kind"],
            uploaded_file=serializer.validated_data["file"],
        )
        document = type(document).objects.select_related("uploaded_by").get(pk=document.pk)
        return Response(ProjectDocumentSerializer(document).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="L'historique des décisions du projet",
        responses={200: ProjectTransitionSerializer(many=True), 404: NOT_FOUND},
    )
    @action(detail=True, methods=["get"], **ACTION_OPTIONS)
    def transitions(self, request, pk=None):
        project = self.get_object()
        return Response(ProjectTransitionSerializer(project.transitions.select_related("by"), many=True).data)

    # -- the moves

    def _move(self, request, serializer_class, service, **renames):
        project = self.get_object()
        data = {}
        if serializer_class is not None:
            serializer = serializer_class(data=request.data)
            serializer.is_valid(raise_exception=True)
            data = {renames.get(name, name): value for name, value in serializer.validated_data.items()}
        try:
            project = service(acting_user=request.user, project=project, **data)
        except TransitionRefused as refused:
            return Response(
                {"detail": refused.detail, "unmet": list(refused.unmet)}, status=status.HTTP_400_BAD_REQUEST
            )
        return self._respond(project)

    @extend_schema(
        summary="Déposer le projet (porteur de projet)", request=None, responses={200: ProjectSerializer, **ERRORS}
    )
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        return self._move(request, None, project_services.project_submit)

    @extend_schema(
        summary="Demander des compléments, avec un motif (pilotage national)",
        request=ProjectReasonSerializer,
        responses={200: ProjectSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"], url_path="request-complements")
    def request_complements(self, request, pk=None):
        return self._move(request, ProjectReasonSerializer, project_services.project_request_complements)

    @extend_schema(
        summary="Déclarer le dossier complet : le délai de deux mois commence (pilotage national)",
        request=ProjectCommentSerializer,
        responses={200: ProjectSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"], url_path="mark-complete")
    def mark_complete(self, request, pk=None):
        return self._move(request, ProjectCommentSerializer, project_services.project_mark_complete)

    @extend_schema(
        summary="Accepter le projet avec un nombre de parcours accordés (pilotage national)",
        request=ProjectAcceptSerializer,
        responses={200: ProjectSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        return self._move(request, ProjectAcceptSerializer, project_services.project_accept)

    @extend_schema(
        summary="Refuser le projet, avec un motif (pilotage national)",
        request=ProjectReasonSerializer,
        responses={200: ProjectSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        return self._move(request, ProjectReasonSerializer, project_services.project_reject)
