"""A candidate sees their own page and nothing else (product.md section 13): one check for every door.

Every page of the portal but « Mon parcours » (the `candidate` URL namespace), the public pages, the logout and
their thread's attachments answer 403 to a candidate; the API answers a French JSON 403 (a token is never
issued to a candidate either: vae_inversee.accounts.services.api_token_issue).
"""

from django.core.exceptions import PermissionDenied
from django.http import JsonResponse

from vae_inversee.accounts.policy import CANDIDATE_PORTAL
from vae_inversee.accounts.services import API_REFUSED_TO_CANDIDATES
from vae_inversee.lib import policy

# Outside the `candidate` namespace, what a candidate may open: the landing redirect, the logout, and the
# attachments of their own thread (scoped by `visible_to`: another pathway's are a 404).
CANDIDATE_DOORS = {"accounts:home", "accounts:logout", "pathways:message_attachment"}
PAGE_REFUSED = "Cette page est réservée aux organisations qui suivent les parcours. Votre page est « Mon parcours »."
API_REFUSED = API_REFUSED_TO_CANDIDATES


def is_candidate(user) -> bool:
    return bool(user.is_authenticated and policy.may(user, CANDIDATE_PORTAL))


class CandidateConfinementMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = getattr(request, "user", None)
        if user is None or not is_candidate(user):
            return None
        if request.path.startswith("/api/"):
            return JsonResponse({"detail": API_REFUSED}, status=403)
        match = request.resolver_match
        if match is not None and (match.namespace == "candidate" or match.view_name in CANDIDATE_DOORS):
            return None
        if getattr(view_func, "login_required", True) is False:
            return None  # the public pages (accessibility statement, login…)
        raise PermissionDenied(PAGE_REFUSED)
