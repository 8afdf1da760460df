from functools import wraps

from django.core.exceptions import PermissionDenied


def role_required(*roles):
    """Let through only members whose role is one of `roles`; others get a 403 page.

    LoginRequiredMiddleware has already sent anonymous visitors to the login page.
    """

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if request.user.role not in roles:
                raise PermissionDenied("Votre rôle ne donne pas accès à cette page.")
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
