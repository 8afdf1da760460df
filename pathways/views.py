from django.shortcuts import render

from vae_inversee.accounts.decorators import role_required
from vae_inversee.accounts.enums import Role


@role_required(Role.PROJECT_HOLDER)
def project_holder_home(request):
    return render(request, "pathways/project_holder_home.html", {"pathways": []})


@role_required(Role.COMPANION)
def companion_home(request):
    return render(request, "pathways/companion_home.html", {"pathways": []})
