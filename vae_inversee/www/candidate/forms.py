from django import forms
from django.contrib.auth.forms import SetPasswordForm, SetPasswordMixin

from vae_inversee.www.forms import Form, UploadInput


class CandidateMessageForm(Form):
    body = forms.CharField(
        label="Votre message",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Les personnes qui suivent votre parcours le liront. Un message envoyé ne se modifie pas.",
    )
    attachment = forms.FileField(
        label="Joindre un fichier (si besoin)",
        required=False,
        help_text="Un PDF ou une photo (PNG ou JPEG), 10 Mo au plus.",
        widget=UploadInput(attrs={"accept": ".pdf,.png,.jpg,.jpeg,application/pdf,image/png,image/jpeg"}),
    )


class CandidateDocumentForm(Form):
    file = forms.FileField(
        label="Le document",
        help_text="Un PDF ou une photo (PNG ou JPEG), 10 Mo au plus. Il rejoint les pièces de votre parcours.",
        widget=UploadInput(attrs={"accept": ".pdf,.png,.jpg,.jpeg,application/pdf,image/png,image/jpeg"}),
    )


class ChoosePasswordForm(Form, SetPasswordForm):
    """Django's SetPasswordForm (the two fields, the validators), in plain words; the service saves."""

    new_password1, new_password2 = SetPasswordMixin.create_password_fields(
        label1="Votre mot de passe", label2="Le même mot de passe, encore une fois"
    )
    new_password1.help_text = (
        "8 caractères au moins. Évitez un mot de passe trop simple, seulement des chiffres, ou votre nom."
    )
    new_password2.help_text = "Pour vérifier qu'il n'y a pas de faute de frappe."
    error_messages = {"password_mismatch": "Les deux mots de passe ne sont pas les mêmes."}
