from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.decorators import method_decorator
from django.views.decorators.cache import never_cache

from vae_inversee.accounts import selectors, services
from vae_inversee.www.access import post_only
from vae_inversee.www.accounts.forms import ApiTokenForm, LoginForm
from vae_inversee.www.navigation import HOME_URL_NAMES


@method_decorator(login_not_required, name="dispatch")
class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    pass


@login_not_required
def accessibility(request):
    """The accessibility statement (déclaration d'accessibilité, RGAA 4.1 model), public as the law requires."""
    context = {"contact_email": settings.ACCESSIBILITY_CONTACT_EMAIL}
    return render(request, "accounts/accessibility.html", context)


def home(request):
    """Send each user to the queue of their role; explain when the account has none."""
    url_name = HOME_URL_NAMES.get(request.user.role)
    if url_name:
        return redirect(url_name)
    return render(request, "accounts/no_role.html", status=403)


@never_cache
def api_tokens(request):
    """The user's API tokens, and a form to create one.

    A new token's value is shown in this answer only (never stored, nor put in a message or the session),
    hence a page rendered after the POST rather than a redirect.
    """
    form = ApiTokenForm(request.POST or None)
    issued = None
    if request.method == "POST" and form.is_valid():
        try:
            token, value = services.api_token_issue(acting_user=request.user, name=form.cleaned_data["name"])
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            issued, form = {"token": token, "value": value}, ApiTokenForm()
    context = {
        "form": form,
        "issued": issued,
        "tokens": selectors.api_tokens_of(request.user),
        "ttl_days": settings.API_TOKEN_TTL_DAYS,
    }
    return render(request, "accounts/api_tokens.html", context)


@post_only("accounts:api_tokens")
def api_token_revoke(request, pk):
    token = get_object_or_404(selectors.api_tokens_of(request.user), pk=pk)
    services.api_token_revoke(token=token, acting_user=request.user)
    messages.success(request, f"Le jeton « {token.name or token.prefix + '…'} » est révoqué : il ne fonctionne plus.")
    return redirect("accounts:api_tokens")
