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


# ---- every operation documents every status it can answer (schemathesis checks it) ------------------------

ERROR_COMPONENTS = {
    "ErrorDetail": {
        "type": "object",
        "description": "Une erreur en français.",
        "properties": {"detail": {"type": "string"}},
        "required": ["detail"],
    },
    "FieldErrors": {
        "type": "object",
        "description": (
            'Saisie refusée : pour chaque champ, ses messages en français ({"champ": ["message"]}) ; les erreurs '
            'd\'un objet imbriqué sont sous son nom ({"contract": {"end_date": ["…"]}}), celles qui ne tiennent '
            'à aucun champ sous "non_field_errors", une erreur générale sous "detail".'
        ),
        "additionalProperties": {
            "oneOf": [
                {
                    "type": "array",
                    "items": {"oneOf": [{"type": "string"}, {"$ref": "#/components/schemas/FieldErrors"}]},
                },
                {"$ref": "#/components/schemas/FieldErrors"},
                {"type": "string"},
            ]
        },
    },
}
STANDARD_ERRORS = {
    "400": ("FieldErrors", "Saisie invalide : un message en français par champ refusé."),
    "401": ("ErrorDetail", "Identifiants absents ou invalides (jeton expiré ou révoqué)."),
    "403": ("ErrorDetail", "Votre rôle ne permet pas cette action."),
    "404": ("ErrorDetail", "Introuvable, ou hors de votre périmètre."),
    "409": ("ErrorDetail", "La ressource a été modifiée entre-temps (décision concurrente)."),
    "415": ("ErrorDetail", "Type de contenu non pris en charge (JSON ou multipart selon l'opération)."),
}
WRITE_METHODS = {"post", "put", "patch", "delete"}


def _error(component, description):
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{component}"}}},
    }


def _examples(response):
    examples = (response.get("content") or {}).get("application/json", {}).get("examples")
    if not examples:
        return {}
    return {
        "content": {
            "application/json": {**_error("FieldErrors", "")["content"]["application/json"], "examples": examples}
        }
    }


def document_errors(result, generator, request, public):
    """drf-spectacular postprocessing hook: the section 9 error bodies on every operation that can answer them.

    401 wherever a credential is needed, 404 on every route with an id, 400 wherever a body or a query
    parameter is read, 403 on every write, 415 where a body is read; an error response declared without a
    body gets the standard one.
    """
    result.setdefault("components", {}).setdefault("schemas", {}).update(ERROR_COMPONENTS)
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            if method not in {"get", "post", "put", "patch", "delete"}:
                continue
            responses = operation.setdefault("responses", {})
            needed = set()
            if operation.get("security", [{}]) != [{}] and {} not in operation.get("security", []):
                needed.add("401")
            parameters = {parameter.get("name") for parameter in operation.get("parameters", [])}
            # A route with an id, and a list's page beyond the last.
            if "{" in path or "page" in parameters:
                needed.add("404")
            if operation.get("parameters") or "requestBody" in operation or method in WRITE_METHODS:
                needed.add("400")
            if method in WRITE_METHODS:
                needed.add("403")
            if "requestBody" in operation:
                needed.add("415")
            for code in needed:
                responses.setdefault(code, _error(*STANDARD_ERRORS[code]))
            for code, response in responses.items():
                schema = (response.get("content") or {}).get("application/json", {}).get("schema")
                # A bare "object" (OpenApiTypes.OBJECT) says nothing: the standard body, the description kept.
                if code in STANDARD_ERRORS and (not schema or schema.get("type") == "object" and len(schema) <= 2):
                    description = response.get("description") or STANDARD_ERRORS[code][1]
                    responses[code] = {**_error(STANDARD_ERRORS[code][0], description), **_examples(response)}
    return result
