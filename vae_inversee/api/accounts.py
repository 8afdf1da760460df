"""Authentication and the current user (product.md section 9)."""

from django.contrib.auth import authenticate
from drf_spectacular.utils import extend_schema
from rest_framework import permissions, serializers, status
from rest_framework.authtoken.models import Token
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView


class TokenRequestSerializer(serializers.Serializer):
    email = serializers.EmailField(label="Adresse électronique")
    password = serializers.CharField(label="Mot de passe", trim_whitespace=False, style={"input_type": "password"})

    def validate(self, attrs):
        user = authenticate(self.context.get("request"), username=attrs["email"], password=attrs["password"])
        if user is None:
            raise serializers.ValidationError(
                {"non_field_errors": ["Adresse électronique ou mot de passe incorrect."]}, code="authorization"
            )
        attrs["user"] = user
        return attrs


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(read_only=True)


class MeSerializer(serializers.Serializer):
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


class ObtainTokenView(APIView):
    """Exchange an e-mail and a password for an API token."""

    authentication_classes = []
    permission_classes = [permissions.AllowAny]
    # Slows password guessing; the rate is the "auth_token" entry of DEFAULT_THROTTLE_RATES.
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "auth_token"

    @extend_schema(
        request=TokenRequestSerializer,
        responses={200: TokenSerializer},
        summary="Obtenir un jeton d'API",
        tags=["authentification"],
    )
    def post(self, request):
        serializer = TokenRequestSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        token, _ = Token.objects.get_or_create(user=serializer.validated_data["user"])
        return Response({"token": token.key}, status=status.HTTP_200_OK)


class MeView(APIView):
    """The authenticated user, with the role and organisation that scope everything they see."""

    @extend_schema(responses={200: MeSerializer}, summary="Utilisateur connecté", tags=["authentification"])
    def get(self, request):
        user = request.user
        user = type(user).objects.select_related("membership__organisation").get(pk=user.pk)
        return Response(MeSerializer(user).data)
