from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render

from vae_inversee.notifications import services
from vae_inversee.notifications.enums import NotificationCategory
from vae_inversee.notifications.models import EmailPreference, EmailRhythm, Notification
from vae_inversee.www.access import post_only
from vae_inversee.www.lists import paginate
from vae_inversee.www.notifications.forms import PreferencesForm


def inbox(request):
    notifications = Notification.objects.filter(recipient=request.user)
    return render(request, "notifications/inbox.html", paginate(request, notifications))


@post_only("notifications:inbox")
def mark_read(request, pk=None):
    notification = get_object_or_404(Notification, pk=pk, recipient=request.user) if pk else None
    count = services.notification_mark_read(acting_user=request.user, notification=notification)
    if notification is not None and notification.link:
        return redirect(notification.link)
    messages.success(
        request,
        f"{count} notification{'s' if count > 1 else ''} marquée{'s' if count > 1 else ''} comme lue{'s' if count > 1 else ''}.",
    )
    return redirect("notifications:inbox")


def preferences(request):
    disabled = set(EmailPreference.objects.filter(user=request.user, enabled=False).values_list("category", flat=True))
    initial = {
        "categories": [c for c in NotificationCategory.values if c not in disabled],
        "daily_summary": EmailRhythm.objects.wants_daily_summary(request.user),
    }
    form = PreferencesForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.preferences_save(
            acting_user=request.user,
            enabled_categories=form.cleaned_data["categories"],
            daily_summary=form.cleaned_data["daily_summary"],
        )
        messages.success(request, "Vos préférences de courriel sont enregistrées.")
        return redirect("notifications:preferences")
    return render(request, "notifications/preferences.html", {"form": form})
