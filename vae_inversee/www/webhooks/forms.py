from django import forms

from vae_inversee.webhooks import events
from vae_inversee.www.forms import Form


class WebhookForm(Form):
    url = forms.CharField(
        label="Adresse de réception",
        max_length=500,
        help_text="Format attendu : https://votre-serveur.fr/webhooks (adresse publique en HTTPS).",
    )
    description = forms.CharField(label="Description", max_length=200, required=False)
    events = forms.MultipleChoiceField(
        label="Événements", choices=events.choices, widget=forms.CheckboxSelectMultiple, required=False
    )
