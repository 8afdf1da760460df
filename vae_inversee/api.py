"""The whole REST API surface (product.md section 9), readable in one file."""

from django.urls import include, path
from rest_framework.routers import DefaultRouter

from certifications.api import CertificationViewSet
from evaluation.api import AssessmentViewSet, IndicatorsView, JuryViewSet
from funding.api import FundingFileViewSet
from pathways.api import CandidateViewSet, EmployerViewSet, PathwayViewSet, ProjectHolderViewSet
from vae_inversee.accounts.api import MeView, ObtainTokenView

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
