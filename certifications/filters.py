"""Catalogue filters, shared by the API (`CertificationFilter`) and the portal page
(`CertificationCatalogueFilter`, the same filters with a checkbox and select-friendly labels)."""

import django_filters
from django import forms

from certifications.enums import Level

# The value of `?level=` for certifications without a level (REPRISE, RS fiches).
NO_LEVEL = "none"
LEVEL_CHOICES = [(str(value), label) for value, label in Level.choices] + [(NO_LEVEL, "Sans niveau")]
CERTIFICATION_HELP = "Son code (RNCP35185, RS5000) : tapez-le ou des mots de l'intitulé pour des suggestions."


class StrictBooleanFilter(django_filters.ChoiceFilter):
    """`true` or `false`, anything else is a 400.

    django-filter's BooleanFilter silently ignores a value it does not understand (`?active=oui`
    would list everything); here the form field rejects it and the API answers with a field map.
    """

    def __init__(self, *args, choices=(("true", "Oui"), ("false", "Non")), **kwargs):
        kwargs.setdefault(
            "error_messages", {"invalid_choice": "« %(value)s » n'est pas une valeur valide : utilisez true ou false."}
        )
        super().__init__(*args, choices=choices, **kwargs)

    def filter(self, qs, value):
        if value in ("", None):
            return qs
        return super().filter(qs, value == "true")


class CertificationFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        method="filter_q",
        label="Recherche",
        help_text="Code exact de la fiche ou d'un bloc (RNCP509, RS5000, RNCP509BC01) ou mots de l'intitulé.",
        max_length=200,
    )
    active = StrictBooleanFilter(field_name="active", label="Active", help_text="true ou false.")
    # Filters on the SQL annotation of `with_vae_eligibility()`, never in Python.
    vae_eligible = StrictBooleanFilter(
        field_name="is_vae_eligible",
        label="Ouverte à la VAE inversée",
        help_text="true : active et accessible par la voie « Par expérience ».",
    )
    level = django_filters.ChoiceFilter(
        method="filter_level",
        choices=LEVEL_CHOICES,
        label="Niveau",
        help_text="3 à 8, ou « none » pour les certifications sans niveau.",
        error_messages={"invalid_choice": "« %(value)s » n'est pas un niveau valide : 3 à 8, ou none."},
    )

    def filter_q(self, queryset, name, value):
        return queryset.search(value)

    def filter_level(self, queryset, name, value):
        if value == NO_LEVEL:
            return queryset.filter(level__isnull=True)
        return queryset.filter(level=int(value))


class CertificationCatalogueFilter(CertificationFilter):
    """The portal's GET form: a checkbox for eligibility, selects with an "all" choice."""

    vae_eligible = django_filters.BooleanFilter(
        method="filter_vae_eligible",
        label="Uniquement les certifications ouvertes à la VAE inversée",
        widget=forms.CheckboxInput,
    )
    active = StrictBooleanFilter(
        field_name="active",
        label="Statut",
        choices=(("true", "Actives"), ("false", "Inactives")),
        empty_label="Toutes",
    )
    level = django_filters.ChoiceFilter(
        method="filter_level", choices=LEVEL_CHOICES, label="Niveau", empty_label="Tous les niveaux"
    )

    def filter_vae_eligible(self, queryset, name, value):
        return queryset.filter(is_vae_eligible=True) if value else queryset


class CertificationCodeInput(forms.TextInput):
    """A text input for a certification's code, with suggestions from the catalogue as one types
    (static/js/suggestions.js reads `/api/v1/certifications/?q=`): a list of thousands of options weighed
    150 kB of every queue page and could not be searched. Without the script, the code is typed."""

    template_name = "certifications/widgets/code_input.html"

    def __init__(self, attrs=None):
        defaults = {
            "autocomplete": "off",
            "spellcheck": "false",
            "placeholder": "RNCP35185, ou des mots de l'intitulé",
            "data-suggestions": "/api/v1/certifications/",
        }
        super().__init__(attrs={**defaults, **(attrs or {})})

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        widget = context["widget"]
        widget["suggestions_id"] = widget["attrs"]["list"] = f"{widget['attrs'].get('id') or name}-suggestions"
        return context


class CertificationCodeField(django_filters.fields.ModelChoiceField):
    """A certification chosen by its code (`RNCP35185`, `rs5000`, or a suggestion as shown: "RNCP35185 — …"),
    within the field's queryset (the user's scope). A link of before, with the id, still works."""

    widget = CertificationCodeInput
    default_error_messages = {
        "invalid_choice": "« %(value)s » n'est le code d'aucune certification que vous pouvez filtrer (par exemple RNCP35185)."
    }

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("to_field_name", "code")
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        text = str(value).strip() if value is not None else ""
        if text in self.empty_values:
            return None
        code = text.split()[0].upper()
        lookup = {"pk": int(code)} if code.isdigit() and len(code) < 19 else {"code": code}
        try:
            return self.queryset.get(**lookup)
        except (self.queryset.model.DoesNotExist, ValueError):
            raise forms.ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice", params={"value": text[:60]}
            ) from None

    def prepare_value(self, value):
        return value.code if hasattr(value, "code") else value


class CertificationCodeFilter(django_filters.ModelChoiceFilter):
    field_class = CertificationCodeField
