from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.shortcuts import redirect, render
from django.utils.decorators import method_decorator

from vae_inversee.www.accounts.forms import LoginForm
from vae_inversee.www.navigation import HOME_URL_NAMES


@method_decorator(login_not_required, name="dispatch")
class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    pass


def home(request):
    """Send each user to the queue of their role; explain when the account has none."""
    url_name = HOME_URL_NAMES.get(request.user.role)
    if url_name:
        return redirect(url_name)
    return render(request, "accounts/no_role.html", status=403)
