"""The API's shared behaviour: pagination and the error format of product.md section 9."""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import ProtectedError
from django.http import Http404, JsonResponse
from django.views import defaults
from rest_framework import exceptions, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from vae_inversee.lib import errors


class Pagination(PageNumberPagination):
    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 200
    invalid_page_message = "Page invalide."


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "La ressource a été modifiée entre-temps ; rechargez-la avant de réessayer."
    default_code = "conflict"


def validation_error_data(error: DjangoValidationError) -> dict:
    """A Django ValidationError as the API's field map ({"field": ["message", ...]})."""
    if hasattr(error, "error_dict"):
        return {
            ("non_field_errors" if name == "__all__" else name): [str(message) for message in messages]
            for name, messages in error.message_dict.items()
        }
    return {"non_field_errors": [str(message) for message in error.messages]}


def exception_handler(exc, context):
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(validation_error_data(exc))
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound("Ressource introuvable.")
    elif isinstance(exc, DjangoPermissionDenied):
        # Keep the service's own reason ("Votre rôle ne permet pas l'action « … »").
        exc = exceptions.PermissionDenied(str(exc) or "Votre rôle ne permet pas cette action.")
    elif isinstance(exc, errors.Conflict):
        exc = Conflict(str(exc))
    elif isinstance(exc, ProtectedError):
        exc = Conflict("Cet objet est utilisé ailleurs et ne peut pas être supprimé.")
    response = drf_exception_handler(exc, context)
    if response is not None and isinstance(response.data, list):
        response.data = {"non_field_errors": response.data}
    return response


def error_response(data: dict, status_code: int = status.HTTP_400_BAD_REQUEST) -> Response:
    return Response(data, status=status_code)


def _is_api(request) -> bool:
    return request.path.startswith("/api/")


def page_not_found(request, exception=None):
    """handler404: JSON under /api/, the portal's French page elsewhere."""
    if _is_api(request):
        return JsonResponse({"detail": "Ressource introuvable."}, status=404)
    return defaults.page_not_found(request, exception)


def server_error(request):
    """handler500: JSON under /api/ so that clients never parse an HTML page."""
    if _is_api(request):
        return JsonResponse({"detail": "Erreur interne du serveur. L'incident a été enregistré."}, status=500)
    return defaults.server_error(request)
