from django.urls import path

from vae_inversee.www.help import content, views

app_name = "help"

# One address per role, without a parameter (/aide/porteur/, /aide/opco/…).
urlpatterns = [
    path("", views.index, name="index"),
    *(path(route, views.role_page, {"role": name}, name=name) for name, route, _, _ in content.ROLE_PAGES),
]
