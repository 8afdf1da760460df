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
    daily_summary = forms.BooleanField(
        label="Recevoir un résumé quotidien au lieu d'un courriel par événement",
        help_text="Un seul courriel chaque matin, qui liste vos notifications non lues de la veille (aucun s'il n'y a rien de nouveau).",
        required=False,
    )
