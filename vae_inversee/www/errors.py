"""The error pages: JSON under /api/ (clients never parse HTML), the portal's French pages elsewhere."""

from django.http import JsonResponse
from django.views import defaults


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
