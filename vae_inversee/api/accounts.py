"""Authentication, API tokens and the current user (product.md sections 9, 14 and 16).

`POST auth/token/` exchanges an e-mail and a password for a token (django-rest-knox, accounts.ApiToken)
that expires after API_TOKEN_TTL_DAYS days; `POST auth/logout/` revokes the token used; `GET
auth/tokens/` lists the user's tokens and `DELETE auth/tokens/{id}/` revokes one.

The token endpoint is throttled per client address (every attempt) and per account (failed attempts),
with the rates API_LOGIN_RATE_PER_ADDRESS and API_LOGIN_RATE_PER_ACCOUNT. The client address is
REMOTE_ADDR, or the Nth address from the right of X-Forwarded-For behind NUM_PROXIES proxies (DRF's
NUM_PROXIES). The counts live in the cache: when it is down, the throttles let the request through and
log a warning, the login itself never depends on it.
"""

import hashlib
import logging
import math

from django.conf import settings
from django.contrib.auth import authenticate, get_user_model
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.plumbing import build_bearer_security_scheme_object
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema, extend_schema_view
from redis.exceptions import RedisError
from rest_framework import exceptions, mixins, permissions, serializers, status, viewsets
from rest_framework.response import Response
from rest_framework.throttling import SimpleRateThrottle
from rest_framework.views import APIView

from vae_inversee.accounts import selectors, services
from vae_inversee.accounts.models import ApiToken, normalize_login
from vae_inversee.api import fields
from vae_inversee.api.authentication import TokenAuthentication

logger = logging.getLogger(__name__)

WRONG_CREDENTIALS = "Adresse électronique ou mot de passe incorrect."
# What a cache backend raises when its server is unreachable (Redis; sockets for the others).
CACHE_ERRORS = (RedisError, OSError)
TAGS = ["authentification"]


# ---- throttles ------------------------------------------------------------------------------------------


class LoginThrottled(exceptions.Throttled):
    def __init__(self, wait):
        seconds = max(1, math.ceil(wait or 0))
        super().__init__(
            detail=f"Trop de tentatives de connexion, réessayez dans {seconds} seconde{'s' if seconds > 1 else ''}."
        )
        self.wait = seconds  # the Retry-After header


class LoginThrottle(SimpleRateThrottle):
    """A throttle of the token endpoint: its rate is a setting, and it fails open when the cache is down."""

    rate_setting = ""

    def get_rate(self):
        return getattr(settings, self.rate_setting)

    def allow_request(self, request, view):
        try:
            return super().allow_request(request, view)
        except CACHE_ERRORS as error:
            logger.warning("Limite « %s » non appliquée : le cache est indisponible (%s).", self.scope, error)
            return True


class LoginAddressThrottle(LoginThrottle):
    """Every attempt from one client address (REMOTE_ADDR, or per NUM_PROXIES from X-Forwarded-For)."""

    scope = "login_address"
    rate_setting = "API_LOGIN_RATE_PER_ADDRESS"

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class LoginAccountThrottle(LoginThrottle):
    """The failed attempts on one account (the e-mail of the body, trimmed and case-folded), from anywhere.

    Only failures count (`record_failure`, called by the view), so a client that logs in correctly is never
    slowed down; once the limit is reached, even the right password waits.
    """

    scope = "login_account"
    rate_setting = "API_LOGIN_RATE_PER_ACCOUNT"

    def get_cache_key(self, request, view):
        data = request.data
        email = data.get("email") if hasattr(data, "get") else None
        if not isinstance(email, str) or not normalize_login(email):
            return None
        ident = hashlib.sha256(normalize_login(email).encode()).hexdigest()
        return self.cache_format % {"scope": self.scope, "ident": ident}

    def throttle_success(self):
        return True  # checking does not count; a failure does

    def record_failure(self, request, view):
        try:
            key = self.get_cache_key(request, view)
            if key is None:
                return
            now = self.timer()
            history = [moment for moment in self.cache.get(key, []) if moment > now - self.duration]
            self.cache.set(key, [now, *history], self.duration)
        except CACHE_ERRORS as error:
            logger.warning("Échec de connexion non compté : le cache est indisponible (%s).", error)


