"""Portal forms of the pathways area: they parse and check the input; pathways.services validates and writes."""

from django import forms

from certifications.models import Certification, SkillBlock
from pathways import selectors
from pathways.contracts import check_contract
from pathways.enums import AdmissibilityDecision, DocumentKind, HighestQualification, PathwayPhase, PlanActionKind
from pathways.models import Candidate, Contract, Employer
from vae_inversee.accounts.models import Organisation, User
from vae_inversee.lib.identifiers import (
    IDCC_NO_AGREEMENT,
    compact_nir,
    normalize_idcc,
    validate_idcc,
    validate_nir,
    validate_siret,
)
from vae_inversee.www.forms import (
    CheckboxSelectMultiple,
    DateField,
    DateInput,
    EuroField,
    Form,
    RadioSelect,
    UploadInput,
    keep_model_choices,
)


class NirInput(forms.TextInput):
    """The NIR is never sent back to the browser, not even after a validation error."""

    def format_value(self, value):
        return None


# ---- the list filters ------------------------------------------------------------------------------


class PathwayFilterForm(Form):
    q = forms.CharField(
        label="Rechercher",
        required=False,
        max_length=100,
        help_text="Référence, nom du candidat, employeur, code ou intitulé de certification",
    )
    phase = forms.ChoiceField(label="Phase", required=False, choices=[("", "Toutes les phases"), *PathwayPhase.choices])
    certification = forms.ModelChoiceField(
        label="Certification", required=False, queryset=Certification.objects.none(), empty_label="Toutes"
    )
    employer = forms.ModelChoiceField(
        label="Employeur", required=False, queryset=Employer.objects.none(), empty_label="Tous"
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        certifications, employers = selectors.filter_choices(user)
        self.fields["certification"].queryset = certifications
        self.fields["certification"].label_from_instance = lambda c: f"{c.code} — {c.title}"
        self.fields["employer"].queryset = employers
        self.fields["employer"].label_from_instance = lambda e: e.name
        keep_model_choices(self, user, "pathway-list")


# ---- candidates and employers ---------------------------------------------------------------------


class CandidateForm(Form):
    first_name = forms.CharField(label="Prénom", max_length=150)
    last_name = forms.CharField(label="Nom", max_length=150)
    birth_date = DateField(label="Date de naissance", help_text="Format attendu : JJ/MM/AAAA")
    email = forms.EmailField(label="Adresse électronique", required=False, help_text="Format attendu : nom@domaine.fr")
    highest_qualification = forms.ChoiceField(
        label="Plus haut diplôme",
        choices=HighestQualification.choices,
        help_text="Il détermine le salaire minimum du contrat de professionnalisation.",
    )
    nir = forms.CharField(
        label="Numéro de sécurité sociale (NIR)",
        required=False,
        max_length=21,
        widget=NirInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        help_text="Facultatif. 15 caractères, clé comprise ; il n'est jamais réaffiché.",
    )

    def __init__(self, *args, nir_recorded=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.nir_recorded = nir_recorded
        if nir_recorded:
            self.fields[
                "nir"
            ].help_text = (
                "Un NIR est déjà renseigné : laissez ce champ vide pour le conserver, ou saisissez-en un autre."
            )
            self.fields["clear_nir"] = forms.BooleanField(label="Effacer le NIR enregistré", required=False)

    def clean_nir(self):
        nir = compact_nir(self.cleaned_data["nir"])
        if nir:
            validate_nir(nir)
        return nir

    def service_data(self):
        data = {name: self.cleaned_data[name] for name in ("first_name", "last_name", "birth_date", "email")}
        data["highest_qualification"] = self.cleaned_data["highest_qualification"]
        if self.cleaned_data.get("clear_nir"):
            data["nir"] = ""
        elif self.cleaned_data["nir"] or not self.nir_recorded:
            data["nir"] = self.cleaned_data["nir"]
        return data

    @staticmethod
    def initial_for(candidate: Candidate):
        return {
            "first_name": candidate.first_name,
            "last_name": candidate.last_name,
            "birth_date": candidate.birth_date,
            "email": candidate.email,
            "highest_qualification": candidate.highest_qualification,
        }


class EmployerForm(Form):
    name = forms.CharField(label="Raison sociale", max_length=255)
    siret = forms.CharField(
        label="SIRET de l'établissement", max_length=20, help_text="14 chiffres (les espaces sont acceptés)"
    )
    idcc = forms.CharField(
        label="IDCC (convention collective)",
        max_length=4,
        help_text="1 à 4 chiffres ; l'OPCO en découle. 9999 si aucune convention collective ne s'applique.",
    )
    opco = forms.ModelChoiceField(
        label="OPCO (uniquement si IDCC 9999)",
        required=False,
        queryset=Organisation.objects.opcos().order_by("code"),
        empty_label="— Déduit de l'IDCC —",
        help_text="Laissez vide : l'OPCO est déduit de l'IDCC. À choisir seulement quand l'IDCC est 9999.",
    )
    address = forms.CharField(label="Adresse", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    private_law = forms.BooleanField(
        label="Employeur de droit privé",
        required=False,
        initial=True,
        help_text="Seuls les employeurs de droit privé peuvent conclure un contrat de professionnalisation.",
    )

    def clean_siret(self):
        siret = "".join(self.cleaned_data["siret"].split())
        validate_siret(siret)
        return siret

    def clean_idcc(self):
        idcc = self.cleaned_data["idcc"].strip()
        validate_idcc(idcc)
        return normalize_idcc(idcc)

    def clean(self):
        cleaned = super().clean()
        # The OPCO is derived from the IDCC; the select only counts for IDCC 9999.
        if normalize_idcc(cleaned.get("idcc")) != IDCC_NO_AGREEMENT:
            cleaned["opco"] = None
        return cleaned

    @staticmethod
    def initial_for(employer: Employer):
        return {
            "name": employer.name,
            "siret": employer.siret,
            "idcc": employer.idcc,
            "opco": employer.opco_id if employer.idcc == IDCC_NO_AGREEMENT else None,
            "address": employer.address,
            "private_law": employer.private_law,
        }


# ---- pathways -----------------------------------------------------------------------------------


class CertificationChoiceForm(Form):
    """Step 1 of the pathway form (a GET form): the certification, whose blocks step 2 shows."""

    certification = forms.ModelChoiceField(
        label="Certification visée",
        queryset=Certification.objects.none(),
        empty_label="— Choisir une certification —",
        help_text="Seules les certifications actives et accessibles « Par expérience » peuvent être visées.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["certification"].queryset = Certification.objects.vae_eligible().order_by("title", "code")
        self.fields["certification"].label_from_instance = lambda c: f"{c.title} ({c.code})"


class PathwayForm(Form):
    candidate = forms.ModelChoiceField(label="Candidat", queryset=Candidate.objects.none())
    employer = forms.ModelChoiceField(label="Employeur", queryset=Employer.objects.none())
    target_blocks = forms.ModelMultipleChoiceField(
        label="Blocs de compétences visés",
        required=False,
        queryset=SkillBlock.objects.none(),
        widget=CheckboxSelectMultiple,
        help_text="Cochez tous les blocs pour viser la certification complète.",
    )
    companion = forms.ModelChoiceField(
        label="Accompagnateur ou accompagnatrice",
        required=False,
        queryset=User.objects.none(),
        empty_label="— À désigner plus tard —",
        help_text="Obligatoire pour passer en phase d'accompagnement.",
    )

    def __init__(self, *args, user, certification, locked=False, projects=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.certification = certification
        fields = self.fields
        if projects is not None:
            # Creation only: the accepted project the pathway opens in (fixed afterwards).
            projects = list(projects)
            with_room = [project for project in projects if project.opened < project.granted_pathways]
            fields["project"] = forms.ModelChoiceField(
                label="Projet",
                queryset=selectors.accepted_projects_with_room(user.membership.organisation_id),
                required=False,
                empty_label="— Le seul projet accepté ayant encore de la place —",
                initial=with_room[0].pk if len(with_room) == 1 else None,
                help_text="Le projet accepté où le parcours est ouvert : il compte dans son nombre de parcours accordés.",
            )
            fields["project"].label_from_instance = lambda project: (
                f"{project.reference} — {project.title} ({project.opened} ouverts sur {project.granted_pathways})"
            )
            self.order_fields(["project"])
        fields["candidate"].queryset = Candidate.objects.visible_to(user).order_by("last_name", "first_name")
        fields["employer"].queryset = Employer.objects.visible_to(user).order_by("name")
        fields["target_blocks"].queryset = selectors.active_blocks_of(certification)
        fields["target_blocks"].label_from_instance = lambda block: f"{block.code} — {block.title}"
        fields["companion"].queryset = selectors.companions()
        fields["companion"].label_from_instance = lambda person: (
            f"{person.get_full_name() or person.email} — {person.membership.organisation.name}"
        )
        if locked:
            # After positioning only the companion may change (pathways.services.pathway_update).
            for name in ("candidate", "employer", "target_blocks"):
                fields[name].disabled = True
                fields[name].help_text = "Ne peut plus être modifié après la phase de positionnement."

    def service_data(self):
        return {
            "candidate": self.cleaned_data["candidate"],
            "employer": self.cleaned_data["employer"],
            "certification": self.certification,
            "target_blocks": list(self.cleaned_data["target_blocks"]),
            "companion": self.cleaned_data["companion"],
            **({"project": self.cleaned_data["project"]} if "project" in self.cleaned_data else {}),
        }


class ContractForm(Form):
    signed_on = DateField(label="Conclu le", help_text="Date de signature du contrat")
    start_date = DateField(label="Date de début")
    end_date = DateField(label="Date de fin")
    weekly_hours = forms.DecimalField(
        label="Durée hebdomadaire (heures)",
        max_digits=4,
        decimal_places=2,
        min_value=1,
        max_value=48,
        widget=forms.NumberInput(attrs={"step": "0.5"}),
    )
    monthly_gross_salary = forms.DecimalField(
        label="Salaire mensuel brut (€)",
        max_digits=8,
        decimal_places=2,
        min_value=0.01,
        widget=forms.NumberInput(attrs={"step": "0.01"}),
        help_text="Au moins le minimum légal selon l'âge et le diplôme du candidat (part du SMIC).",
    )
    tutor_name = forms.CharField(label="Nom du tuteur ou de la tutrice", max_length=255)
    tutor_is_employer = forms.BooleanField(label="Le tuteur est l'employeur lui-même", required=False)

    FIELDS = ("signed_on", "start_date", "end_date", "weekly_hours", "monthly_gross_salary", "tutor_name",
              "tutor_is_employer")  # fmt: skip

    def __init__(self, *args, pathway=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.pathway = pathway

    @classmethod
    def initial_for(cls, contract):
        return {name: getattr(contract, name) for name in cls.FIELDS} if contract else {}

    def clean(self):
        """Every contract check at once: a field out of range (weekly hours 99) is left out of them,
        it does not hide the others until the next submit."""
        cleaned = super().clean()
        if self.pathway is not None:
            contract = Contract(pathway=self.pathway, **{name: cleaned.get(name) for name in self.FIELDS})
            for name, messages in check_contract(pathway=self.pathway, contract=contract).items():
                if name not in self.errors:
                    self.add_error(name if name in self.fields else None, messages)
        return cleaned


class DocumentForm(Form):
    kind = forms.ChoiceField(label="Type de pièce", choices=DocumentKind.choices)
    file = forms.FileField(
        label="Fichier",
        help_text="PDF, PNG ou JPEG, 10 Mo au plus.",
        widget=UploadInput(attrs={"accept": ".pdf,.png,.jpg,.jpeg,application/pdf,image/png,image/jpeg"}),
    )


# ---- actions on the pathway page ----------------------------------------------------------------

OPINION_CHOICES = [("true", "Favorable"), ("false", "Défavorable")]


def _as_bool(value):
    return value == "true"


class SupportOpinionForm(Form):
    job_match = forms.TypedChoiceField(
        label="Adéquation du poste à la certification",
        choices=OPINION_CHOICES,
        coerce=_as_bool,
        widget=RadioSelect,
    )
    pedagogical_path = forms.TypedChoiceField(
        label="Parcours pédagogique (enseignements, AFEST, activités de travail)",
        choices=OPINION_CHOICES,
        coerce=_as_bool,
        widget=RadioSelect,
    )
    comment = forms.CharField(label="Commentaire", required=False, widget=forms.Textarea(attrs={"rows": 3}))

    @staticmethod
    def initial_for(opinion):
        if opinion is None:
            return {}
        return {
            "job_match": "true" if opinion.job_match else "false",
            "pedagogical_path": "true" if opinion.pedagogical_path else "false",
            "comment": opinion.comment,
        }


class AdmissibilityForm(Form):
    decision = forms.ChoiceField(
        label="Décision de recevabilité", choices=AdmissibilityDecision.choices, widget=RadioSelect
    )
    comment = forms.CharField(
        label="Commentaire",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Obligatoire pour une décision de non-recevabilité.",
    )

    @staticmethod
    def initial_for(record):
        return {"decision": record.decision, "comment": record.comment} if record else {}


class JurySessionForm(Form):
    session_date = DateField(label="Date de la session de jury")


class ContractRenewalForm(Form):
    end_date = DateField(
        label="Nouvelle date de fin du contrat",
        widget=DateInput,
        help_text="Le contrat renouvelé couvre le nouveau passage devant le jury ; 36 mois au plus en tout.",
    )


class TransitionForm(Form):
    to = forms.ChoiceField(choices=PathwayPhase.choices, widget=forms.HiddenInput)
    comment = forms.CharField(
        label="Commentaire (facultatif)", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class AbandonForm(Form):
    reason = forms.CharField(
        label="Motif de l'abandon",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Il figurera dans l'historique du parcours et les indicateurs de l'expérimentation.",
        error_messages={"required": "Le motif de l'abandon est obligatoire."},
    )


# ---- the pedagogical plan ------------------------------------------------------------------------------


class PlanActionForm(Form):
    """One action of the plan; pathways.services checks the provider, the blocks and the contract dates."""

    kind = forms.ChoiceField(label="Nature de l'action", choices=PlanActionKind.choices)
    title = forms.CharField(label="Intitulé", max_length=255)
    provider_name = forms.CharField(label="Organisme", max_length=255, required=False)
    provider_siret = forms.CharField(
        label="SIRET de l'organisme", max_length=20, required=False, help_text="Sauf activité en situation de travail."
    )
    skill_blocks = forms.ModelMultipleChoiceField(
        label="Blocs de compétences couverts",
        queryset=SkillBlock.objects.none(),
        required=False,
        widget=CheckboxSelectMultiple,
    )
    planned_hours = forms.DecimalField(label="Heures prévues", max_digits=7, decimal_places=2, min_value=0)
    start_date = DateField(label="Début")
    end_date = DateField(label="Fin")
    cost = EuroField(label="Coût (€ HT)", help_text="0 pour une activité en situation de travail.")

    def __init__(self, *args, pathway, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["skill_blocks"].queryset = pathway.target_blocks.order_by("code")

    @staticmethod
    def initial_for(plan_action):
        if plan_action is None:
            return {}
        return {
            **{name: getattr(plan_action, name) for name in (
                "kind", "title", "provider_name", "provider_siret", "planned_hours", "start_date", "end_date", "cost",
            )},
            "skill_blocks": list(plan_action.skill_blocks.all()),
        }  # fmt: skip


class RealisedHoursForm(Form):
    realised_hours = forms.DecimalField(label="Heures réalisées", max_digits=7, decimal_places=2, min_value=0)


# ---- working together (product.md section 13) ---------------------------------------------------------


class MessageForm(Form):
    body = forms.CharField(
        label="Votre message",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Lu par toutes les organisations du parcours et par le candidat. Un message envoyé ne se modifie pas.",
    )
    attachment = forms.FileField(
        label="Pièce jointe (facultative)",
        required=False,
        help_text="PDF, PNG ou JPEG, 10 Mo au plus.",
        widget=UploadInput(attrs={"accept": ".pdf,.png,.jpg,.jpeg,application/pdf,image/png,image/jpeg"}),
    )


class NoteForm(Form):
    body = forms.CharField(
        label="Note interne",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Visible seulement des membres de votre organisation ; ni les autres organisations ni le candidat ne la voient.",
    )


class AssignForm(Form):
    assignee = forms.ModelChoiceField(
        label="Assigné·e à",
        queryset=None,
        required=False,
        empty_label="Personne (non assigné)",
    )

    def __init__(self, *args, colleagues, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = colleagues
        self.fields["assignee"].label_from_instance = lambda user: user.get_full_name() or user.email
