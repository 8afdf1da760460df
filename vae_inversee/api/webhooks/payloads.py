"""Webhook payloads: the object as `GET /api/v1/<resource>/{id}/` returns it to the receiving organisation.

The webhooks package sits below the domain apps and never imports the API; the API tells it, once at
start-up (`vae_inversee.api.apps`), how to read each resource as a given user: the same viewset, its
`get_queryset()` (the scope: `None` outside it, so an OPCO never hears of another OPCO's objects) and
its serializer for `retrieve`, rendered by the API's JSON renderer.
"""

import json

from django.http import HttpRequest
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request

from vae_inversee.api.evaluation.views import JuryViewSet
from vae_inversee.api.funding.payments import PaymentRequestViewSet
from vae_inversee.api.funding.views import FundingFileViewSet
from vae_inversee.api.pathways.views import PathwayViewSet
from vae_inversee.api.projects.views import ProjectViewSet
from vae_inversee.webhooks.events import register_reader

# resource -> its viewset. The integrator adds "project" (ProjectViewSet) and "payment_request".
VIEWSETS = {
    "pathway": PathwayViewSet,
    "funding_file": FundingFileViewSet,
    "jury": JuryViewSet,
    "project": ProjectViewSet,
    "payment_request": PaymentRequestViewSet,
}


def reader(viewset_class):
    def read(viewer, object_id) -> dict | None:
        http = HttpRequest()
        http.method = "GET"
        request = Request(http)
        request.user = viewer
        view = viewset_class(action="retrieve", request=request, format_kwarg=None, args=(), kwargs={"pk": object_id})
        obj = view.get_queryset().filter(pk=object_id).first()
        if obj is None:
            return None
        return json.loads(JSONRenderer().render(view.get_serializer(obj).data))

    return read


def register():
    for resource, viewset_class in VIEWSETS.items():
        register_reader(resource, reader(viewset_class))
