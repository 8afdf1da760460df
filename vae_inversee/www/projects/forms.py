"""Portal forms of project applications: they parse; pathways.project_services checks and writes."""

from django import forms

from certifications.models import Certification
from pathways.enums import ProjectDocumentKind, ProjectPartnerRole, ProjectStatus, Region
from vae_inversee.www.forms import CheckboxSelectMultiple, Form, UploadInput


class ProjectForm(Form):
    title = forms.CharField(label="Intitulé du projet", max_length=255)
    summary = forms.CharField(label="Résumé", required=False, widget=forms.Textarea(attrs={"rows": 4}))
    regions = forms.MultipleChoiceField(
        label="Régions", choices=Region.choices, widget=CheckboxSelectMultiple, help_text="Au moins une région."
    )
    sectors = forms.CharField(
        label="Secteurs et métiers en tension visés", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    certifications = forms.ModelMultipleChoiceField(
        label="Certifications visées",
        queryset=Certification.objects.none(),
        required=False,
        help_text="Maintenez Ctrl (ou Cmd) pour en choisir plusieurs.",
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    requested_pathways = forms.IntegerField(label="Nombre de parcours demandés", min_value=1, max_value=5000)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["certifications"].queryset = Certification.objects.vae_eligible().order_by("code")
        self.fields["certifications"].label_from_instance = lambda c: f"{c.code} — {c.title}"


class PartnerForm(Form):
    name = forms.CharField(label="Nom du partenaire", max_length=255)
    siret = forms.CharField(label="SIRET", max_length=20, help_text="14 chiffres.")
    role = forms.ChoiceField(label="Rôle", choices=[("", "—"), *ProjectPartnerRole.choices])


PartnerFormSet = forms.formset_factory(PartnerForm, extra=2, can_delete=True, max_num=30, validate_max=True)


def partners_of(formset) -> list[dict]:
    return [
        {name: form.cleaned_data[name] for name in ("name", "siret", "role")}
        for form in formset.forms
        if form.cleaned_data and not form.cleaned_data.get("DELETE")
    ]


class ProjectDocumentForm(Form):
    kind = forms.ChoiceField(label="Type de pièce", choices=ProjectDocumentKind.choices)
    file = forms.FileField(
        label="Fichier",
        help_text="PDF, PNG ou JPEG, 10 Mo au plus.",
        widget=UploadInput(attrs={"accept": ".pdf,.png,.jpg,.jpeg,application/pdf,image/png,image/jpeg"}),
    )


class ReasonForm(Form):
    reason = forms.CharField(label="Motif", widget=forms.Textarea(attrs={"rows": 3}))


class AcceptForm(Form):
    granted_pathways = forms.IntegerField(label="Nombre de parcours accordés", min_value=1)
    comment = forms.CharField(label="Commentaire", required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, project, **kwargs):
        kwargs.setdefault("prefix", "accept")
        kwargs.setdefault("initial", {"granted_pathways": project.requested_pathways})
        super().__init__(*args, **kwargs)
        self.fields["granted_pathways"].widget.attrs["max"] = project.requested_pathways
        self["granted_pathways"].help_text = f"Entre 1 et {project.requested_pathways} (le nombre demandé)."


class QueueFilterForm(Form):
    status = forms.ChoiceField(
        label="Statut", required=False, choices=[("", "Tous les statuts déposés")] + [
            (status.value, status.label) for status in ProjectStatus if status != ProjectStatus.DRAFT
        ]
    )  # fmt: skip
    region = forms.ChoiceField(label="Région", required=False, choices=[("", "Toutes les régions"), *Region.choices])
    q = forms.CharField(label="Référence, intitulé ou porteur", required=False)
