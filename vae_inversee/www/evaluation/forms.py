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


# ---- jury sessions (evaluation.sessions) ------------------------------------------------------------------

ACQUIRED, NOT_ACQUIRED = "acquis", "non_acquis"
BLOCK_CHOICES = [(ACQUIRED, "Acquis"), (NOT_ACQUIRED, "Non acquis")]


def _candidate_label(pathway):
    return f"{pathway.candidate} — {pathway.reference}"


class SessionScheduleForm(Form):
    """Step 1: a date and the candidates (pathways of one certification) it gathers."""

    session_date = DateField(label="Date de la session de jury")
    pathways = forms.TypedMultipleChoiceField(
        label="Candidats de la session",
        coerce=int,
        required=False,
        widget=CheckboxSelectMultiple,
        help_text="Cochez les candidats convoqués ; une date déjà fixée est remplacée par celle-ci.",
    )

    def __init__(self, *args, pathways, **kwargs):
        kwargs.setdefault("prefix", "session")
        super().__init__(*args, **kwargs)
        self.candidates = {pathway.pk: pathway for pathway in pathways}
        self.fields["pathways"].choices = [
            (
                pathway.pk,
                f"{_candidate_label(pathway)} ({pathway.get_phase_display().lower()}, "
                + (
                    f"session actuelle le {pathway.jury_session_date:%d/%m/%Y})"
                    if pathway.jury_session_date
                    else "date à fixer)"
                ),
            )
            for pathway in pathways
        ]

    def add_session_errors(self, details):
        for key, value in details.items():
            if key == "session_date":
                self.add_error("session_date", value)
            elif key in self.candidates:
                label = _candidate_label(self.candidates[key])
                messages = [message for inner in value.values() for message in inner]
                self.add_error("pathways", [f"{label} : {message}" for message in messages])
            else:
                self.add_error("pathways", list(value) if not isinstance(value, dict) else sum(value.values(), []))


class SessionJuryForm(Form):
    """Step 2, one candidate: each targeted block acquired or not, the outcome, the jury's observations.

    Every field may be left blank here: evaluation.sessions says what is missing, block by block."""

    outcome = forms.ChoiceField(
        label="Résultat du jury", required=False, choices=[("", "Sélectionner une option"), *JuryOutcome.choices]
    )
    comment = forms.CharField(label="Observations du jury", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, pathway, **kwargs):
        kwargs.setdefault("prefix", f"parcours-{pathway.pk}")
        self.pathway = pathway
        self.blocks = list(pathway.targets)
        # The blocks first, then the outcome they lead to, then the observations (this form's own fields,
        # given before Django copies them and the DSFR dresses them).
        self.base_fields = {
            **{
                self.block_field(block): forms.ChoiceField(
                    label=_block_label(block), required=False, choices=BLOCK_CHOICES, widget=RadioSelect
                )
                for block in self.blocks
            },
            **type(self).base_fields,
        }
        super().__init__(*args, **kwargs)

    @staticmethod
    def block_field(block):
        return f"bloc_{block.pk}"

    def block_fields(self):
        return [self[self.block_field(block)] for block in self.blocks]

    def service_data(self):
        data = self.cleaned_data
        answers = {ACQUIRED: True, NOT_ACQUIRED: False}
        return {
            "pathway": self.pathway,
            "outcome": data.get("outcome", ""),
            "block_results": [(block, answers.get(data.get(self.block_field(block)))) for block in self.blocks],
            "comment": data.get("comment", ""),
        }

    def add_session_errors(self, details):
        for key, value in details.items():
            if key == "blocks":
                for block_pk, messages in value.items():
                    name = f"bloc_{block_pk}"
                    self.add_error(name if name in self.fields else None, messages)
            else:
                self.add_error(key if key in self.fields else None, value)