# ---- serializers ----------------------------------------------------------------------------------------


class TokenRequestSerializer(fields.Serializer):
    email = serializers.EmailField(label="Adresse électronique")
    password = serializers.CharField(label="Mot de passe", trim_whitespace=False, style={"input_type": "password"})
    name = serializers.CharField(
        label="Libellé",
        max_length=services.NAME_MAX_LENGTH,
        required=False,
        allow_blank=True,
        help_text="Facultatif : pour reconnaître le jeton dans la liste (ex. « Logiciel de gestion »).",
    )


class TokenSerializer(fields.Serializer):
    token = serializers.CharField(read_only=True, help_text="À envoyer dans l'en-tête `Authorization: Token <jeton>`.")
    expires_at = serializers.DateTimeField(read_only=True, help_text="Fin de validité du jeton (ISO 8601).")


class ApiTokenSerializer(fields.ModelSerializer):
    prefix = serializers.CharField(read_only=True, help_text="Début du jeton, pour le reconnaître.")
    expires_at = serializers.DateTimeField(source="expiry", read_only=True)
    current = serializers.SerializerMethodField(help_text="Vrai pour le jeton qui authentifie cette requête.")

    class Meta:
        model = ApiToken
        fields = ["id", "name", "prefix", "created", "expires_at", "last_used", "current"]
        read_only_fields = fields

    def get_current(self, token) -> bool:
        auth = self.context["request"].auth
        return isinstance(auth, ApiToken) and auth.pk == token.pk


class AuthErrorSerializer(fields.Serializer):
    detail = serializers.CharField()


class MeSerializer(fields.Serializer):
    id = serializers.IntegerField(read_only=True)
    email = serializers.EmailField(read_only=True)
    first_name = serializers.CharField(read_only=True)
    last_name = serializers.CharField(read_only=True)
    role = serializers.CharField(read_only=True, allow_null=True)
    organisation = serializers.SerializerMethodField()

    def get_organisation(self, user) -> dict | None:
        organisation = user.organisation
        if organisation is None:
            return None
        return {"id": organisation.id, "name": organisation.name, "kind": organisation.kind}


# ---- the OpenAPI description of the answers ----------------------------------------------------------------


class TokenScheme(OpenApiAuthenticationExtension):
    """`Authorization: Token <token>` in the schema (knox's own extension does not match subclasses)."""

    target_class = "vae_inversee.api.authentication.TokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return build_bearer_security_scheme_object(header_name="Authorization", token_prefix="Token")


BAD_CREDENTIALS = OpenApiResponse(
    OpenApiTypes.OBJECT,
    description="Saisie invalide (un message par champ) ou identifiants refusés.",
    examples=[
        OpenApiExample("Identifiants refusés", value={"non_field_errors": [WRONG_CREDENTIALS]}),
        OpenApiExample("Champ manquant", value={"password": ["Ce champ est obligatoire."]}),
    ],
)
UNAUTHORIZED = OpenApiResponse(
    AuthErrorSerializer,
    description="Pas d'identifiants, ou jeton invalide, expiré ou révoqué.",
    examples=[OpenApiExample("Jeton refusé", value={"detail": "Jeton d'API invalide ou expiré."})],
)
NOT_FOUND = OpenApiResponse(
    AuthErrorSerializer,
    description="Aucun de vos jetons ne porte cet identifiant.",
    examples=[OpenApiExample("Introuvable", value={"detail": "Ressource introuvable."})],
)
TOO_MANY_ATTEMPTS = OpenApiResponse(
    AuthErrorSerializer,
    description=(
        "Trop de tentatives depuis cette adresse ou d'échecs sur ce compte ; l'en-tête Retry-After donne "
        "l'attente en secondes."
    ),
    examples=[
        OpenApiExample(
            "Trop de tentatives", value={"detail": "Trop de tentatives de connexion, réessayez dans 42 secondes."}
        )
    ],
)
REVOKED = OpenApiResponse(description="Jeton révoqué (pas de contenu).")


