from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import permissions, viewsets

from certifications.filters import LEVEL_CHOICES, CertificationFilter
from certifications.models import Certification
from certifications.serializers import CertificationSerializer

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
    permission_classes = [permissions.IsAuthenticated]
