"""The API's error format (product.md section 9): a field map, a detail, never a 500."""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import ProtectedError
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.views import exception_handler as drf_exception_handler

from vae_inversee.lib import errors


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
    elif isinstance(exc, errors.Unavailable):
        exc = exceptions.NotFound(str(exc))
    elif isinstance(exc, errors.Conflict):
        exc = Conflict(str(exc))
    elif isinstance(exc, ProtectedError):
        exc = Conflict("Cet objet est utilisé ailleurs et ne peut pas être supprimé.")
    response = drf_exception_handler(exc, context)
    if response is not None and isinstance(response.data, list):
        response.data = {"non_field_errors": response.data}
    return response
