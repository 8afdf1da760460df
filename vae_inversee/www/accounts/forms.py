from django import forms
from django.contrib.auth.forms import AuthenticationForm
from dsfr.forms import DsfrBaseForm

from vae_inversee.accounts.services import NAME_MAX_LENGTH
from vae_inversee.www.forms import Form


class LoginForm(DsfrBaseForm, AuthenticationForm):
    username = forms.EmailField(
        label="Adresse électronique",
        help_text="Format attendu : nom@domaine.fr",
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )
    password = forms.CharField(
        label="Mot de passe",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    error_messages = {
        "invalid_login": "Adresse électronique ou mot de passe incorrect.",
        "inactive": "Ce compte est désactivé. Contactez l'administrateur de la plateforme.",
    }


class ApiTokenForm(Form):
    name = forms.CharField(
        label="Libellé",
        max_length=NAME_MAX_LENGTH,
        required=False,
        help_text="Pour reconnaître le jeton plus tard, par exemple « Logiciel de gestion ».",
    )
