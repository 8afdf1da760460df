"""Portal forms for progress records and jury results: they parse the input; evaluation.services checks
coherence and writes. The blocks offered are the pathway's targeted blocks, passed in as a list (no query)."""

from django import forms
from django.utils import timezone

from evaluation.enums import (
    EMPLOYED_SITUATIONS,
    JuryOutcome,
    OutcomeContractType,
    OutcomeMoment,
    OutcomeSituation,
    ProgressLevel,
)
from evaluation.filters import IndicatorFilter, SteeringFilter
from pathways.selectors import ASSIGNEE_CHOICES
from vae_inversee.www.forms import CheckboxSelectMultiple, DateField, Form, RadioSelect


class CertifierQueueForm(Form):
    """The certifier's queues: which one, a search, and « assigned to me » / « unassigned »."""

    file = forms.ChoiceField(
        label="File", required=False, choices=[("recevabilite", "Recevabilités"), ("jury", "Jurys")]
    )
    q = forms.CharField(
        label="Rechercher", required=False, max_length=100,
        help_text="Référence, candidat, employeur, code ou intitulé de certification",
    )  # fmt: skip
    assignee = forms.ChoiceField(label="Assignation", required=False, choices=ASSIGNEE_CHOICES)


def _block_label(block):
    return f"{block.code} — {block.title}"


class AssessmentForm(Form):
    skill_block = forms.TypedChoiceField(label="Bloc de compétences", coerce=int)
    level = forms.ChoiceField(label="Niveau atteint", choices=ProgressLevel.choices, widget=RadioSelect)
    assessed_at = DateField(label="Date du relevé", initial=timezone.localdate)
    comment = forms.CharField(
        label="Commentaire",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Facultatif : situations observées, points à travailler.",
    )

    def __init__(self, *args, blocks, **kwargs):
        kwargs.setdefault("prefix", "progression")
        super().__init__(*args, **kwargs)
        self.blocks = {block.pk: block for block in blocks}
        if self.blocks:
            self.fields["skill_block"].choices = [("", "— Choisir un bloc —")] + [
                (block.pk, _block_label(block)) for block in blocks
            ]
        else:
            # A certification without skill blocks: the record is on the certification as a whole.
            del self.fields["skill_block"]

    def service_data(self):
        data = dict(self.cleaned_data)
        data["skill_block"] = self.blocks.get(data.pop("skill_block", None))
        return data


class JuryResultForm(Form):
    session_date = DateField(label="Date du jury")
    outcome = forms.ChoiceField(label="Résultat du jury", choices=JuryOutcome.choices, widget=RadioSelect)
    validated_blocks = forms.TypedMultipleChoiceField(
        label="Blocs de compétences validés",
        required=False,
        coerce=int,
        widget=CheckboxSelectMultiple,
        help_text="Cochez chaque bloc validé par le jury ; les blocs non cochés sont non validés.",
    )
    comment = forms.CharField(label="Observations du jury", required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, blocks, **kwargs):
        kwargs.setdefault("prefix", "jury")
        super().__init__(*args, **kwargs)
        self.blocks = list(blocks)
        if self.blocks:
            self.fields["validated_blocks"].choices = [(block.pk, _block_label(block)) for block in self.blocks]
        else:
            del self.fields["validated_blocks"]

    def service_data(self):
        data = dict(self.cleaned_data)
        validated = set(data.pop("validated_blocks", []))
        data["block_results"] = [(block, block.pk in validated) for block in self.blocks]
        return data


class OutcomeForm(Form):
    """The person's situation once the pathway has ended; the moments offered are those open now."""

    at = forms.ChoiceField(label="Moment", choices=OutcomeMoment.choices, widget=RadioSelect)
    situation = forms.ChoiceField(label="Situation de la personne", choices=OutcomeSituation.choices)
    contract_type = forms.ChoiceField(
        label="Type de contrat",
        required=False,
        choices=[("", "— Sans objet (pas en emploi) —"), *OutcomeContractType.choices],
        help_text="À indiquer si la personne est en emploi (même employeur ou autre employeur), et seulement alors.",
    )

    def __init__(self, *args, moments, **kwargs):
        kwargs.setdefault("prefix", "situation")
        super().__init__(*args, **kwargs)
        self.fields["at"].choices = [(moment, OutcomeMoment(moment).label) for moment in moments]
        if len(moments) == 1:
            self.fields["at"].initial = moments[0]

    def clean(self):
        data = super().clean()
        situation, contract_type = data.get("situation"), data.get("contract_type")
        if situation in EMPLOYED_SITUATIONS and not contract_type:
            self.add_error("contract_type", "Indiquez le type de contrat de la personne en emploi.")
        elif situation and situation not in EMPLOYED_SITUATIONS and contract_type:
            self.add_error("contract_type", "Le type de contrat ne s'indique que pour une personne en emploi.")
        return data


# The steering filters (evaluation.filters) with the portal's DSFR form: same parsing, same rules.
class PortalIndicatorFilter(IndicatorFilter):
    class Meta(IndicatorFilter.Meta):
        form = Form


class PortalSteeringFilter(SteeringFilter):
    class Meta(SteeringFilter.Meta):
        form = Form
