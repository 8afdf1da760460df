"""Portal forms for funding files: they parse the input; funding.services checks the caps and writes."""

from decimal import Decimal

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS
from dsfr.forms import DsfrBaseForm

from certifications.models import Certification
from funding.enums import CATEGORIES, FundingCategory, FundingStatus
from funding.money import format_euros
from pathways.models import ProjectHolder
from vae_inversee.accounts.models import Organisation

NON_FIELD_KEYS = {NON_FIELD_ERRORS, "non_field_errors"}


class Form(DsfrBaseForm):
    def add_service_errors(self, error):
        """Show a service's ValidationError on the form: known fields on the field, the rest on top."""
        messages = getattr(error, "message_dict", None) or {NON_FIELD_ERRORS: error.messages}
        for name, field_messages in messages.items():
            self.add_error(None if name in NON_FIELD_KEYS or name not in self.fields else name, field_messages)


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


def _label(category, suffix):
    return f"{FundingCategory(category).label}{suffix}"


# ---- the project holder's request ------------------------------------------------------------------


class FundingRequestForm(Form):
    """The three amounts asked for one contract year; `caps` ({"teaching": Decimal, ...}) feeds the hints
    and the data- attributes the live remaining-room script reads."""

    requested_teaching = EuroField(label=_label(FundingCategory.TEACHING, " (€)"), required=False)
    requested_design = EuroField(label=_label(FundingCategory.DESIGN, " (€)"), required=False)
    requested_support = EuroField(label=_label(FundingCategory.SUPPORT, " (€)"), required=False)

    def __init__(self, *args, caps, months, **kwargs):
        super().__init__(*args, **kwargs)
        for category in CATEGORIES:
            name = f"requested_{category}"
            self.fields[name].widget.attrs.update({"data-funding-amount": category})
            # The bound field keeps its own copy of the help text (DsfrBaseForm builds them in __init__).
            self[
                name
            ].help_text = f"Plafond pour cette année de contrat ({months} mois) : {format_euros(caps[category])}."

    def service_data(self):
        return {name: value or Decimal("0") for name, value in self.cleaned_data.items()}


# ---- the OPCO's decisions ------------------------------------------------------------------------------


class ApproveForm(Form):
    """Prefilled with the requested amounts; the OPCO may lower them, never raise them (service check)."""

    approved_teaching = EuroField(label=_label(FundingCategory.TEACHING, " accordés (€)"))
    approved_design = EuroField(label=_label(FundingCategory.DESIGN, " accordée (€)"))
    approved_support = EuroField(label=_label(FundingCategory.SUPPORT, " accordé (€)"))
    reason = forms.CharField(
        label="Motif ou commentaire",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Facultatif ; utile si vous accordez moins que demandé. Il figure sur l'accord.",
    )

    def __init__(self, *args, funding_file, **kwargs):
        kwargs.setdefault("prefix", "accord")
        kwargs.setdefault("initial", {f"approved_{c}": getattr(funding_file, f"requested_{c}") for c in CATEGORIES})
        super().__init__(*args, **kwargs)
        for category in CATEGORIES:
            name = f"approved_{category}"
            self.fields[name].error_messages["required"] = "Indiquez le montant accordé (0 si rien n'est accordé)."
            self[name].help_text = f"Demandé : {format_euros(getattr(funding_file, f'requested_{category}'))}."

    def service_data(self):
        return dict(self.cleaned_data)


class RequestChangesForm(Form):
    reason = forms.CharField(
        label="Compléments attendus",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Le porteur de projet pourra modifier son dossier et le transmettre à nouveau.",
        error_messages={"required": "Précisez les compléments attendus."},
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "complements")
        super().__init__(*args, **kwargs)


class RejectForm(Form):
    reason = forms.CharField(
        label="Motif du refus",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Il figure sur la notification de refus adressée au porteur de projet.",
        error_messages={"required": "Motivez le refus : le porteur de projet en sera informé."},
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "refus")
        super().__init__(*args, **kwargs)


# ---- the list filters ------------------------------------------------------------------------------------


class AmountRangeMixin:
    def clean(self):
        cleaned = super().clean()
        low, high = cleaned.get("min_total"), cleaned.get("max_total")
        if low is not None and high is not None and low > high:
            self.add_error("max_total", "Le montant maximum doit être supérieur ou égal au minimum.")
        return cleaned


class QueueFilterForm(AmountRangeMixin, Form):
    status = forms.ChoiceField(label="Statut", required=False)
    project_holder = forms.ModelChoiceField(
        label="Porteur de projet", required=False, queryset=ProjectHolder.objects.none(), empty_label="Tous"
    )
    certification = forms.ModelChoiceField(
        label="Certification", required=False, queryset=Certification.objects.none(), empty_label="Toutes"
    )
    min_total = EuroField(label="Total demandé minimum (€)", required=False)
    max_total = EuroField(label="Total demandé maximum (€)", required=False)

    def __init__(self, *args, statuses, project_holders, certifications, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", "Tous les statuts"), *((s.value, s.label) for s in statuses)]
        self.fields["project_holder"].queryset = project_holders
        self.fields["project_holder"].label_from_instance = lambda holder: holder.organisation.name
        self.fields["certification"].queryset = certifications
        self.fields["certification"].label_from_instance = lambda c: f"{c.code} — {c.title[:60]}"


class MinistryFilterForm(Form):
    status = forms.ChoiceField(
        label="Statut", required=False, choices=[("", "Tous les statuts"), *FundingStatus.choices]
    )
    opco = forms.ModelChoiceField(
        label="OPCO", required=False, queryset=Organisation.objects.opcos().order_by("code"), empty_label="Tous"
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["opco"].label_from_instance = lambda opco: f"{opco.code} — {opco.name}"
