"""The error pages: JSON under /api/ (clients never parse HTML), the portal's French pages elsewhere."""

from django.conf import settings
from django.http import HttpResponseServerError, JsonResponse
from django.template import loader
from django.views import defaults


def _is_api(request) -> bool:
    return request.path.startswith("/api/")


def page_not_found(request, exception=None):
    """handler404: JSON under /api/, the portal's French page elsewhere."""
    if _is_api(request):
        response = JsonResponse({"detail": "Ressource introuvable."}, status=404)
    else:
        response = defaults.page_not_found(request, exception)
    response.french_page = True
    return response


def server_error(request):
    """handler500: JSON under /api/ so that clients never parse an HTML page."""
    if _is_api(request):
        return JsonResponse({"detail": "Erreur interne du serveur. L'incident a été enregistré."}, status=500)
    try:
        # Without the context processors (they may be what failed): the contact address only.
        body = loader.get_template("500.html").render({"contact_email": settings.CONTACT_EMAIL})
    except Exception:  # noqa: BLE001 — the error page itself must never fail
        return defaults.server_error(request)
    return HttpResponseServerError(body)


class FrenchNotFoundMiddleware:
    """Under DEBUG (`make run`), Django answers a 404 with its English debug page listing every URL
    pattern: never shown to an end user. The portal's French 404 page replaces it; 500s keep their
    traceback under DEBUG (real errors, for the developer), and nothing changes without DEBUG."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            settings.DEBUG
            and response.status_code == 404
            and not _is_api(request)
            and not getattr(response, "french_page", False)
        ):
            return page_not_found(request)
        return response
