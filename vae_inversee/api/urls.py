"""The whole REST API surface (product.md section 9), readable in one file."""

from django.urls import include, path
from rest_framework.routers import DefaultRouter

from vae_inversee.api.accounts import MeView, ObtainTokenView
from vae_inversee.api.certifications import CertificationViewSet
from vae_inversee.api.evaluation.views import AssessmentViewSet, IndicatorsView, JuryViewSet
from vae_inversee.api.funding.views import FundingFileViewSet
from vae_inversee.api.pathways.views import CandidateViewSet, EmployerViewSet, PathwayViewSet, ProjectHolderViewSet

router = DefaultRouter()
router.include_format_suffixes = False
router.register("certifications", CertificationViewSet, basename="certification")
router.register("project-holders", ProjectHolderViewSet, basename="project-holder")
router.register("candidates", CandidateViewSet, basename="candidate")
router.register("employers", EmployerViewSet, basename="employer")
router.register("pathways", PathwayViewSet, basename="pathway")
router.register("funding-files", FundingFileViewSet, basename="funding-file")
router.register("assessments", AssessmentViewSet, basename="assessment")
router.register("juries", JuryViewSet, basename="jury")

urlpatterns = [
    path("auth/token/", ObtainTokenView.as_view(), name="auth-token"),
    path("me/", MeView.as_view(), name="me"),
    path("indicators/", IndicatorsView.as_view(), name="indicators"),
    path("", include(router.urls)),
]
