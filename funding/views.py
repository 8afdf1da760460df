"""Portal pages for funding files. Each view fetches within `visible_to(request.user)` (404 outside),
then calls one service (funding.services, the only writers); a wrong role answers 403."""

from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from funding import selectors, services
from funding.enums import CATEGORIES, EDITABLE_STATUSES, FundingStatus
from funding.forms import (
    ApproveForm,
    FundingRequestForm,
    MinistryFilterForm,
    QueueFilterForm,
    RejectForm,
    RequestChangesForm,
)
from funding.models import FundingFile
from funding.money import contract_months, format_euros, months_in_year
from pathways.models import Pathway
from vae_inversee.accounts.decorators import role_required
from vae_inversee.accounts.enums import Role
from vae_inversee.lib.errors import Conflict

ZERO = Decimal("0")
PAGE_SIZE = 25
CONTRACT_YEARS = (1, 2, 3)


def _page(request, queryset):
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    return page, page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)


def _filtered(request):
    return any(value for name, value in request.GET.items() if name != "page")


# ---- the OPCO's queue and decisions ---------------------------------------------------------------


@role_required(Role.OPCO)
def opco_home(request):
    queue = selectors.opco_queue(request.user)
    project_holders, certifications = selectors.queue_filter_choices(queue)
    form = QueueFilterForm(
        request.GET or None,
        statuses=selectors.QUEUE_STATUSES,
        project_holders=project_holders,
        certifications=certifications,
    )
    filters = form.cleaned_data if form.is_valid() else {}
    files = selectors.filter_files(
        queue,
        project_holder=filters.get("project_holder"),
        certification=filters.get("certification"),
        min_total=filters.get("min_total"),
        max_total=filters.get("max_total"),
    )
    # The counts follow every filter but the status, so that each tag says what clicking it shows.
    status_counts, total = selectors.status_counts(files, selectors.QUEUE_STATUSES)
    page, page_range = _page(request, selectors.filter_files(files, status=filters.get("status")))
    context = {
        "form": form,
        "status_counts": status_counts,
        "total": total,
        "current_status": filters.get("status") or "",
        "page": page,
        "rows": selectors.list_rows(page.object_list),
        "page_range": page_range,
        "filtered": _filtered(request),
    }
    return render(request, "funding/opco_home.html", context)


def _render_decision(request, funding_file, *, forms=None, conflict=None, status=200):
    """The decision page; `forms` replaces a blank form by the bound one (after an error or a conflict)."""
    forms = forms or {}
    pathway = funding_file.pathway
    can_decide = funding_file.status == FundingStatus.SUBMITTED
    context = {
        "funding_file": funding_file,
        "pathway": pathway,
        "contract": getattr(pathway, "contract", None),
        "target_blocks": list(pathway.target_blocks.order_by("code")),
        "documents": list(pathway.documents.select_related("uploaded_by")),
        "amounts": selectors.amount_rows(
            selectors.file_caps(funding_file),
            requested=selectors.file_amounts(funding_file, "requested"),
            approved=selectors.file_amounts(funding_file, "approved"),
        ),
        "show_approved": funding_file.approved_teaching is not None,
        "conflict": conflict,
        # After a conflict the forms stay on the page, filled in, so that nothing typed is lost.
        "show_forms": can_decide or bool(forms),
        "approve_form": forms.get("approve") or ApproveForm(funding_file=funding_file),
        "changes_form": forms.get("changes") or RequestChangesForm(),
        "reject_form": forms.get("reject") or RejectForm(),
    }
    return render(request, "funding/file_detail.html", context, status=status)


def _after_decision_error(request, pk, name, form, error):
    """Re-render the page with the bound form: field errors (400) or a concurrent decision (409)."""
    funding_file = selectors.funding_file_for_page(request.user, pk)
    if isinstance(error, Conflict):
        return _render_decision(request, funding_file, forms={name: form}, conflict=str(error), status=409)
    if error is not None:
        form.add_service_errors(error)
    return _render_decision(request, funding_file, forms={name: form}, status=400)


