"""Serializer fields shared by the API's resources."""

from collections.abc import Mapping

from django.http import QueryDict
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


# ---- JSON bodies of the declared types (section 9: "money is a decimal string") -------------------------


def _json_type_refusal(field, value) -> str | None:
    """Why a JSON value is not of the type the schema declares for `field`, or None.

    DRF would coerce 0 into "0" or "5" into 5; the schema promises strings, numbers and booleans as
    such, and a client that sends another type is told (in the field's own words), not corrected.
    """
    if value is None:
        return None  # DRF's own allow_null check answers.
    if isinstance(field, serializers.BooleanField):
        expected = isinstance(value, bool)
    elif isinstance(field, serializers.IntegerField | serializers.PrimaryKeyRelatedField):
        expected = isinstance(value, int) and not isinstance(value, bool)
    elif isinstance(field, serializers.DecimalField | serializers.CharField):
        expected = isinstance(value, str)
    else:
        return None  # choices, lists and nested objects: DRF's own checks are already strict
    if expected:
        return None
    return field.error_messages.get("invalid") or field.error_messages.get("incorrect_type", "Type invalide.")


class _Placeholders(dict):
    """Fills a DRF message's placeholders ({data_type}, {input_type}...) with the type received."""

    def __init__(self, received):
        super().__init__()
        self.received = received

    def __missing__(self, key):
        return self.received


class JsonTypes:
    """Serializer mixin: in a JSON body every field has the JSON type the schema says (form and multipart
    bodies carry strings only, and are left to the fields' own parsing). Every field is still validated:
    the type errors join the others."""

    def to_internal_value(self, data):
        errors = {}
        if isinstance(data, Mapping) and not isinstance(data, QueryDict):
            errors = {
                name: [str(refusal).format_map(_Placeholders(type(data[name]).__name__))]
                for name, field in self.fields.items()
                if not field.read_only and name in data and (refusal := _json_type_refusal(field, data[name]))
            }
        try:
            value = super().to_internal_value(data)
        except serializers.ValidationError as error:
            raise serializers.ValidationError({**error.detail, **errors}) if isinstance(error.detail, dict) else error
        if errors:
            raise serializers.ValidationError(errors)
        return value


class Serializer(JsonTypes, serializers.Serializer):
    pass


class ModelSerializer(JsonTypes, serializers.ModelSerializer):
    pass