# ---- views ----------------------------------------------------------------------------------------------


class ObtainTokenView(APIView):
    """Exchange an e-mail and a password for an API token."""

    authentication_classes = []
    permission_classes = [permissions.AllowAny]
    throttle_classes = [LoginAddressThrottle, LoginAccountThrottle]

    @extend_schema(
        request=TokenRequestSerializer,
        responses={200: TokenSerializer, 400: BAD_CREDENTIALS, 429: TOO_MANY_ATTEMPTS},
        summary="Obtenir un jeton d'API",
        description=(
            "Un nouveau jeton à chaque appel, valable le nombre de jours réglé par API_TOKEN_TTL_DAYS "
            "(30 par défaut) ; il cesse de fonctionner si le mot de passe change ou si le compte est désactivé."
        ),
        tags=TAGS,
    )
    def post(self, request):
        serializer = TokenRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        user = authenticate(request, username=data["email"], password=data["password"])
        if user is None:
            LoginAccountThrottle().record_failure(request, self)
            raise serializers.ValidationError({"non_field_errors": [WRONG_CREDENTIALS]}, code="authorization")
        token, value = services.api_token_issue(acting_user=user, name=data.get("name", ""))
        return Response(TokenSerializer({"token": value, "expires_at": token.expiry}).data, status=status.HTTP_200_OK)

    def throttled(self, request, wait):
        raise LoginThrottled(wait)


class LogoutView(APIView):
    """Revoke the token that authenticates this request."""

    authentication_classes = [TokenAuthentication]

    @extend_schema(
        request=None,
        responses={204: REVOKED, 401: UNAUTHORIZED},
        summary="Révoquer le jeton utilisé",
        description="Révoque le jeton d'API qui authentifie cette requête (déconnexion d'un logiciel client).",
        tags=TAGS,
    )
    def post(self, request):
        services.api_token_revoke(token=request.auth, acting_user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema_view(
    list=extend_schema(
        responses={200: ApiTokenSerializer(many=True), 401: UNAUTHORIZED},
        summary="Mes jetons d'API",
        description="Les jetons encore valables de l'utilisateur, du plus récent au plus ancien.",
        tags=TAGS,
    ),
    destroy=extend_schema(
        responses={204: REVOKED, 401: UNAUTHORIZED, 404: NOT_FOUND},
        summary="Révoquer un de mes jetons d'API",
        description="Le jeton cesse aussitôt de fonctionner. Le jeton d'un autre utilisateur répond 404.",
        tags=TAGS,
    ),
)
class ApiTokenViewSet(mixins.ListModelMixin, mixins.DestroyModelMixin, viewsets.GenericViewSet):
    serializer_class = ApiTokenSerializer
    queryset = ApiToken.objects.none()
    sync_field = "created"  # a token is issued, then only revoked (gone)

    def get_queryset(self):
        return selectors.api_tokens_of(self.request.user)

    def perform_destroy(self, instance):
        services.api_token_revoke(token=instance, acting_user=self.request.user)


class MeView(APIView):
    """The authenticated user, with the role and organisation that scope everything they see."""

    @extend_schema(
        responses={200: MeSerializer, 401: UNAUTHORIZED},
        summary="Utilisateur connecté",
        description="L'utilisateur authentifié (jeton ou session), son rôle et son organisation.",
        tags=TAGS,
    )
    def get(self, request):
        # request.user is a lazy object with the session: ask the user model, not type(request.user).
        user = get_user_model().objects.select_related("membership__organisation").get(pk=request.user.pk)
        return Response(MeSerializer(user).data)
