"""The help pages: public (readable before logging in), one per role and an index of the rules."""

from django.contrib.auth.decorators import login_not_required
from django.shortcuts import render

from vae_inversee.www.help import content


@login_not_required
def index(request):
    return render(request, "pages/help/index.html", content.common_context())


@login_not_required
def role_page(request, role):
    name, _, code, title = next(page for page in content.ROLE_PAGES if page[0] == role)
    context = content.common_context()
    context.update(role=name, role_title=title, moves=content.moves_of(code))
    return render(request, f"pages/help/{name}.html", context)
