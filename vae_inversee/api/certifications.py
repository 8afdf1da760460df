"""The certification catalogue, read-only (product.md section 9)."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import serializers, viewsets

from certifications.filters import LEVEL_CHOICES, CertificationFilter
from certifications.models import Certification, Certifier, SkillBlock
from vae_inversee.api import fields
from vae_inversee.api.permissions import IsMember


class CertifierSerializer(fields.ModelSerializer):
    class Meta:
        model = Certifier
        fields = ["id", "siret", "name"]
        read_only_fields = fields


class SkillBlockSerializer(fields.ModelSerializer):
    class Meta:
        model = SkillBlock
        fields = ["id", "code", "title"]
        read_only_fields = fields


# Expects the queryset of `Certification.objects.for_catalogue()` (annotation and prefetches).
class CertificationSerializer(fields.ModelSerializer):
    vae_eligible = serializers.BooleanField(
        source="is_vae_eligible",
        read_only=True,
        help_text="Vrai si la certification est active et accessible par la voie « Par expérience » (VAE).",
    )
    certifiers = CertifierSerializer(many=True, read_only=True)
    skill_blocks = SkillBlockSerializer(
        source="active_skill_blocks",
        many=True,
        read_only=True,
        help_text="Les blocs de compétences en vigueur (les blocs retirés de la fiche ne sont pas listés).",
    )

    class Meta:
        model = Certification
        fields = ["id", "code", "title", "level", "active", "vae_eligible", "certifiers", "skill_blocks"]
        read_only_fields = fields


INVALID_FILTER = OpenApiResponse(
    OpenApiTypes.OBJECT,
    description="Filtre invalide : le message de chaque paramètre refusé, en français.",
    examples=[
        OpenApiExample(
            "Filtre invalide",
            value={"active": ["« peut-être » n'est pas une valeur valide : utilisez true ou false."]},
        )
    ],
)

# Described by hand: the generated schema would type these string choices as boolean or integer.
FILTER_PARAMETERS = [
    OpenApiParameter(
        "active", str, enum=["true", "false"], description="Certifications actives (true) ou inactives (false)."
    ),
    OpenApiParameter(
        "vae_eligible",
        str,
        enum=["true", "false"],
        description="Ouvertes à la VAE inversée (true : actives et accessibles par la voie « Par expérience ») ou non.",
    ),
    OpenApiParameter(
        "level",
        str,
        enum=[value for value, _ in LEVEL_CHOICES],
        description="Niveau du cadre national des certifications : 3 à 8, ou « none » pour les certifications sans niveau.",
    ),
]


@extend_schema_view(
    list=extend_schema(
        summary="Lister les certifications",
        description=(
            "Le catalogue des fiches RNCP et RS importées de France Compétences, par code. "
            "Une certification est ouverte à la VAE inversée (`vae_eligible`) si elle est active et "
            "accessible par la voie « Par expérience ». Lisible par tout utilisateur authentifié."
        ),
        parameters=FILTER_PARAMETERS,
        responses={200: CertificationSerializer(many=True), 400: INVALID_FILTER},
    ),
    retrieve=extend_schema(
        summary="Consulter une certification",
        description="Une fiche du catalogue, avec ses certificateurs et ses blocs de compétences en vigueur.",
    ),
)
class CertificationViewSet(viewsets.ReadOnlyModelViewSet):
    """The certification catalogue: public reference data, readable by any authenticated user."""

    queryset = Certification.objects.for_catalogue()
    serializer_class = CertificationSerializer
    filterset_class = CertificationFilter
    permission_classes = [IsMember]
