"""The organisation's webhooks (product.md section 14): its admins register, follow and redeliver.

Each action calls the service the API calls (`vae_inversee.webhooks.services`); an endpoint of another
organisation is a 404, a member who is not an admin gets a 403.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache

from vae_inversee.webhooks import services
from vae_inversee.webhooks.models import WebhookDelivery, WebhookEndpoint
from vae_inversee.webhooks.policy import may_manage
from vae_inversee.www.access import post_only
from vae_inversee.www.lists import paginate
from vae_inversee.www.webhooks.forms import WebhookForm


def _require_manager(request):
    if not may_manage(request.user):
        raise PermissionDenied(services.REFUSED)


def _endpoint(request, pk):
    _require_manager(request)
    return get_object_or_404(WebhookEndpoint.objects.visible_to(request.user), pk=pk)


@never_cache
def webhook_list(request):
    """The organisation's endpoints and a form to register one; the secret is shown in this answer only."""
    _require_manager(request)
    form = WebhookForm(request.POST or None)
    created = None
    if request.method == "POST" and form.is_valid():
        try:
            created = services.endpoint_create(acting_user=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            form = WebhookForm()
    endpoints = WebhookEndpoint.objects.visible_to(request.user).order_by("id")
    return render(request, "webhooks/list.html", {"form": form, "created": created, "endpoints": endpoints})


def webhook_detail(request, pk):
    endpoint = _endpoint(request, pk)
    deliveries = (
        WebhookDelivery.objects.filter(endpoint=endpoint).select_related("message__event").order_by("-at", "-id")
    )
    return render(request, "webhooks/detail.html", {"endpoint": endpoint, **paginate(request, deliveries)})


@post_only("webhooks:detail")
def webhook_toggle(request, pk):
    endpoint = _endpoint(request, pk)
    endpoint = services.endpoint_update(acting_user=request.user, endpoint=endpoint, active=not endpoint.active)
    messages.success(request, "Webhook réactivé." if endpoint.active else "Webhook désactivé.")
    return redirect("webhooks:detail", pk=endpoint.pk)


@post_only("webhooks:detail")
def webhook_delete(request, pk):
    endpoint = _endpoint(request, pk)
    services.endpoint_delete(acting_user=request.user, endpoint=endpoint)
    messages.success(request, f"Le webhook {endpoint.url} est supprimé.")
    return redirect("webhooks:list")


@post_only("webhooks:detail")
def webhook_redeliver(request, pk, delivery_id):
    endpoint = _endpoint(request, pk)
    delivery = get_object_or_404(WebhookDelivery.objects.filter(endpoint=endpoint), pk=delivery_id)
    try:
        services.redeliver(acting_user=request.user, delivery=delivery)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"Le message {delivery.message.msg_id} repart.")
    return redirect("webhooks:detail", pk=endpoint.pk)
