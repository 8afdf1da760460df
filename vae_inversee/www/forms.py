"""The portal's form toolkit (DSFR markup): every form of every area is built from these pieces.

Forms parse and check the input; the services validate the rules and write.
"""

from decimal import Decimal

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from dsfr.forms import DsfrBaseForm

from evaluation.indicator_version import remember
from funding.money import Amounts
from vae_inversee.lib.dates import validate_plausible_date

NON_FIELD_KEYS = {NON_FIELD_ERRORS, "non_field_errors"}
# A dropdown's first line (Django's "---------"), in French as the DSFR writes it.
PLACEHOLDER = "Sélectionner une option"
DJANGO_BLANK = "---------"


class Select(forms.Select):
    """Django's dropdown, its options written in Python instead of one template include each: the same
    markup, ~20 times faster for the filters that offer the 2 000 certifications of a national data set
    (~500 ms of a list page at 100 000 pathways, bench/results, issue 16)."""

    template_name = "includes/select.html"

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["options_html"] = mark_safe(
            "".join(
                format_html('<optgroup label="{}">{}</optgroup>', group, self._options(options))
                if group
                else self._options(options)
                for group, options, _index in context["widget"]["optgroups"]
            )
        )
        return context

    @staticmethod
    def _options(options):
        return format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            (
                (option["value"], mark_safe(" selected") if option["selected"] else "", option["label"])
                for option in options
            ),
        )


def keep_model_choices(form, user, name):
    """The options of the form's model dropdowns, kept per data version and user
    (`evaluation.indicator_version.remember`): the certifications, employers or project holders a list's
    filters offer are queried once, then read from the cache until a write of the watched data (at 1 000 000
    pathways, their queries took ~1 s of the OPCO queue, issue 16). Exact: any write makes them
    unreachable. A submitted value is still checked against the field's queryset (the user's scope)."""
    for field_name, field in form.fields.items():
        if not isinstance(field, forms.ModelChoiceField) or isinstance(field, forms.ModelMultipleChoiceField):
            continue
        options = remember(
            user,
            f"choices:{name}:{field_name}",
            lambda field=field: [
                (field.prepare_value(obj), str(field.label_from_instance(obj))) for obj in field.queryset
            ],
        )
        blank = [("", field.empty_label)] if field.empty_label is not None else []
        # ChoiceField's own setter: a model field then lists these instead of querying (django-filter's
        # ModelChoiceField setter would wrap them in a queryset iterator).
        forms.ChoiceField.choices.fset(field, [*blank, *options])


class Form(DsfrBaseForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if type(field.widget) is forms.Select:
                # The widget is this form's own copy: it keeps its choices and attributes, renders faster.
                field.widget.__class__ = Select
            if isinstance(field, forms.ModelChoiceField):
                if field.empty_label == DJANGO_BLANK:
                    field.empty_label = PLACEHOLDER
            elif isinstance(field, forms.ChoiceField):
                # Read the choices once (they may come from a query) and keep that list for the rendering.
                field.choices = [
                    (value, PLACEHOLDER if label == DJANGO_BLANK else label) for value, label in list(field.choices)
                ]

    def add_service_errors(self, error):
        """Show a service's ValidationError on the form: known fields on the field, the rest on top."""
        messages = getattr(error, "message_dict", None) or {NON_FIELD_ERRORS: error.messages}
        for name, field_messages in messages.items():
            self.add_error(None if name in NON_FIELD_KEYS or name not in self.fields else name, field_messages)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class DateField(forms.DateField):
    """A date typed in the browser's date picker, within the calendar the platform keeps (1900-2100)."""

    widget = DateInput
    default_validators = [validate_plausible_date]


class RadioSelect(forms.RadioSelect):
    # The DSFR markup (input, then its label), whatever the order of the template directories.
    option_template_name = "includes/radio_option.html"


class CheckboxSelectMultiple(forms.CheckboxSelectMultiple):
    option_template_name = "includes/checkbox_option.html"


class UploadInput(forms.FileInput):
    def __init__(self, attrs=None):
        super().__init__(attrs={"class": "fr-upload", **(attrs or {})})
        self.group_class = "fr-upload-group"


class EuroField(forms.DecimalField):
    """An amount in euros typed the French way: "1 500,50", "1500.50" or "1 500 €"."""

    widget = forms.TextInput

    def __init__(self, **kwargs):
        kwargs.setdefault("max_digits", 9)
        kwargs.setdefault("decimal_places", 2)
        kwargs.setdefault("min_value", Decimal("0"))
        kwargs.setdefault("localize", True)
        kwargs.setdefault(
            "error_messages",
            {
                "invalid": "Indiquez un montant en euros, par exemple 1500,00.",
                "min_value": "Le montant doit être positif ou nul.",
                "max_decimal_places": "Le montant s'exprime en euros et centimes (deux décimales au plus).",
                "max_digits": "Ce montant est trop élevé.",
                "max_whole_digits": "Ce montant est trop élevé.",
            },
        )
        super().__init__(**kwargs)

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        attrs.update({"inputmode": "decimal", "autocomplete": "off", "spellcheck": "false"})
        return attrs

    def to_python(self, value):
        if isinstance(value, str):
            value = value.replace("€", "").replace("\u202f", "").replace("\xa0", "").replace(" ", "").strip()
        return super().to_python(value)


def amounts_of(cleaned_data, prefix) -> Amounts:
    """The `<prefix>_<category>` fields of a form as Amounts (an empty field is 0)."""
    return Amounts(
        **{
            name.removeprefix(f"{prefix}_"): value or Decimal("0.00")
            for name, value in cleaned_data.items()
            if name.startswith(f"{prefix}_")
        }
    )
