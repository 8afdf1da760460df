from csp.decorators import csp_update
from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

admin.site.site_header = "VAE inversée — administration"
admin.site.site_title = "VAE inversée"
admin.site.index_title = "Données de la plateforme"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", include("vae_inversee.api.urls")),
    path("api/schema/", login_not_required(SpectacularAPIView.as_view()), name="api-schema"),
    # The docs page's script is a separate file (CSP); its one inline <style> is allowed on that page only.
    path(
        "api/docs/",
        login_not_required(
            csp_update({"style-src": ["'unsafe-inline'"]})(SpectacularSwaggerSplitView.as_view(url_name="api-schema"))
        ),
        name="api-docs",
    ),
    path("certifications/", include("vae_inversee.www.certifications.urls")),
    path("notifications/", include("vae_inversee.www.notifications.urls")),
    path("", include("vae_inversee.www.candidate.urls")),
    path("aide/", include("vae_inversee.www.help.urls")),
    path("", include("vae_inversee.www.pathways.urls")),
    path("", include("vae_inversee.www.projects.urls")),
    path("", include("vae_inversee.www.funding.urls")),
    path("", include("vae_inversee.www.evaluation.urls")),
    path("", include("vae_inversee.www.webhooks.urls")),
    path("", include("vae_inversee.www.accounts.urls")),
]

handler404 = "vae_inversee.www.errors.page_not_found"
handler500 = "vae_inversee.www.errors.server_error"