@role_required(Role.OPCO)
def file_detail(request, pk):
    funding_file = selectors.funding_file_for_page(request.user, pk)
    return _render_decision(request, funding_file)


@role_required(Role.OPCO)
@require_POST
def file_approve(request, pk):
    funding_file = selectors.funding_file_for_page(request.user, pk)
    form = ApproveForm(request.POST, funding_file=funding_file)
    if not form.is_valid():
        return _after_decision_error(request, pk, "approve", form, None)
    try:
        funding_file = services.funding_file_approve(
            acting_user=request.user, funding_file=funding_file, **form.service_data()
        )
    except (ValidationError, Conflict) as error:
        return _after_decision_error(request, pk, "approve", form, error)
    messages.success(
        request,
        f"Financement accordé pour le parcours {funding_file.pathway.reference} (année {funding_file.contract_year}) : "
        f"{format_euros(funding_file.approved_total)}. L'accord de prise en charge est en cours de génération.",
    )
    return redirect("funding:opco_home")


@role_required(Role.OPCO)
@require_POST
def file_request_changes(request, pk):
    funding_file = selectors.funding_file_for_page(request.user, pk)
    form = RequestChangesForm(request.POST)
    if not form.is_valid():
        return _after_decision_error(request, pk, "changes", form, None)
    try:
        services.funding_file_request_changes(
            acting_user=request.user, funding_file=funding_file, reason=form.cleaned_data["reason"]
        )
    except (ValidationError, Conflict) as error:
        return _after_decision_error(request, pk, "changes", form, error)
    messages.success(
        request, f"Compléments demandés au porteur de projet pour le parcours {funding_file.pathway.reference}."
    )
    return redirect("funding:opco_home")


@role_required(Role.OPCO)
@require_POST
def file_reject(request, pk):
    funding_file = selectors.funding_file_for_page(request.user, pk)
    form = RejectForm(request.POST)
    if not form.is_valid():
        return _after_decision_error(request, pk, "reject", form, None)
    try:
        services.funding_file_reject(
            acting_user=request.user, funding_file=funding_file, reason=form.cleaned_data["reason"]
        )
    except (ValidationError, Conflict) as error:
        return _after_decision_error(request, pk, "reject", form, error)
    messages.success(
        request,
        f"Dossier du parcours {funding_file.pathway.reference} refusé. La notification de refus est en cours de génération.",
    )
    return redirect("funding:opco_home")


@role_required(*Role)
def agreement_download(request, pk):
    funding_file = get_object_or_404(FundingFile.objects.visible_to(request.user).select_related("pathway"), pk=pk)
    if not funding_file.agreement:
        raise Http404("L'accord de prise en charge n'est pas encore disponible.")
    try:
        handle = funding_file.agreement.open("rb")
    except FileNotFoundError:
        raise Http404("Le fichier de l'accord de prise en charge est introuvable.")
    return FileResponse(
        handle,
        content_type="application/pdf",
        as_attachment=True,
        filename=f"accord-{funding_file.pathway.reference}-annee-{funding_file.contract_year}.pdf",
    )


# ---- the project holder's request -----------------------------------------------------------------


def _contract_years(pathway):
    """The contract years the contract covers (1 when no contract is recorded yet)."""
    contract = getattr(pathway, "contract", None)
    if contract is None:
        return [1]
    total = contract_months(contract.start_date, contract.end_date)
    return [year for year in CONTRACT_YEARS if months_in_year(total, year) > 0]


def _year(request):
    try:
        year = int(request.GET.get("annee", 1))
    except ValueError:
        raise Http404("Année de contrat inconnue.")
    if year not in CONTRACT_YEARS:
        raise Http404("Année de contrat inconnue.")
    return year


def _caps_of(pathway, year, funding_file):
    """(caps, months, None) for the year, or (None, None, [messages]) when no file can be created yet."""
    if funding_file is not None:
        return selectors.file_caps(funding_file), funding_file.months, None
    try:
        _policy, months, caps = services.caps_for(pathway, year)
    except ValidationError as error:
        return None, None, error.messages
    return caps, months, None


