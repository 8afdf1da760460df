"""Serializer fields shared by the API's resources."""

from collections.abc import Mapping

from django.http import QueryDict
from rest_framework import serializers
from rest_framework.fields import SkipField
from rest_framework.relations import PKOnlyObject


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


# ---- reads planned once per class --------------------------------------------------------------------------

# Field types whose representation reads nothing but the value (no request, no parent): the plan may call
# them from a field bound once per class. Exact types: a subclass may override what it reads.
_VALUE_FIELDS = frozenset(
    {
        serializers.BooleanField,
        serializers.CharField,
        serializers.ChoiceField,
        serializers.DateField,
        serializers.DateTimeField,
        serializers.DecimalField,
        serializers.EmailField,
        serializers.IntegerField,
        serializers.BigIntegerField,
    }
)
_PK_FIELDS = frozenset({serializers.PrimaryKeyRelatedField, VisibleRelatedField})
_CONTEXT_FREE = _VALUE_FIELDS | _PK_FIELDS | {serializers.SlugRelatedField}


def _model_attname(model, attr):
    """The column attribute a one-attribute source reads without a query, or None."""
    try:
        field = model._meta.get_field(attr)
    except Exception:  # FieldDoesNotExist, or a reverse relation's name: read through DRF
        return None
    if not getattr(field, "concrete", False) or getattr(field, "many_to_many", False):
        return None
    return field.attname if attr in (field.name, field.attname) else None


def _context_free(field) -> bool:
    if isinstance(field, serializers.ManyRelatedField):
        return _context_free(field.child_relation)
    if isinstance(field, PlannedReads):
        plan = field.read_plan()
        return plan is not None and not any(step[0] == "method" for step in plan)
    return type(field) in _CONTEXT_FREE


class PlannedReads:
    """ModelSerializer mixin: `to_representation` follows a plan built once per class from its fields.

    DRF copies and binds every declared field on each request (`Serializer.fields`: a deep copy of the
    declarations, then the model's fields rebuilt from its meta) and resolves each attribute of each row
    through its generic lookup. The plan keeps one set of bound fields per class and reads a column as an
    attribute: a page of 20 pathways costs about half the time to serialize. The output is DRF's own,
    value for value (tests/pathways/test_planned_reads.py compares them); a class with a field the plan does not
    know (one that could read the request or its parent), or that builds its fields per instance, reads
    through DRF as before.
    """

    _plans: dict = {}

    @classmethod
    def read_plan(cls):
        if cls not in PlannedReads._plans:
            PlannedReads._plans[cls] = cls._build_read_plan()
        return PlannedReads._plans[cls]

    @classmethod
    def _build_read_plan(cls):
        if cls.get_fields is not serializers.ModelSerializer.get_fields:
            return None
        model = cls.Meta.model
        plan = []
        for field in cls()._readable_fields:
            name = field.field_name
            if isinstance(field, serializers.SerializerMethodField):
                plan.append(("method", name, field.method_name, None))
                continue
            if field.source == "*" or not _context_free(field):
                return None
            attname = _model_attname(model, field.source) if len(field.source_attrs) == 1 else None
            if attname and type(field) in _VALUE_FIELDS:
                plan.append(("value", name, attname, field.to_representation))
            elif attname and type(field) in _PK_FIELDS and field.pk_field is None:
                plan.append(("value", name, attname, None))
            else:
                plan.append(("field", name, field, None))
        return plan

    def to_representation(self, instance):
        plan = self.read_plan()
        if plan is None:
            return super().to_representation(instance)
        ret = {}
        for kind, name, target, convert in plan:
            if kind == "value":
                value = getattr(instance, target)
                ret[name] = value if value is None or convert is None else convert(value)
            elif kind == "method":
                ret[name] = getattr(self, target)(instance)
            else:  # DRF's own steps for one field (Serializer.to_representation)
                try:
                    attribute = target.get_attribute(instance)
                except SkipField:
                    continue
                check = attribute.pk if isinstance(attribute, PKOnlyObject) else attribute
                ret[name] = None if check is None else target.to_representation(attribute)
        return ret
