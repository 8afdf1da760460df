"""Portal pages of payments (product.md section 12): the holder files requests on an approved file and
sees what was paid; the OPCO decides them, batches them, downloads the CSV and the SEPA file, marks the
batch paid; each organisation enters its bank details. Reads within `visible_to` (404), one service call."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Sum
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from funding import payments, services
from funding.enums import FundingStatus, PaymentRequestStatus
from funding.models import BankAccount, PaymentBatch, PaymentRequest
from pathways.models import Pathway
from vae_inversee.lib import policy
from vae_inversee.lib.errors import Conflict, Unavailable
from vae_inversee.lib.money import format_euros
from vae_inversee.lib.spreadsheets import csv_response
from vae_inversee.www.access import allowed, download, post_only
from vae_inversee.www.funding.payment_forms import (
    ApprovePaymentForm,
    BankAccountForm,
    MarkPaidForm,
    PaymentQueueFilterForm,
    PaymentRequestForm,
    RejectPaymentForm,
)
from vae_inversee.www.lists import Column, ListSpec, local_date

REQUEST_RELATED = ("funding_file__pathway__candidate", "funding_file__pathway__project_holder__organisation", "batch")


# ---- the project holder ------------------------------------------------------------------------------------


@allowed("payment_request.file")
def pathway_payments(request, pk):
    pathway = get_object_or_404(Pathway.objects.visible_to(request.user).select_related("contract"), pk=pk)
    approved = list(pathway.funding_files.filter(status=FundingStatus.APPROVED).order_by("contract_year"))
    choices = [(f.pk, f"Année {f.contract_year} — accordé {format_euros(f.approved_total)}") for f in approved]
    form = PaymentRequestForm(request.POST or None, request.FILES or None, files_choices=choices)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = dict(form.cleaned_data)
            funding_file = next(f for f in approved if f.pk == data.pop("funding_file"))
            try:
                payment_request = services.payment_request_create(
                    acting_user=request.user, funding_file=funding_file, **data
                )
            except ValidationError as error:
                form.add_service_errors(error)
            else:
                messages.success(
                    request,
                    f"Demande de paiement de {format_euros(payment_request.amount)} (facture "
                    f"{payment_request.invoice_number}) transmise à l'OPCO {funding_file.opco.code}.",
                )
                return redirect("funding:pathway_payments", pk=pathway.pk)
    requests = (
        PaymentRequest.objects.visible_to(request.user)
        .filter(funding_file__pathway=pathway)
        .select_related("funding_file", "batch")
        .order_by("-created_at", "-id")
    )
    context = {
        "pathway": pathway,
        "approved_files": [
            {"file": f, "rows": [
                {"category": category, "approved": amount, "counted": services.counted(f, category)}
                for category, amount in f.approved.items()
            ]} for f in approved
        ],
        "form": form if approved else None,
        "requests": requests,
        "has_bank_account": BankAccount.objects.filter(organisation_id=pathway.project_holder_id).exists(),
    }  # fmt: skip
    return render(request, "funding/pathway_payments.html", context, status=status)


@allowed("pathway.view")
def invoice_download(request, pk):
    payment_request = get_object_or_404(PaymentRequest.objects.visible_to(request.user), pk=pk)
    return download(
        lambda: payment_request.invoice.open("rb"), payment_request.invoice_name or "facture.pdf", "application/pdf"
    )


# ---- the OPCO: requests --------------------------------------------------------------------------------------


@allowed("payment_request.review")
def payment_queue(request):
    form = PaymentQueueFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    requests = PaymentRequest.objects.visible_to(request.user).select_related(*REQUEST_RELATED)
    if filters.get("status"):
        requests = requests.filter(status=filters["status"])
    if filters.get("category"):
        requests = requests.filter(category=filters["category"])
    requests = requests.order_by(filters.get("sort") or "created_at", "id")
    # A sorted column header (?tri=) comes before the form's « Tri ».
    return PAYMENT_QUEUE.respond(request, "funding/payment_queue.html", {"form": form}, requests)


PAYMENT_QUEUE = ListSpec(
    columns=[
        Column("depose", "Déposée le", "created_at", lambda r: local_date(r.created_at)),
        Column("parcours", "Parcours", "funding_file__pathway__reference", lambda r: r.funding_file.pathway.reference),
        Column("porteur", "Porteur", "funding_file__pathway__project_holder__organisation__name",
               lambda r: r.funding_file.pathway.project_holder.organisation.name),
        Column("facture", "Facture", "invoice_number", lambda r: r.invoice_number),
        Column("categorie", "Catégorie", "category", lambda r: r.get_category_display()),
        Column("demande", "Demandé", "amount", lambda r: r.amount),
        Column("statut", "Statut", "status", lambda r: r.get_status_display()),
        Column("lot", "Lot", "batch__reference", lambda r: r.batch.reference if r.batch else ""),
    ],
    lists=["funding:payment_queue"],
    search=["funding_file__pathway__reference", "funding_file__pathway__project_holder__organisation__name",
            "invoice_number"],
    filename="demandes-de-paiement",
    title="Demandes de paiement",
)  # fmt: skip


def _request(request, pk) -> PaymentRequest:
    return get_object_or_404(PaymentRequest.objects.visible_to(request.user).select_related(*REQUEST_RELATED), pk=pk)


def _render_request(request, payment_request, *, forms=None, conflict=None, status=200):
    forms = forms or {}
    context = {
        "payment_request": payment_request,
        "conflict": conflict,
        "show_forms": policy.can(request.user, "payment_request.approve", payment_request) or bool(forms),
        "approve_form": forms.get("approve") or ApprovePaymentForm(initial={"approved_amount": payment_request.amount}),
        "reject_form": forms.get("reject") or RejectPaymentForm(),
    }
    return render(request, "funding/payment_request_detail.html", context, status=status)


@allowed("payment_request.review")
def payment_request_detail(request, pk):
    return _render_request(request, _request(request, pk))


def _decide(request, pk, name, form_class, decide, success):
    payment_request = _request(request, pk)
    form = form_class(request.POST)
    if form.is_valid():
        try:
            payment_request = decide(payment_request, form)
        except ValidationError as error:
            form.add_service_errors(error)
        except Conflict as error:
            return _render_request(request, _request(request, pk), forms={name: form}, conflict=str(error), status=409)
        else:
            messages.success(request, success(payment_request))
            return redirect("funding:payment_queue")
    return _render_request(request, _request(request, pk), forms={name: form}, status=400)


@allowed("payment_request.approve")
@post_only("funding:payment_request_detail")
def payment_request_approve(request, pk):
    return _decide(
        request, pk, "approve", ApprovePaymentForm,
        lambda payment_request, form: services.payment_request_approve(
            acting_user=request.user, payment_request=payment_request, **form.cleaned_data
        ),
        lambda payment_request: (
            f"Demande acceptée : {format_euros(payment_request.approved_amount)} (facture "
            f"{payment_request.invoice_number})."
        ),
    )  # fmt: skip


@allowed("payment_request.reject")
@post_only("funding:payment_request_detail")
def payment_request_reject(request, pk):
    return _decide(
        request, pk, "reject", RejectPaymentForm,
        lambda payment_request, form: services.payment_request_reject(
            acting_user=request.user, payment_request=payment_request, **form.cleaned_data
        ),
        lambda payment_request: f"Demande refusée (facture {payment_request.invoice_number}).",
    )  # fmt: skip


# ---- the OPCO: batches ---------------------------------------------------------------------------------------


@allowed("payment_batch.create")
def batch_list(request):
    batches = (
        PaymentBatch.objects.visible_to(request.user)
        .annotate(request_count=Count("requests"), approved_total=Sum("requests__approved_amount"))
        .order_by("-created_at", "-id")
    )
    ready = (
        PaymentRequest.objects.visible_to(request.user)
        .filter(status=PaymentRequestStatus.APPROVED, batch__isnull=True)
        .select_related(*REQUEST_RELATED)
        .order_by("created_at", "id")
    )
    return BATCH_LIST.respond(request, "funding/batch_list.html", {"ready": ready}, batches)


BATCH_LIST = ListSpec(
    columns=[
        Column("reference", "Référence", "reference", lambda b: b.reference),
        Column("statut", "Statut", "status", lambda b: b.get_status_display()),
        Column("cree", "Créé le", "created_at", lambda b: local_date(b.created_at)),
        Column("paye", "Payé le", "paid_on", lambda b: b.paid_on),
        Column("demandes", "Demandes", "request_count", lambda b: b.request_count),
        Column("total", "Total accepté", "approved_total", lambda b: b.approved_total),
    ],
    lists=["funding:batch_list"],
    search=["reference"],
    filename="lots-de-paiement",
    title="Lots de paiement",
)


@allowed("payment_batch.create")
@post_only("funding:batch_list")
def batch_create(request):
    ids = [int(value) for value in request.POST.getlist("requests") if value.isdigit() and len(value) < 19]
    selected = list(PaymentRequest.objects.visible_to(request.user).filter(pk__in=ids))
    try:
        batch = services.payment_batch_create(acting_user=request.user, requests=selected)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("funding:batch_list")
    messages.success(
        request, f"Lot {batch.reference} créé : {len(selected)} demande(s), {format_euros(payments.total(batch))}."
    )
    return redirect("funding:batch_detail", pk=batch.pk)


def _batch(request, pk) -> PaymentBatch:
    return get_object_or_404(PaymentBatch.objects.visible_to(request.user).select_related("opco"), pk=pk)


def _render_batch(request, batch, form=None, status=200):
    context = {
        "batch": batch,
        "requests": list(payments.batch_requests(batch)),
        "total": payments.total(batch),
        "can_mark_paid": policy.can(request.user, "payment_batch.mark_paid", batch),
        "may_export": policy.may(request.user, "payment_batch.export"),
        "form": form or MarkPaidForm(),
    }
    return render(request, "funding/batch_detail.html", context, status=status)


@allowed("pathway.view")
def batch_detail(request, pk):
    return _render_batch(request, _batch(request, pk))


@allowed("payment_batch.export")
def batch_export(request, pk, file_format):
    batch = _batch(request, pk)
    if file_format not in ("csv", "sepa"):
        raise Http404("Format inconnu : csv ou sepa.")
    if file_format == "csv":
        return csv_response(payments.CSV_HEADERS, payments.csv_rows(batch), f"lot-{batch.reference}")
    try:
        content = payments.sepa_xml(batch)
    except Unavailable as error:
        messages.error(request, str(error))
        return redirect("funding:batch_detail", pk=batch.pk)
    response = HttpResponse(content, content_type="application/xml")
    response["Content-Disposition"] = f'attachment; filename="virement-{batch.reference}.xml"'
    return response


@allowed("payment_batch.mark_paid")
@post_only("funding:batch_detail")
def batch_mark_paid(request, pk):
    batch = _batch(request, pk)
    form = MarkPaidForm(request.POST)
    if form.is_valid():
        try:
            services.payment_batch_mark_paid(acting_user=request.user, batch=batch, **form.cleaned_data)
        except ValidationError as error:
            form.add_service_errors(error)
        except Conflict as error:
            messages.error(request, str(error))
            return redirect("funding:batch_detail", pk=batch.pk)
        else:
            messages.success(request, f"Lot {batch.reference} marqué payé le {form.cleaned_data['paid_on']:%d/%m/%Y}.")
            return redirect("funding:batch_detail", pk=batch.pk)
    return _render_batch(request, _batch(request, pk), form=form, status=400)


# ---- bank details ----------------------------------------------------------------------------------------------


@allowed("bank_account.edit")
def bank_account(request):
    account = BankAccount.objects.visible_to(request.user).first()
    initial = {"account_holder": account.account_holder, "iban": account.iban, "bic": account.bic} if account else {}
    form = BankAccountForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                account = services.bank_account_save(acting_user=request.user, **form.cleaned_data)
            except ValidationError as error:
                form.add_service_errors(error)
            else:
                messages.success(request, f"Coordonnées bancaires enregistrées ({account.masked_iban}).")
                return redirect(reverse("funding:bank_account"))
    return render(request, "funding/bank_account.html", {"form": form, "account": account}, status=status)