@role_required(Role.PROJECT_HOLDER)
def pathway_funding(request, pk):
    pathway = get_object_or_404(
        Pathway.objects.visible_to(request.user).select_related(
            "candidate", "employer__opco", "certification", "contract"
        ),
        pk=pk,
    )
    year = _year(request)
    files = {f.contract_year: f for f in pathway.funding_files.select_related("decided_by", "opco")}
    funding_file = files.get(year)
    caps, months, caps_errors = _caps_of(pathway, year, funding_file)
    editable = caps is not None and (funding_file is None or funding_file.status in EDITABLE_STATUSES)
    initial = {f"requested_{c}": getattr(funding_file, f"requested_{c}") for c in CATEGORIES} if funding_file else {}
    form = FundingRequestForm(request.POST or None, caps=caps or {}, months=months, initial=initial) if caps else None
    conflict = None
    if request.method == "POST" and form is not None and form.is_valid():
        transmit = "transmettre" in request.POST
        try:
            # Saving and transmitting in one click: both or nothing.
            with transaction.atomic():
                saved = (
                    services.funding_file_update(
                        acting_user=request.user, funding_file=funding_file, **form.service_data()
                    )
                    if funding_file
                    else services.funding_file_create(
                        acting_user=request.user, pathway=pathway, contract_year=year, **form.service_data()
                    )
                )
                if transmit:
                    services.funding_file_submit(acting_user=request.user, funding_file=saved)
        except ValidationError as error:
            form.add_service_errors(error)
        except Conflict as error:
            conflict = str(error)
        else:
            messages.success(
                request,
                f"Dossier de l'année {year} transmis à l'OPCO {pathway.employer.opco.code}."
                if transmit
                else f"Dossier de l'année {year} enregistré en brouillon ; transmettez-le à l'OPCO quand il est prêt.",
            )
            return redirect(reverse("funding:pathway_funding", args=[pathway.pk]) + f"?annee={year}")
    context = {
        "pathway": pathway,
        "year": year,
        "years": [{"number": n, "file": files.get(n)} for n in _contract_years(pathway)],
        "funding_file": funding_file,
        "form": form if editable or conflict else None,
        "conflict": conflict,
        "caps_errors": caps_errors,
        "months": months,
        "show_approved": funding_file is not None and funding_file.approved_teaching is not None,
        "amounts": selectors.amount_rows(
            caps,
            requested=_requested_as_typed(form, funding_file),
            approved=selectors.file_amounts(funding_file, "approved") if funding_file else None,
        )
        if caps
        else [],
    }
    status = 409 if conflict else (400 if request.method == "POST" else 200)
    return render(request, "funding/pathway_funding.html", context, status=status)


def _requested_as_typed(form, funding_file) -> dict:
    """The amounts the remaining room is computed from: as typed (0 where they do not parse), else as saved."""
    if form is not None and form.is_bound:
        typed = {}
        for category in CATEGORIES:
            name = f"requested_{category}"
            try:
                typed[category] = form.fields[name].clean(form[name].data) or ZERO
            except ValidationError:
                typed[category] = ZERO
        return typed
    if funding_file is not None:
        return selectors.file_amounts(funding_file, "requested")
    return dict.fromkeys(CATEGORIES, ZERO)


# ---- the Ministry's read-only list ----------------------------------------------------------------


@role_required(Role.MINISTRY)
def ministry_list(request):
    form = MinistryFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    files = selectors.filter_files(
        selectors.ministry_list(request.user), status=filters.get("status"), opco=filters.get("opco")
    )
    page, page_range = _page(request, files)
    context = {
        "form": form,
        "totals": selectors.funding_totals(files),
        "page": page,
        "rows": selectors.list_rows(page.object_list),
        "page_range": page_range,
        "filtered": _filtered(request),
    }
    return render(request, "funding/ministry_list.html", context)
