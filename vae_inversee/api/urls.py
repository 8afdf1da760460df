"""The whole REST API surface (product.md section 9), readable in one file."""

from django.urls import include, path, re_path
from rest_framework.routers import DefaultRouter

from vae_inversee.api.accounts import ApiTokenViewSet, LogoutView, MeView, ObtainTokenView
from vae_inversee.api.certifications import CertificationViewSet
from vae_inversee.api.evaluation.sessions import JurySessionResultsView, JurySessionScheduleView
from vae_inversee.api.evaluation.views import AssessmentViewSet, IndicatorsView, JuryViewSet, PathwayOutcomesView
from vae_inversee.api.funding.payments import PaymentBatchViewSet, PaymentRequestViewSet
from vae_inversee.api.funding.views import FundingFileViewSet
from vae_inversee.api.pathways.plan import PlanActionViewSet
from vae_inversee.api.pathways.views import CandidateViewSet, EmployerViewSet, PathwayViewSet, ProjectHolderViewSet
from vae_inversee.api.projects.views import ProjectViewSet
from vae_inversee.api.sync import TombstoneViewSet
from vae_inversee.api.webhooks.views import WebhookViewSet


class Router(DefaultRouter):
    """Every resource is found by a numeric id; one too long for the database's bigint is a 404, not a 500."""

    include_format_suffixes = False

    def get_lookup_regex(self, viewset, lookup_prefix=""):
        lookup = getattr(viewset, "lookup_url_kwarg", None) or getattr(viewset, "lookup_field", "pk")
        return f"(?P<{lookup_prefix}{lookup}>[0-9]{{1,18}})"


router = Router()
router.register("certifications", CertificationViewSet, basename="certification")
router.register("project-holders", ProjectHolderViewSet, basename="project-holder")
router.register("projects", ProjectViewSet, basename="project")
router.register("candidates", CandidateViewSet, basename="candidate")
router.register("employers", EmployerViewSet, basename="employer")
router.register("pathways", PathwayViewSet, basename="pathway")
router.register("plan-actions", PlanActionViewSet, basename="plan-action")
router.register("funding-files", FundingFileViewSet, basename="funding-file")
router.register("payment-requests", PaymentRequestViewSet, basename="payment-request")
router.register("payment-batches", PaymentBatchViewSet, basename="payment-batch")
router.register("assessments", AssessmentViewSet, basename="assessment")
router.register("juries", JuryViewSet, basename="jury")
router.register("webhooks", WebhookViewSet, basename="webhook")
router.register("tombstones", TombstoneViewSet, basename="tombstone")

urlpatterns = [
    path("auth/token/", ObtainTokenView.as_view(), name="auth-token"),
    path("auth/logout/", LogoutView.as_view(), name="auth-logout"),
    path("auth/tokens/", ApiTokenViewSet.as_view({"get": "list"}), name="auth-token-list"),
    path("auth/tokens/<int:pk>/", ApiTokenViewSet.as_view({"delete": "destroy"}), name="auth-token-detail"),
    path("me/", MeView.as_view(), name="me"),
    path("indicators/", IndicatorsView.as_view(), name="indicators"),
    # A pathway's sub-resource served by evaluation (pathways never imports evaluation).
    re_path(r"^pathways/(?P<id>[0-9]{1,18})/outcomes/$", PathwayOutcomesView.as_view(), name="pathway-outcomes"),
    # A certifier's jury session (product.md section 13, "Bulk"): several pathways at once, all or nothing.
    path("jury-sessions/", JurySessionScheduleView.as_view(), name="jury-sessions"),
    path("jury-sessions/results/", JurySessionResultsView.as_view(), name="jury-session-results"),
    path("", include(router.urls)),
]
