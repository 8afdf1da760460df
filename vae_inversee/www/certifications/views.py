from django.shortcuts import get_object_or_404, render

from certifications.enums import VAE_ACCESS_ROUTE
from certifications.filters import CertificationCatalogueFilter
from certifications.models import Certification
from vae_inversee.www.lists import filtered, paginate


def certification_list(request):
    filterset = CertificationCatalogueFilter(request.GET, queryset=Certification.objects.for_catalogue())
    context = {"form": filterset.form, "filtered": filtered(request), **paginate(request, filterset.qs)}
    return render(request, "certifications/list.html", context)


def certification_detail(request, pk):
    certification = get_object_or_404(
        Certification.objects.with_vae_eligibility().prefetch_related("certifiers", "access_routes", "skill_blocks"),
        pk=pk,
    )
    routes = list(certification.access_routes.all())
    number = certification.code.removeprefix(certification.register)
    context = {
        "certification": certification,
        "access_routes": routes,
        "by_experience": any(route.label == VAE_ACCESS_ROUTE for route in routes),
        "vae_access_route": VAE_ACCESS_ROUTE,
        "france_competences_url": f"https://www.francecompetences.fr/recherche/{certification.register.lower()}/{number}/",
    }
    return render(request, "certifications/detail.html", context)
