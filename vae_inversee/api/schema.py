"""The OpenAPI descriptions of the error responses every resource shares (see errors.py for the format)."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiResponse

BAD_REQUEST = OpenApiResponse(
    OpenApiTypes.OBJECT,
    description='Saisie invalide : un message en français par champ refusé ({"champ": ["message", ...]}).',
    examples=[OpenApiExample("Champ invalide", value={"birth_date": ["Ce champ est obligatoire."]})],
)
FORBIDDEN = OpenApiResponse(OpenApiTypes.OBJECT, description="Votre rôle ne permet pas cette action.")
NOT_FOUND = OpenApiResponse(OpenApiTypes.OBJECT, description="Introuvable, ou hors de votre périmètre.")
CONFLICT = OpenApiResponse(
    OpenApiTypes.OBJECT, description="La ressource a été modifiée entre-temps ; rechargez-la avant de réessayer."
)

# A write on one object: refused input, role, scope.
WRITE_ERRORS = {400: BAD_REQUEST, 403: FORBIDDEN, 404: NOT_FOUND}


def conflict(description: str) -> OpenApiResponse:
    """A 409 described for its resource (which concurrent change it reports)."""
    return OpenApiResponse(OpenApiTypes.OBJECT, description=description)
