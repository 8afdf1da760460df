from django.shortcuts import render

from certifications.models import Certification


def certification_list(request):
    certifications = Certification.objects.with_vae_eligibility().order_by("code")[:50]
    return render(request, "certifications/list.html", {"certifications": certifications})
