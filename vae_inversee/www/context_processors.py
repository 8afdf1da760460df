from django.conf import settings

from evaluation.indicator_version import remember
from pathways.selectors import last_read_at, unread_count
from vae_inversee.www.help.content import help_url_for
from vae_inversee.www.navigation import navigation_for


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    return {"nav_items": navigation_for(user, request.path)}


def unread(request):
    """The unread counters of the header (lazy: only if shown).

    Notifications: one indexed count of the user's own. Messages: counted over every pathway the user sees
    (the Ministry's are all of them: ~0.6 s at 1 000 000 pathways), so kept per data version and the user's
    last read (exact: a new message, a scope change or a read makes the kept count unreachable).
    """
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}

    def count():
        return user.notifications.unread().count()

    def messages():
        return remember(user, "unread-messages", lambda: unread_count(user), last_read_at(user))

    return {"unread_notifications": count, "unread_messages": messages}


def help_links(request):
    """The header and footer's "Aide" link (the page of the user's role) and the contact address."""
    user = getattr(request, "user", None)
    return {"help_url": lambda: help_url_for(user), "contact_email": settings.CONTACT_EMAIL}
