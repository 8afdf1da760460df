from django.db.models import Count, Q
from django.shortcuts import render

from certifications.models import Certification
from vae_inversee.accounts.decorators import role_required
from vae_inversee.accounts.enums import OrganisationKind, Role
from vae_inversee.accounts.models import Organisation


@role_required(Role.CERTIFIER)
def certifier_home(request):
    return render(request, "evaluation/certifier_home.html", {"admissibility_queue": [], "jury_queue": []})


@role_required(Role.MINISTRY)
def ministry_home(request):
    # One aggregate query for the organisations on the platform.
    organisations = Organisation.objects.aggregate(
        **{kind.value: Count("pk", filter=Q(kind=kind)) for kind in OrganisationKind}
    )
    certifications = Certification.objects.aggregate(total=Count("pk"), active=Count("pk", filter=Q(active=True)))
    certifications["vae_eligible"] = Certification.objects.vae_eligible().count()
    return render(
        request,
        "evaluation/ministry_home.html",
        {"organisations": organisations, "certifications": certifications, "pathways": []},
    )
