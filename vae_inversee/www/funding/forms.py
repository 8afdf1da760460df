"""Portal forms for funding files: they parse the input into Amounts; funding.services checks the caps."""

from django import forms

from certifications.filters import CERTIFICATION_HELP, CertificationCodeField
from certifications.models import Certification
from funding.enums import CATEGORIES, FundingCategory, FundingStatus
from funding.money import Amounts, Caps
from pathways.models import ProjectHolder
from pathways.selectors import ASSIGNEE_CHOICES
from vae_inversee.accounts.models import Organisation
from vae_inversee.lib.money import format_euros
from vae_inversee.www.forms import EuroField, Form, amounts_of, keep_model_choices


def _label(category, suffix):
    return f"{FundingCategory(category).label}{suffix}"


# ---- the project holder's request ------------------------------------------------------------------


class FundingRequestForm(Form):
    """The three amounts asked for one contract year; `caps` feeds the hints."""

    requested_teaching = EuroField(label=_label(FundingCategory.TEACHING, " (€)"), required=False)
    requested_design = EuroField(label=_label(FundingCategory.DESIGN, " (€)"), required=False)
    requested_support = EuroField(label=_label(FundingCategory.SUPPORT, " (€)"), required=False)

    def __init__(self, *args, caps: Caps, **kwargs):
        super().__init__(*args, **kwargs)
        for category in CATEGORIES:
            name = f"requested_{category}"
            self.fields[name].widget.attrs.update({"data-funding-amount": category})
            # The bound field keeps its own copy of the help text (DsfrBaseForm builds them in __init__).
            self[
                name
            ].help_text = f"Plafond pour cette année de contrat ({caps.months} mois) : {format_euros(caps[category])}."

    def requested(self) -> Amounts:
        return amounts_of(self.cleaned_data, "requested")

    def typed(self) -> Amounts:
        """The amounts as typed so far (0 where they do not parse): the remaining room shown beside them."""
        values = {}
        for category in CATEGORIES:
            name = f"requested_{category}"
            try:
                values[category] = self.fields[name].clean(self[name].data) or Amounts()[category]
            except forms.ValidationError:
                values[category] = Amounts()[category]
        return Amounts(**values)


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
        requested = funding_file.requested
        kwargs.setdefault("prefix", "accord")
        kwargs.setdefault("initial", requested.as_fields("approved"))
        super().__init__(*args, **kwargs)
        for category, amount in requested.items():
            name = f"approved_{category}"
            self.fields[name].error_messages["required"] = "Indiquez le montant accordé (0 si rien n'est accordé)."
            self[name].help_text = f"Demandé : {format_euros(amount)}."

    def service_data(self):
        return {"approved": amounts_of(self.cleaned_data, "approved"), "reason": self.cleaned_data["reason"]}


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


SEARCH_HELP = "Référence du parcours, candidat, employeur, porteur de projet ou certification"


class QueueFilterForm(AmountRangeMixin, Form):
    q = forms.CharField(label="Rechercher", required=False, max_length=100, help_text=SEARCH_HELP)
    status = forms.ChoiceField(label="Statut", required=False)
    project_holder = forms.ModelChoiceField(
        label="Porteur de projet", required=False, queryset=ProjectHolder.objects.none(), empty_label="Tous"
    )
    certification = CertificationCodeField(
        label="Certification", required=False, queryset=Certification.objects.none(), help_text=CERTIFICATION_HELP
    )
    min_total = EuroField(label="Total demandé minimum (€)", required=False)
    max_total = EuroField(label="Total demandé maximum (€)", required=False)
    assignee = forms.ChoiceField(label="Assignation", required=False, choices=ASSIGNEE_CHOICES)

    def __init__(self, *args, user, statuses, project_holders, certifications, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", "Tous les statuts"), *((s.value, s.label) for s in statuses)]
        self.fields["project_holder"].queryset = project_holders
        self.fields["project_holder"].label_from_instance = lambda holder: holder.organisation.name
        self.fields["certification"].queryset = certifications
        keep_model_choices(self, user, "opco-queue")


class MinistryFilterForm(Form):
    q = forms.CharField(label="Rechercher", required=False, max_length=100, help_text=SEARCH_HELP)
    status = forms.ChoiceField(
        label="Statut", required=False, choices=[("", "Tous les statuts"), *FundingStatus.choices]
    )
    opco = forms.ModelChoiceField(
        label="OPCO", required=False, queryset=Organisation.objects.opcos().order_by("code"), empty_label="Tous"
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["opco"].label_from_instance = lambda opco: opco.name
