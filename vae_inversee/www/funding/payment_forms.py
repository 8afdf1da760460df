"""Portal forms of payments (product.md section 12): they parse; funding.services checks and writes."""

from django import forms

from funding.enums import FundingCategory, PaymentRequestStatus
from vae_inversee.www.forms import DateField, EuroField, Form, UploadInput

SORTS = [
    ("created_at", "Les plus anciennes d'abord"),
    ("-created_at", "Les plus récentes d'abord"),
    ("-amount", "Montant décroissant"),
    ("amount", "Montant croissant"),
]


class PaymentRequestForm(Form):
    funding_file = forms.TypedChoiceField(label="Dossier de financement accordé", coerce=int)
    category = forms.ChoiceField(label="Catégorie", choices=FundingCategory.choices)
    amount = EuroField(label="Montant demandé (€ HT)")
    invoice_number = forms.CharField(label="Numéro de facture", max_length=50)
    invoice_date = DateField(label="Date de la facture")
    provider_name = forms.CharField(label="Organisme facturant", max_length=255)
    provider_siret = forms.CharField(label="SIRET de l'organisme", max_length=20)
    period_start = DateField(label="Période facturée : du")
    period_end = DateField(label="au")
    realised_hours = forms.DecimalField(
        label="Heures réalisées", max_digits=7, decimal_places=2, min_value=0, required=False
    )
    invoice = forms.FileField(label="Facture (PDF, 10 Mo au plus)", widget=UploadInput)

    def __init__(self, *args, files_choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["funding_file"].choices = files_choices


class ApprovePaymentForm(Form):
    approved_amount = EuroField(label="Montant accepté (€ HT)", help_text="Au plus le montant demandé.")


class RejectPaymentForm(Form):
    reason = forms.CharField(label="Motif du refus", widget=forms.Textarea(attrs={"rows": 3}))


class PaymentQueueFilterForm(Form):
    q = forms.CharField(
        label="Rechercher",
        required=False,
        max_length=100,
        help_text="Référence du parcours, porteur ou numéro de facture",
    )
    status = forms.ChoiceField(
        label="Statut", choices=[("", "Tous")] + list(PaymentRequestStatus.choices), required=False
    )
    category = forms.ChoiceField(
        label="Catégorie", choices=[("", "Toutes")] + list(FundingCategory.choices), required=False
    )
    sort = forms.ChoiceField(label="Tri", choices=SORTS, required=False)


class MarkPaidForm(Form):
    paid_on = DateField(label="Date du virement")


class BankAccountForm(Form):
    account_holder = forms.CharField(label="Titulaire du compte", max_length=70)
    iban = forms.CharField(label="IBAN", max_length=42)
    bic = forms.CharField(label="BIC", max_length=11)
