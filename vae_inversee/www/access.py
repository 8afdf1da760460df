"""The portal's access checks: they ask the policy (vae_inversee.lib.policy), never compare roles."""

from functools import wraps

from django.http import FileResponse, Http404

from vae_inversee.lib import policy
from vae_inversee.lib.errors import Unavailable


def allowed(action):
    """Let through only the users whose role may take `action` (a 403 page for the others).

    LoginRequiredMiddleware has already sent anonymous visitors to the login page. The object the
    view then fetches is scoped by `visible_to` (404 outside), and its service checks the rest.
    """

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            policy.require_role(request.user, action)
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


def download(open_file, filename, content_type):
    """A stored file as an attachment; `open_file()` raising Unavailable (or a missing file) is a 404."""
    try:
        handle = open_file()
    except (Unavailable, FileNotFoundError) as error:
        raise Http404(str(error) or "Le fichier est introuvable.")
    return FileResponse(handle, as_attachment=True, filename=filename, content_type=content_type)
