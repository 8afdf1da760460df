"""The pathways API (product.md section 9): project holders, candidates, employers, pathways and
their actions. Each write calls the service the portal calls; the querysets are `visible_to(user)`,
so an object outside one's scope is a 404, and a role that may not act gets a 403."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Count
from django.http import FileResponse
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser
from rest_framework.response import Response

from pathways import personal_data, selectors, services, workflow
from pathways.models import Candidate, CandidateAccessKind, Employer, Pathway, ProjectHolder
from pathways.selectors import ceiling_subquery
from vae_inversee.api.errors import validation_error_data
from vae_inversee.api.parsers import JSONParser, MultiPartParser
from vae_inversee.api.pathways.filters import PathwayFilter
from vae_inversee.api.pathways.serializers import (
    CONTRACT_FIELDS,
    AdmissibilitySerializer,
    CandidateSerializer,
    DocumentSerializer,
    DocumentUploadSerializer,
    EmployerSerializer,
    JurySessionSerializer,
    MessageSerializer,
    MessageWriteSerializer,
    NoteSerializer,
    NoteWriteSerializer,
    PathwayDetailSerializer,
    PathwaySerializer,
    PathwayTransitionSerializer,
    ProjectHolderSerializer,
    SupportOpinionSerializer,
    TransitionRefusedSerializer,
    TransitionRequestSerializer,
)
from vae_inversee.api.permissions import SERIALIZED_ACTIONS, ActionPermission, IsMember, RoleCheck
from vae_inversee.api.schema import BAD_REQUEST, FORBIDDEN, NOT_FOUND, WRITE_ERRORS

# ---- shared pieces -------------------------------------------------------------------------------------


def nested_contract_errors(error: DjangoValidationError, *, everything=False) -> exceptions.ValidationError:
    """The contract's errors under "contract", as the nested input was sent; the others stay top level.

    `everything`: every error but the employer's comes from the contract (services.ContractRefused)."""
    data = validation_error_data(error)
    contract = {
        name: messages
        for name, messages in data.items()
        if name in CONTRACT_FIELDS or (everything and name != "employer")
    }
    others = {name: messages for name, messages in data.items() if name not in contract}
    return exceptions.ValidationError({**others, **({"contract": contract} if contract else {})})


def writes(name: str) -> dict:
    """The `action_policy` of a resource whose creation and modifications are one policy action."""
    return dict.fromkeys(("create", "update", "partial_update"), name)


# ---- project holders -----------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        summary="Lister les porteurs de projet",
        description=(
            "Le porteur de projet de l'utilisateur (personnel d'un porteur), tous les porteurs (ministère), "
            "aucun pour les autres rôles. `pathways_opened` compte les parcours ouverts, abandons compris."
        ),
    ),
    retrieve=extend_schema(
        summary="Consulter un porteur de projet", responses={200: ProjectHolderSerializer, 404: NOT_FOUND}
    ),
)
class ProjectHolderViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = ProjectHolderSerializer
    # The primary key is the organisation's id; named `id` in the URL like every other resource.
    lookup_url_kwarg = "id"

    def get_queryset(self):
        # Explicit order: Django drops Meta.ordering from an aggregated query.
        return (
            ProjectHolder.objects.visible_to(self.request.user)
            .select_related("organisation")
            .annotate(pathways_opened=Count("pathways"), granted_ceiling=ceiling_subquery())
            .order_by("organisation__name", "pk")
        )


# ---- candidates and employers ---------------------------------------------------------------------------


class ProjectHolderRecordViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Records a project holder keeps (candidates, employers): no deletion, a pathway may use them."""

    # Everyone in scope reads; a write by another role is a 403 (a modification once the record is
    # found in scope: outside it, a 404 whatever the role).

    permission_classes = [IsMember, ActionPermission]


@extend_schema_view(
    list=extend_schema(
        summary="Lister les candidats",
        description=(
            "Les candidats de votre structure (porteur de projet), ceux des parcours que vous voyez (autres rôles), "
            "tous (ministère). Le NIR n'est jamais renvoyé."
        ),
    ),
    retrieve=extend_schema(summary="Consulter un candidat", responses={200: CandidateSerializer, 404: NOT_FOUND}),
    create=extend_schema(
        summary="Enregistrer un candidat",
        description="Réservé au personnel d'un porteur de projet. Le NIR est facultatif, vérifié, jamais renvoyé.",
        responses={201: CandidateSerializer, **WRITE_ERRORS},
    ),
    update=extend_schema(summary="Modifier un candidat", responses={200: CandidateSerializer, **WRITE_ERRORS}),
    partial_update=extend_schema(
        summary="Modifier en partie un candidat", responses={200: CandidateSerializer, **WRITE_ERRORS}
    ),
)
class CandidateViewSet(ProjectHolderRecordViewSet):
    serializer_class = CandidateSerializer
    action_policy = writes("candidate.manage")

    def get_queryset(self):
        return Candidate.objects.visible_to(self.request.user)

    def retrieve(self, request, *args, **kwargs):
        # Each reading of a candidate's record is logged (who, when): one INSERT.
        candidate = self.get_object()
        personal_data.candidate_access_record(
            acting_user=request.user, candidate=candidate, kind=CandidateAccessKind.API
        )
        return Response(self.get_serializer(candidate).data)

    def perform_create(self, serializer):
        serializer.instance = services.candidate_save(acting_user=self.request.user, **serializer.validated_data)

    def perform_update(self, serializer):
        serializer.instance = services.candidate_save(
            acting_user=self.request.user, candidate=serializer.instance, **serializer.validated_data
        )


@extend_schema_view(
    list=extend_schema(
        summary="Lister les employeurs",
        description="Les employeurs de votre structure (porteur de projet), ceux des parcours que vous voyez (autres rôles).",
    ),
    retrieve=extend_schema(summary="Consulter un employeur", responses={200: EmployerSerializer, 404: NOT_FOUND}),
    create=extend_schema(
        summary="Enregistrer un employeur",
        description=(
            "Réservé au personnel d'un porteur de projet. L'OPCO est déduit de l'IDCC ; il n'est à indiquer "
            "(`opco`, son code) qu'avec l'IDCC 9999 (aucune convention collective)."
        ),
        responses={201: EmployerSerializer, **WRITE_ERRORS},
    ),
    update=extend_schema(summary="Modifier un employeur", responses={200: EmployerSerializer, **WRITE_ERRORS}),
    partial_update=extend_schema(
        summary="Modifier en partie un employeur", responses={200: EmployerSerializer, **WRITE_ERRORS}
    ),
)
class EmployerViewSet(ProjectHolderRecordViewSet):
    serializer_class = EmployerSerializer
    action_policy = writes("employer.manage")

    def get_queryset(self):
        return Employer.objects.visible_to(self.request.user).select_related("opco")

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        opco = data.pop("opco", None)
        serializer.instance = services.employer_save(acting_user=self.request.user, opco=opco, **data)

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        serializer.instance = services.employer_save(
            acting_user=self.request.user, employer=serializer.instance, opco=data.pop("opco", None), **data
        )


# ---- pathways ----------------------------------------------------------------------------------------------

PHASE_ACTION_RESPONSES = {200: PathwayDetailSerializer, **WRITE_ERRORS}
# The actions act on one pathway: the list's filters and pagination do not apply (their short lists
# are returned whole).
ACTION_OPTIONS = {"filter_backends": [], "pagination_class": None}
DOCUMENT_ID = OpenApiParameter("document_id", int, OpenApiParameter.PATH, description="Identifiant de la pièce.")
MESSAGE_ID = OpenApiParameter("message_id", int, OpenApiParameter.PATH, description="Identifiant du message.")


@extend_schema_view(
    list=extend_schema(
        summary="Lister les parcours",
        description=(
            "Les parcours de votre périmètre : ceux de votre structure (porteur de projet), ceux que vous "
            "accompagnez (accompagnateur), ceux des employeurs de votre OPCO (OPCO, lecture seule), ceux qui "
            "visent vos certifications à partir de la recevabilité (certificateur), tous (ministère)."
        ),
        responses={200: PathwaySerializer(many=True), 400: BAD_REQUEST},
    ),
    retrieve=extend_schema(
        summary="Consulter un parcours",
        description="Le parcours, avec les changements de phase possibles et ce qui manque pour chacun.",
        responses={200: PathwayDetailSerializer, 404: NOT_FOUND},
    ),
    create=extend_schema(
        summary="Ouvrir un parcours",
        description=(
            "Réservé au personnel d'un porteur de projet, dans la limite de son plafond (abandons compris). "
            "La certification doit être active et accessible « Par expérience ». Le parcours commence en "
            "phase de positionnement et reçoit une référence VAEI-AAAA-NNNNNN."
        ),
        request=PathwayDetailSerializer,
        responses={201: PathwayDetailSerializer, 400: BAD_REQUEST, 403: FORBIDDEN},
    ),
    update=extend_schema(
        summary="Modifier un parcours",
        description=(
            "Le candidat, l'employeur, la certification et les blocs ne changent plus après le positionnement ; "
            "le contrat, jusqu'à la recevabilité. Tout est enregistré, ou rien."
        ),
        responses={200: PathwayDetailSerializer, **WRITE_ERRORS},
    ),
    partial_update=extend_schema(
        summary="Modifier en partie un parcours",
        description="Comme la modification ; seuls les champs envoyés changent (et ceux du contrat envoyés).",
        responses={200: PathwayDetailSerializer, **WRITE_ERRORS},
    ),
)
class PathwayViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    permission_classes = [IsMember, ActionPermission]
    # The role each write needs (403); the phase it needs is the service's to check (400 or 409).
    action_policy = {
        "create": "pathway.create",
        "update": "pathway.update",
        "partial_update": "pathway.update",
        "documents:post": "document.add",
        "support_opinion": "support_opinion.record",
        "admissibility": "admissibility.record",
        "jury_session": "jury_session.set",
        "messages:post": "message.write",
        "notes": "pathway_note.write",
        # Which transition the role may take is the service's to say (workflow.role_refusal).
        "transition": RoleCheck(workflow.may_move, workflow.MOVING_REFUSAL),
    }
    filterset_class = PathwayFilter

    def get_queryset(self):
        pathways = Pathway.objects.visible_to(self.request.user)
        if self.action not in SERIALIZED_ACTIONS:
            # An action's service re-reads and locks the pathway; its answer reads it anew (pathway_response).
            return pathways
        pathways = pathways.select_related("contract")
        # A page of the list, or the pathway read, gets its blocks' ids attached (paginate_queryset,
        # get_object); a pathway an action changed, its blocks.
        return pathways if self.action in ("list", "retrieve") else pathways.prefetch_related("target_blocks")

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        return selectors.with_target_block_ids(page) if page is not None and self.action == "list" else page

    def get_object(self):
        pathway = super().get_object()
        return selectors.with_target_block_ids([pathway])[0] if self.action == "retrieve" else pathway

    def get_serializer_class(self):
        if self.action == "list":
            return PathwaySerializer
        return PathwayDetailSerializer

    def pathway_response(self, pathway, status_code=status.HTTP_200_OK):
        """The pathway as it now is, through the detail serializer."""
        pathway = Pathway.objects.select_related("contract").prefetch_related("target_blocks").get(pk=pathway.pk)
        return Response(
            PathwayDetailSerializer(pathway, context=self.get_serializer_context()).data, status=status_code
        )

    # -- create and update

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        contract = data.get("contract")
        try:
            pathway = services.pathway_create(
                acting_user=request.user,
                candidate=data["candidate"],
                employer=data["employer"],
                certification=data["certification"],
                target_blocks=data.get("target_blocks", []),
                companion=data.get("companion"),
                contract=dict(contract) if contract is not None else None,
                project=data.get("project"),
            )
        except services.ContractRefused as error:
            raise nested_contract_errors(error, everything=True)
        except DjangoValidationError as error:
            raise nested_contract_errors(error)
        return self.pathway_response(pathway, status.HTTP_201_CREATED)

    def update(self, request, *args, partial=False, **kwargs):
        pathway = self.get_object()
        serializer = self.get_serializer(pathway, data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        project = data.pop("project", pathway.project)
        if project != pathway.project:
            raise exceptions.ValidationError({"project": ["Le projet d'un parcours est fixé à sa création."]})
        # Not sent: left as is; null: no contract (refused by the service once one is recorded).
        contract = data.pop("contract", services.UNSET)
        if contract is not services.UNSET and contract is not None:
            contract = dict(contract)
        # Nothing sent, nothing to do (a PATCH {} answers the pathway as it is).
        if data or contract is not services.UNSET:
            try:
                # The pathway and its contract are saved together, or neither (the service's transaction).
                services.pathway_update(acting_user=request.user, pathway=pathway, contract=contract, **data)
            except services.ContractRefused as error:
                raise nested_contract_errors(error, everything=True)
        return self.pathway_response(pathway)

    # -- documents

    @extend_schema(
        methods=["GET"],
        summary="Lister les pièces d'un parcours",
        description="Les pièces justificatives déposées, de la plus récente à la plus ancienne.",
        responses={200: DocumentSerializer(many=True), 404: NOT_FOUND},
    )
    @extend_schema(
        methods=["POST"],
        summary="Déposer une pièce",
        description=(
            "Envoi multipart (`kind`, `file`) par le porteur de projet ou l'accompagnateur. PDF, PNG ou JPEG, "
            "10 Mo au plus ; le format est vérifié sur le contenu du fichier, pas sur son nom."
        ),
        request={"multipart/form-data": DocumentUploadSerializer},
        responses={201: DocumentSerializer, **WRITE_ERRORS},
    )
    @action(detail=True, methods=["get", "post"], parser_classes=[MultiPartParser, FormParser], **ACTION_OPTIONS)
    def documents(self, request, pk=None):
        pathway = self.get_object()
        if request.method == "GET":
            documents = pathway.documents.select_related("uploaded_by")
            return Response(DocumentSerializer(documents, many=True).data)
        serializer = DocumentUploadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        document = services.document_add(
            acting_user=request.user,
            pathway=pathway,
            kind=serializer.validated_data["kind"],
            uploaded_file=serializer.validated_data["file"],
        )
        document = type(document).objects.select_related("uploaded_by").get(pk=document.pk)
        return Response(DocumentSerializer(document).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Télécharger une pièce",
        description="Le fichier déposé, en pièce jointe, sous son nom d'origine.",
        parameters=[DOCUMENT_ID],
        responses={
            (200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY, description="Un PDF."),
            (200, "image/png"): OpenApiResponse(OpenApiTypes.BINARY, description="Une image PNG."),
            (200, "image/jpeg"): OpenApiResponse(OpenApiTypes.BINARY, description="Une image JPEG."),
            404: NOT_FOUND,
        },
    )
    @action(
        detail=True,
        methods=["get"],
        url_path=r"documents/(?P<document_id>[0-9]{1,18})/file",
        url_name="document-file",
        **ACTION_OPTIONS,
    )
    def document_file(self, request, pk=None, document_id=None):
        pathway = self.get_object()
        document = get_object_or_404(pathway.documents.all(), pk=document_id)
        try:
            handle = document.file.open("rb")
        except FileNotFoundError:
            raise exceptions.NotFound("Le fichier de cette pièce est introuvable sur le serveur.")
        return FileResponse(
            handle, as_attachment=True, filename=document.original_name, content_type=document.content_type
        )

    # -- decisions

    @extend_schema(
        summary="Rendre l'avis d'accompagnement",
        description="L'accompagnateur, en phase d'accompagnement : adéquation poste ↔ certification et parcours pédagogique.",
        request=SupportOpinionSerializer,
        responses=PHASE_ACTION_RESPONSES,
    )
    @action(detail=True, methods=["post"], url_path="support-opinion", **ACTION_OPTIONS)
    def support_opinion(self, request, pk=None):
        pathway = self.get_object()
        serializer = SupportOpinionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.support_opinion_record(acting_user=request.user, pathway=pathway, **serializer.validated_data)
        return self.pathway_response(pathway)

    @extend_schema(
        summary="Enregistrer la décision de recevabilité",
        description="Le certificateur, en phase de recevabilité. Une décision de non-recevabilité doit être motivée.",
        request=AdmissibilitySerializer,
        responses=PHASE_ACTION_RESPONSES,
    )
    @action(detail=True, methods=["post"], **ACTION_OPTIONS)
    def admissibility(self, request, pk=None):
        pathway = self.get_object()
        serializer = AdmissibilitySerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.admissibility_record(acting_user=request.user, pathway=pathway, **serializer.validated_data)
        return self.pathway_response(pathway)

    @extend_schema(
        summary="Fixer la date de la session de jury",
        description="Le certificateur, de la recevabilité à l'évaluation ; pas avant le début du contrat.",
        request=JurySessionSerializer,
        responses=PHASE_ACTION_RESPONSES,
    )
    @action(detail=True, methods=["post"], url_path="jury-session", **ACTION_OPTIONS)
    def jury_session(self, request, pk=None):
        pathway = self.get_object()
        serializer = JurySessionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.jury_session_set(acting_user=request.user, pathway=pathway, **serializer.validated_data)
        return self.pathway_response(pathway)

    # -- phases

    @extend_schema(
        summary="Changer de phase",
        description=(
            "Passe le parcours dans la phase `to` si votre rôle le permet et si toutes les conditions sont "
            "remplies ; sinon 400 avec `detail` et la liste complète `unmet` des conditions manquantes. "
            "`to: abandoned` demande le motif de l'abandon dans `comment`."
        ),
        request=TransitionRequestSerializer,
        responses={
            200: PathwayDetailSerializer,
            400: OpenApiResponse(
                TransitionRefusedSerializer,
                description="Changement refusé (ou saisie invalide : carte des champs).",
                examples=[
                    OpenApiExample(
                        "Conditions non remplies",
                        value={
                            "detail": "Le parcours ne peut pas passer en « Accompagnement ».",
                            "unmet": [
                                "La pièce « Étude de faisabilité » doit être déposée.",
                                "Un accompagnateur doit être désigné pour le parcours.",
                            ],
                        },
                    )
                ],
            ),
            403: FORBIDDEN,
            404: NOT_FOUND,
        },
    )
    @action(detail=True, methods=["post"], **ACTION_OPTIONS)
    def transition(self, request, pk=None):
        pathway = self.get_object()
        serializer = TransitionRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            services.pathway_transition(acting_user=request.user, pathway=pathway, **serializer.validated_data)
        except services.TransitionRefused as refused:
            return Response(
                {"detail": refused.detail, "unmet": list(refused.unmet)}, status=status.HTTP_400_BAD_REQUEST
            )
        return self.pathway_response(pathway)

    @extend_schema(
        summary="Historique des phases",
        description="Chaque changement de phase, du plus ancien au plus récent : de, vers, par qui, quand, pourquoi.",
        responses={200: PathwayTransitionSerializer(many=True), 404: NOT_FOUND},
    )
    @action(detail=True, methods=["get"], **ACTION_OPTIONS)
    def transitions(self, request, pk=None):
        pathway = self.get_object()
        logs = pathway.transitions.select_related("by")
        return Response(PathwayTransitionSerializer(logs, many=True).data)

    # -- working together (product.md section 13)

    @extend_schema(
        methods=["GET"],
        summary="Lire le fil des messages d'un parcours",
        description=(
            "Les messages du parcours, du plus ancien au plus récent, lus par toutes les organisations qui voient "
            "le parcours et par le candidat. Les lire les marque comme lus pour vous."
        ),
        responses={200: MessageSerializer(many=True), 404: NOT_FOUND},
    )
    @extend_schema(
        methods=["POST"],
        summary="Écrire dans le fil des messages",
        description=(
            "`body` obligatoire ; `attachment` facultatif en multipart (PDF, PNG ou JPEG, 10 Mo au plus, vérifié "
            "sur le contenu). Un message envoyé ne se modifie ni ne se supprime. Le ministère ne fait que lire."
        ),
        request={"application/json": MessageWriteSerializer, "multipart/form-data": MessageWriteSerializer},
        responses={201: MessageSerializer, **WRITE_ERRORS},
    )
    @action(
        detail=True, methods=["get", "post"], parser_classes=[JSONParser, MultiPartParser, FormParser], **ACTION_OPTIONS
    )
    def messages(self, request, pk=None):
        pathway = self.get_object()
        if request.method == "GET":
            thread = selectors.thread_of(pathway, request.user)
            data = MessageSerializer(thread, many=True, context=self.get_serializer_context()).data
            services.thread_mark_read(user=request.user, pathway=pathway)
            return Response(data)
        serializer = MessageWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        message = services.message_post(
            acting_user=request.user,
            pathway=pathway,
            body=serializer.validated_data["body"],
            attachment=serializer.validated_data.get("attachment"),
        )
        message = selectors.thread_of(pathway, request.user).get(pk=message.pk)
        return Response(
            MessageSerializer(message, context=self.get_serializer_context()).data, status=status.HTTP_201_CREATED
        )

    @extend_schema(
        summary="Télécharger la pièce jointe d'un message",
        parameters=[MESSAGE_ID],
        responses={
            (200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY, description="Un PDF."),
            (200, "image/png"): OpenApiResponse(OpenApiTypes.BINARY, description="Une image PNG."),
            (200, "image/jpeg"): OpenApiResponse(OpenApiTypes.BINARY, description="Une image JPEG."),
            404: NOT_FOUND,
        },
    )
    @action(
        detail=True,
        methods=["get"],
        url_path=r"messages/(?P<message_id>[0-9]{1,18})/attachment",
        url_name="message-attachment",
        **ACTION_OPTIONS,
    )
    def message_attachment(self, request, pk=None, message_id=None):
        pathway = self.get_object()
        message = get_object_or_404(selectors.thread_of(pathway, request.user).exclude(attachment=""), pk=message_id)
        try:
            handle = message.attachment.open("rb")
        except FileNotFoundError:
            raise exceptions.NotFound("Le fichier de cette pièce jointe est introuvable sur le serveur.")
        return FileResponse(
            handle, as_attachment=True, filename=message.attachment_name, content_type=message.attachment_content_type
        )

    @extend_schema(
        methods=["GET"],
        summary="Lire les notes internes d'un parcours",
        description="Les notes de VOTRE organisation sur ce parcours ; aucune autre organisation ni le candidat ne les voit.",
        responses={200: NoteSerializer(many=True), 403: FORBIDDEN, 404: NOT_FOUND},
    )
    @extend_schema(
        methods=["POST"],
        summary="Ajouter une note interne",
        description="Visible seulement des membres de votre organisation ; une note ne se modifie ni ne se supprime.",
        request=NoteWriteSerializer,
        responses={201: NoteSerializer, **WRITE_ERRORS},
    )
    @action(detail=True, methods=["get", "post"], **ACTION_OPTIONS)
    def notes(self, request, pk=None):
        pathway = self.get_object()
        if request.method == "GET":
            return Response(NoteSerializer(selectors.notes_of(pathway, request.user), many=True).data)
        serializer = NoteWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        note = services.pathway_note_add(
            acting_user=request.user, pathway=pathway, body=serializer.validated_data["body"]
        )
        note = selectors.notes_of(pathway, request.user).get(pk=note.pk)
        return Response(NoteSerializer(note).data, status=status.HTTP_201_CREATED)
