"""The portal's access checks: they ask the policy (vae_inversee.lib.policy), never compare roles."""

from functools import wraps

from django.http import FileResponse, Http404, HttpResponseNotAllowed
from django.shortcuts import redirect

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


def post_only(page):
    """A form's target: POST only. A GET (the address revisited after a form error, reloaded or
    bookmarked) goes back to `page`, the URL name of the page the form lives on, instead of a blank 405.
    The page takes the view's `pk` when it has one."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if request.method in ("GET", "HEAD"):
                return redirect(page, **({"pk": kwargs["pk"]} if "pk" in kwargs and page_takes_pk(page) else {}))
            if request.method != "POST":
                return HttpResponseNotAllowed(["POST"])
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


def page_takes_pk(page):
    return page not in PAGES_WITHOUT_PK


PAGES_WITHOUT_PK = {
    "accounts:home",
    "notifications:inbox",
    "accounts:api_tokens",
    "accounts:organisation",
    "funding:batch_list",
}


def download(open_file, filename, content_type):
    """A stored file as an attachment; `open_file()` raising Unavailable (or a missing file) is a 404."""
    try:
        handle = open_file()
    except (Unavailable, FileNotFoundError) as error:
        raise Http404(str(error) or "Le fichier est introuvable.")
    return FileResponse(handle, as_attachment=True, filename=filename, content_type=content_type)
