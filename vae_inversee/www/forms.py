"""The portal's form toolkit (DSFR markup): every form of every area is built from these pieces.

Forms parse and check the input; the services validate the rules and write.
"""

import html
from decimal import Decimal

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS
from django.utils.choices import BaseChoiceIterator
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
    (~500 ms of a list page at 100 000 pathways, bench/results, issue 16). `kept_html`, set by
    `keep_model_choices`, is the options already written (none selected), kept with them: a rendering then
    only marks the selected value (used only while the widget still lists those same choices)."""

    template_name = "includes/select.html"
    kept_html = None

    def get_context(self, name, value, attrs):
        # The base widget's context (name, value as strings, attrs), without Django's per-option dicts.
        context = forms.Widget.get_context(self, name, value, attrs)
        if self.allow_multiple_selected:
            context["widget"]["attrs"]["multiple"] = True
        kept_for, written = self.kept_html or (None, None)
        if kept_for is not self.choices:
            written = options_html(self.choices)
        context["widget"]["options_html"] = mark_safe(
            _selected(written, context["widget"]["value"], self.allow_multiple_selected)
        )
        return context


def _text(value) -> str:
    return str(value.__html__()) if hasattr(value, "__html__") else html.escape(str(value))


def _option(value, label) -> str:
    return f'<option value="{_text("" if value is None else value)}">{_text(label)}</option>'


def options_html(choices) -> str:
    """The `<option>`s (and `<optgroup>`s) of `choices`, none selected, escaped as Django's template would."""
    written = []
    for value, label in choices:
        if isinstance(label, (list, tuple)):
            inner = "".join(_option(sub_value, sub_label) for sub_value, sub_label in label)
            written.append(f'<optgroup label="{_text(value)}">{inner}</optgroup>')
        else:
            written.append(_option(value, label))
    return "".join(written)


def _selected(written: str, values, multiple: bool) -> str:
    """`written` with the option of each selected value marked (the first only for a single dropdown)."""
    for value in values:
        opening = f'<option value="{_text(value)}">'
        if opening in written:
            written = written.replace(opening, f'<option value="{_text(value)}" selected>', 1)
            if not multiple:
                break
    return written


class KeptChoices(BaseChoiceIterator):
    """Options already in their final shape, [(value, label)]: Django's field and widget take a choice
    iterator as it is, where a list is normalised again, option by option, by each of them (2 × 2 000
    certifications on every rendering of the OPCO's queue, issue 16)."""

    def __init__(self, options):
        self.options = options

    def __iter__(self):
        return iter(self.options)

    def __len__(self):
        return len(self.options)


def keep_model_choices(form, user, name):
    """The options of the form's model dropdowns, kept per data version and user
    (`evaluation.indicator_version.remember`): the certifications, employers or project holders a list's
    filters offer are queried once, then read from the cache until a write of the watched data (at 1 000 000
    pathways, their queries took ~1 s of the OPCO queue, issue 16). Exact: any write makes them
    unreachable. A submitted value is still checked against the field's queryset (the user's scope)."""
    for field_name, field in form.fields.items():
        if (
            not isinstance(field, forms.ModelChoiceField)
            or isinstance(field, forms.ModelMultipleChoiceField)
            or not isinstance(field.widget, forms.Select)  # a code typed with suggestions (certifications.filters)
        ):
            continue

        def compute(field=field):
            blank = [("", field.empty_label)] if field.empty_label is not None else []
            options = [
                *blank,
                *((field.prepare_value(obj), str(field.label_from_instance(obj))) for obj in field.queryset),
            ]
            return options, options_html(options)

        # "options-html": the kept value's shape in its name (a deployed change of shape never reads an old one).
        options, written = remember(user, f"options-html:{name}:{field_name}", compute)
        # ChoiceField's own setter: a model field then lists these instead of querying (django-filter's
        # ModelChoiceField setter would wrap them in a queryset iterator).
        forms.ChoiceField.choices.fset(field, KeptChoices(options))
        if isinstance(field.widget, Select):
            field.widget.kept_html = (field.widget.choices, written)


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
