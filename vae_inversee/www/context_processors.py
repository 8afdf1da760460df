from django.conf import settings

from pathways.selectors import unread_count
from vae_inversee.www.help.content import help_url_for
from vae_inversee.www.navigation import navigation_for


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    return {"nav_items": navigation_for(user, request.path)}


def unread(request):
    """The unread counter of the header: one cheap indexed count per page (lazy: only if shown)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}

    def count():
        return user.notifications.unread().count()

    return {"unread_notifications": count, "unread_messages": lambda: unread_count(user)}


def help_links(request):
    """The header and footer's "Aide" link (the page of the user's role) and the contact address."""
    user = getattr(request, "user", None)
    return {"help_url": lambda: help_url_for(user), "contact_email": settings.CONTACT_EMAIL}
