"""The whole REST API surface (product.md section 9), readable in one file."""

from django.urls import include, path
from rest_framework.routers import DefaultRouter

from vae_inversee.accounts.api import MeView, ObtainTokenView

router = DefaultRouter()
router.include_format_suffixes = False

urlpatterns = [
    path("auth/token/", ObtainTokenView.as_view(), name="auth-token"),
    path("me/", MeView.as_view(), name="me"),
    path("", include(router.urls)),
]
