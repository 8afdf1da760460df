"""Serializer fields shared by the API's resources."""

from rest_framework import serializers


def _related_messages(does_not_exist: str) -> dict:
    """French messages of an id field; `does_not_exist` may use {pk_value}."""
    return {
        "does_not_exist": does_not_exist,
        "incorrect_type": "Identifiant invalide : un nombre entier est attendu.",
        "required": "Ce champ est obligatoire.",
        "null": "Ce champ ne peut pas être vide.",
    }


class VisibleRelatedField(serializers.PrimaryKeyRelatedField):
    """An id among `model.objects.visible_to(request.user)`: what the user may not see does not exist
    (the same answer as an unknown id, so nothing leaks about other organisations' records)."""

    def __init__(self, model, **kwargs):
        self.model = model
        super().__init__(**kwargs)

    def get_queryset(self):
        request = self.context.get("request")
        return self.model.objects.visible_to(request.user) if request is not None else self.model.objects.none()
