from django import forms
from dsfr.forms import DsfrBaseForm

from vae_inversee.notifications.enums import NotificationCategory


class PreferencesForm(DsfrBaseForm):
    categories = forms.MultipleChoiceField(
        label="Je reçois un courriel pour :",
        help_text="La boîte de réception de la plateforme garde toutes les notifications, quel que soit ce choix.",
        choices=NotificationCategory.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
