from django.shortcuts import render

from vae_inversee.accounts.decorators import role_required
from vae_inversee.accounts.enums import Role


@role_required(Role.OPCO)
def opco_home(request):
    return render(request, "funding/opco_home.html", {"funding_files": []})
