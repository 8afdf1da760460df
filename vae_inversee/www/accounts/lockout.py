"""django-axes' hooks for the portal's and the admin's logins (settings.py, the AXES_* settings).

After LOGIN_FAILURE_LIMIT failures for one account or from one client address, both doors answer the
French lockout page for LOGIN_COOLOFF_MINUTES. Attempts are counted in the database (axes' database
handler), so a cache outage never blocks a login. The API's token endpoint has its own throttles
(vae_inversee/api/accounts.py), so axes leaves it alone.
"""

from axes.backends import AxesStandaloneBackend
from axes.helpers import get_cool_off
from django.shortcuts import render

from vae_inversee.accounts.models import normalize_login


class LockoutBackend(AxesStandaloneBackend):
    """Refuses a login while its account or its client address is locked out; the next backend checks the password.

    A call without a request (Django's test client `login()`, a script) has no client to count: axes
    would raise, this lets the next backend decide.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


def username_of(request, credentials) -> str:
    """The account an attempt counts against (AXES_USERNAME_CALLABLE): the e-mail, trimmed and case-folded."""
    if credentials:
        return normalize_login(credentials.get("username"))
    return normalize_login(request.POST.get("username"))


def throttled_by_the_api(request, credentials) -> bool:
    """AXES_WHITELIST_CALLABLE: the API's token endpoint is throttled by the API (per account and address)."""
    return request.path.startswith("/api/")


def lockout_response(request, original_response, credentials):
    """AXES_LOCKOUT_CALLABLE: the French lockout page, 429."""
    cool_off = get_cool_off(request)
    minutes = max(1, round(cool_off.total_seconds() / 60)) if cool_off else None
    return render(request, "accounts/lockout.html", {"minutes": minutes}, status=429)
