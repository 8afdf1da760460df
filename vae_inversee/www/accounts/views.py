from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.views.decorators.cache import never_cache

from funding.services import member_deactivate_and_hand_over
from vae_inversee.accounts import selectors, services
from vae_inversee.accounts.backends import PASSWORD_BACKEND
from vae_inversee.lib.errors import Conflict, Unavailable
from vae_inversee.www.access import post_only
from vae_inversee.www.accounts.forms import (
    ApiTokenForm,
    DeactivateForm,
    InvitationAcceptForm,
    InvitationForm,
    LoginForm,
)
from vae_inversee.www.lists import SAVED_FILTER_LISTS
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


def _own_organisation(request):
    organisation = request.user.organisation
    if organisation is None:
        raise PermissionDenied("Votre compte n'est rattaché à aucune organisation.")
    return organisation


def organisation(request):
    """The user's organisation: its members and, for its admins, invitations and member management."""
    organisation = _own_organisation(request)
    is_admin = services.is_organisation_admin(request.user, organisation)
    form = InvitationForm(request.POST or None)
    if request.method == "POST":
        services.require_organisation_admin(request.user, organisation)
        if form.is_valid():
            try:
                invitation, _ = services.invitation_create(
                    organisation=organisation, acting_user=request.user, **form.cleaned_data
                )
            except ValidationError as error:
                form.add_service_errors(error)
            else:
                messages.success(
                    request,
                    f"Invitation envoyée à {invitation.email} : elle est valable jusqu'au "
                    f"{invitation.expires_at:%d/%m/%Y}.",
                )
                return redirect("accounts:organisation")
    context = {
        "organisation": organisation,
        "is_admin": is_admin,
        "members": selectors.organisation_members(organisation),
        "invitations": selectors.organisation_invitations(organisation) if is_admin else [],
        "form": form,
        "deactivate_url_name": "accounts:member_deactivate" if is_admin else "",
    }
    return render(request, "accounts/organisation.html", context)


def _member(request, pk):
    return get_object_or_404(selectors.organisation_members(_own_organisation(request)), pk=pk)


def _act(request, action, success):
    try:
        action()
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    except Conflict as error:
        messages.error(request, str(error))
    else:
        messages.success(request, success)
    return redirect("accounts:organisation")


@post_only("accounts:organisation")
def member_set_admin(request, pk):
    membership = _member(request, pk)
    is_admin = request.POST.get("is_admin") == "1"
    label = "est désormais administrateur·rice" if is_admin else "n'est plus administrateur·rice"
    return _act(
        request,
        lambda: services.membership_set_admin(membership=membership, is_admin=is_admin, acting_user=request.user),
        f"{membership.user.get_full_name() or membership.user.email} {label} de l'organisation.",
    )


@post_only("accounts:organisation")
def invitation_revoke(request, pk):
    organisation = _own_organisation(request)
    invitation = get_object_or_404(selectors.organisation_invitations(organisation), pk=pk)
    return _act(
        request,
        lambda: services.invitation_revoke(invitation=invitation, acting_user=request.user),
        f"L'invitation de {invitation.email} est révoquée : son lien ne fonctionne plus.",
    )


@login_not_required
@never_cache
def invitation_accept(request, secret):
    """The invited colleague chooses their name and password; the account is created and logged in."""
    try:
        invitation = services.invitation_for_secret(secret)
    except Unavailable as error:
        return render(request, "accounts/invitation_unavailable.html", {"reason": str(error)}, status=410)
    form = InvitationAcceptForm(
        request.POST or None, initial={"first_name": invitation.first_name, "last_name": invitation.last_name}
    )
    if request.method == "POST" and form.is_valid():
        try:
            user = services.invitation_accept(secret=secret, **form.cleaned_data)
        except ValidationError as error:
            form.add_service_errors(error)
        except Unavailable as error:
            return render(request, "accounts/invitation_unavailable.html", {"reason": str(error)}, status=410)
        else:
            login(request, user, backend=PASSWORD_BACKEND)
            messages.success(request, f"Bienvenue ! Votre compte chez {invitation.organisation} est créé.")
            return redirect("accounts:home")
    return render(request, "accounts/invitation_accept.html", {"invitation": invitation, "form": form})


def member_deactivate(request, pk):
    """An admin deactivates a colleague who left and hands their work over to another, in one step."""
    membership = _member(request, pk)
    services.require_organisation_admin(request.user, membership.organisation)
    colleagues = selectors.active_colleagues(membership.organisation).exclude(pk=membership.user_id)
    form = DeactivateForm(request.POST if request.method == "POST" else None, colleagues=colleagues)
    if request.method == "POST" and form.is_valid():
        try:
            count = member_deactivate_and_hand_over(
                acting_user=request.user, membership=membership, successor=form.cleaned_data["successor"]
            )
        except ValidationError as error:
            form.add_service_errors(error)
        except Conflict as error:
            messages.error(request, str(error))
            return redirect("accounts:organisation")
        else:
            messages.success(
                request,
                f"Le compte de {membership.user.email} est désactivé ; {count} dossier{'s' if count > 1 else ''} "
                "ou parcours repris.",
            )
            return redirect("accounts:organisation")
    return render(request, "accounts/member_deactivate.html", {"membership": membership, "form": form})


# ---- saved filter sets of the lists -------------------------------------------------------------------


def _list_url(list_key, query=""):
    return reverse(list_key) + (f"?{query}" if query else "")


@post_only("accounts:home")
def saved_filter_save(request):
    """Save the list's current filters under a name; back to the list, with them applied."""
    list_key = request.POST.get("list_key", "")
    if list_key not in SAVED_FILTER_LISTS:
        raise Http404("Cette liste ne permet pas d'enregistrer des filtres.")
    query = request.POST.get("query", "")
    try:
        saved, replaced = services.saved_filter_save(
            user=request.user, list_key=list_key, name=request.POST.get("name", ""), query=query
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(_list_url(list_key, services.saved_filter_query(query)))
    if replaced:
        messages.success(request, f"Les filtres « {saved.name} » ont été remplacés par les filtres actuels.")
    else:
        messages.success(
            request, f"Les filtres « {saved.name} » sont enregistrés : retrouvez-les au-dessus de la liste."
        )
    return redirect(_list_url(list_key, saved.query))


@post_only("accounts:home")
def saved_filter_delete(request, pk):
    saved = get_object_or_404(selectors.saved_filters_of_user(request.user), pk=pk)
    services.saved_filter_delete(saved_filter=saved, acting_user=request.user)
    messages.success(request, f"Les filtres « {saved.name} » ont été supprimés.")
    if saved.list_key in SAVED_FILTER_LISTS:
        return redirect(saved.list_key)
    return redirect("accounts:home")
