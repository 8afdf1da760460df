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


class InvitationForm(Form):
    email = forms.EmailField(label="Adresse électronique", help_text="Format attendu : nom@domaine.fr")
    first_name = forms.CharField(label="Prénom", max_length=150, required=False)
    last_name = forms.CharField(label="Nom", max_length=150, required=False)
    is_admin = forms.BooleanField(label="Administrateur·rice de l'organisation", required=False)


class InvitationAcceptForm(Form):
    first_name = forms.CharField(label="Prénom", max_length=150)
    last_name = forms.CharField(label="Nom", max_length=150)
    password = forms.CharField(
        label="Mot de passe",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="8 caractères au moins, ni trop courant, ni seulement des chiffres, ni proche de votre nom.",
    )


class DeactivateForm(Form):
    successor = forms.ModelChoiceField(
        label="Qui reprend ses dossiers et parcours ?",
        queryset=None,
        required=False,
        empty_label="Personne : les dossiers redeviennent non assignés",
        help_text="Ses dossiers et parcours assignés, et les parcours qu'elle accompagne, passent à cette personne.",
    )

    def __init__(self, *args, colleagues, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["successor"].queryset = colleagues
        self.fields["successor"].label_from_instance = lambda user: user.get_full_name() or user.email
