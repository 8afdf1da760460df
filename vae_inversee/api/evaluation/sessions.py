"""`POST jury-sessions/` and `POST jury-sessions/results/` (product.md section 13, "Bulk"): a certifier's
jury session through evaluation.sessions, the service the portal's session page calls. All or nothing:
a refused session answers 400 with the errors keyed by pathway id (and, inside, by skill block id)."""

from django.core.exceptions import NON_FIELD_ERRORS
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import exceptions, permissions, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from certifications.models import Certification
from evaluation import sessions
from evaluation.enums import JuryOutcome
from evaluation.models import Jury
from vae_inversee.api import fields
from vae_inversee.api.evaluation.serializers import JurySerializer
from vae_inversee.api.permissions import ActionPermission
from vae_inversee.api.schema import FORBIDDEN

ID = {"min_value": 1, "max_value": 2**63 - 1}


class SessionSerializer(fields.Serializer):
    certification = serializers.PrimaryKeyRelatedField(
        queryset=Certification.objects.all(), help_text="Identifiant de la certification de la session."
    )
    session_date = serializers.DateField(help_text="Date de la session (AAAA-MM-JJ).")


class SessionScheduleSerializer(SessionSerializer):
    pathways = serializers.ListField(
        child=serializers.IntegerField(**ID),
        allow_empty=False,
        max_length=500,
        help_text="Identifiants des parcours (de cette certification) convoqués à la session.",
    )


class SessionBlockResultSerializer(fields.Serializer):
    skill_block = serializers.IntegerField(**ID, help_text="Identifiant d'un bloc visé par le parcours.")
    validated = serializers.BooleanField(help_text="Bloc acquis (true) ou non acquis (false).")


class SessionResultSerializer(fields.Serializer):
    pathway = serializers.IntegerField(**ID, help_text="Identifiant d'un parcours inscrit à la session.")
    outcome = serializers.ChoiceField(choices=JuryOutcome.choices)
    block_results = SessionBlockResultSerializer(many=True, max_length=100)
    comment = serializers.CharField(required=False, allow_blank=True, max_length=5000)


class SessionResultsSerializer(SessionSerializer):
    results = SessionResultSerializer(many=True, allow_empty=False, max_length=500)


class SessionResultsResponseSerializer(fields.Serializer):
    certification = serializers.IntegerField()
    session_date = serializers.DateField()
    juries = JurySerializer(many=True)


def _api_errors(details) -> dict:
    """The session's errors as the API's field map: {"<pathway id>": {"outcome": [...], "block_results":
    {"<block id>": [...]}, "non_field_errors": [...]}}, the session's own fields at the top."""

    def name(key):
        return "non_field_errors" if key == NON_FIELD_ERRORS else str(key)

    errors = {}
    for key, value in details.items():
        if not isinstance(value, dict):
            errors[name(key)] = list(value)
            continue
        pathway = {}
        for field, messages in value.items():
            if field == sessions.BLOCKS:
                pathway.setdefault("block_results", {}).update(
                    {str(block): list(block_messages) for block, block_messages in messages.items()}
                )
            elif field == "block_results":
                pathway.setdefault("block_results", {})["non_field_errors"] = list(messages)
            else:
                pathway[name(field)] = list(messages)
        errors[name(key)] = pathway
    return errors


SESSION_REFUSED = OpenApiResponse(
    OpenApiTypes.OBJECT,
    description=(
        "Session refusée, rien n'est enregistré : les erreurs de la session (`session_date`, `pathways`, "
        "`results`) et, sous l'identifiant de chaque parcours refusé, les siennes (par bloc sous "
        "`block_results`, sous `non_field_errors` la phase, le périmètre ou un résultat déjà enregistré)."
    ),
    examples=[
        OpenApiExample(
            "Un bloc incohérent",
            value={
                "42": {
                    "outcome": ["Validation totale : tous les blocs visés doivent être validés."],
                    "block_results": {"7": ["Validation totale : ce bloc doit être acquis."]},
                }
            },
        )
    ],
)


class SessionView(APIView):
    permission_classes = [permissions.IsAuthenticated, ActionPermission]

    def run(self, request, serializer_class, write):
        serializer = serializer_class(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            return write(serializer.validated_data)
        except sessions.JurySessionInvalid as error:
            raise exceptions.ValidationError(_api_errors(error.details))


class JurySessionScheduleView(SessionView):
    action_policy = {"session:post": "jury_session.set"}
    action = "session"

    @extend_schema(
        summary="Fixer une session de jury pour plusieurs parcours (certificateur)",
        description=(
            "La même date de jury pour chaque parcours de `pathways`, qui doivent viser `certification` et être "
            "dans votre périmètre, chacun avec les règles de `POST pathways/{id}/jury-session/` (phase, début du "
            "contrat). Tout ou rien. Chaque candidat est prévenu par e-mail."
        ),
        request=SessionScheduleSerializer,
        responses={200: SessionScheduleSerializer, 400: SESSION_REFUSED, 403: FORBIDDEN},
    )
    def post(self, request):
        def write(data):
            scheduled = sessions.jury_session_schedule(acting_user=request.user, **data)
            return Response(
                {
                    "certification": data["certification"].pk,
                    "session_date": data["session_date"].isoformat(),
                    "pathways": sorted(pathway.pk for pathway in scheduled),
                },
                status=status.HTTP_200_OK,
            )

        return self.run(request, SessionScheduleSerializer, write)


class JurySessionResultsView(SessionView):
    action_policy = {"session:post": "jury.record"}
    action = "session"

    @extend_schema(
        summary="Enregistrer les résultats d'une session de jury (certificateur)",
        description=(
            "Les résultats de plusieurs parcours inscrits à la session (`certification`, `session_date`), en une "
            "fois : chacun avec les règles de `POST juries/` (phase d'évaluation, un résultat par bloc visé, "
            "cohérence du résultat : `full` = tous les blocs validés, `partial` = une partie, `none` et "
            "`absent` = aucun). Si un seul est refusé, rien n'est enregistré."
        ),
        request=SessionResultsSerializer,
        responses={201: SessionResultsResponseSerializer, 400: SESSION_REFUSED, 403: FORBIDDEN},
    )
    def post(self, request):
        def write(data):
            results = [
                {
                    "pathway": row["pathway"],
                    "outcome": row["outcome"],
                    "block_results": [(block["skill_block"], block["validated"]) for block in row["block_results"]],
                    "comment": row.get("comment", ""),
                }
                for row in data["results"]
            ]
            juries = sessions.jury_session_results_record(
                acting_user=request.user,
                certification=data["certification"],
                session_date=data["session_date"],
                results=results,
            )
            recorded = (
                Jury.objects.filter(pk__in=[jury.pk for jury in juries])
                .prefetch_related("block_results")
                .order_by("pathway_id")
            )
            return Response(
                {
                    "certification": data["certification"].pk,
                    "session_date": data["session_date"].isoformat(),
                    "juries": JurySerializer(recorded, many=True, context={"request": request}).data,
                },
                status=status.HTTP_201_CREATED,
            )

        return self.run(request, SessionResultsSerializer, write)
