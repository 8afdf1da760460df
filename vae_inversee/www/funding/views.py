"""Portal pages for funding files. Each view fetches within `visible_to(request.user)` (404 outside),
then calls one service (funding.services, the only writers); what the role may do is asked of the policy."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import F
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from evaluation.indicator_version import kept_query
from funding import selectors, services
from funding.agreements import agreement_file
from funding.models import FundingFile
from funding.money import Amounts
from funding.plan import plan_amounts, prefilled
from pathways.models import Pathway
from pathways.selectors import filter_assignee, with_unread
from vae_inversee.lib import policy
from vae_inversee.lib.errors import Conflict
from vae_inversee.lib.money import format_euros
from vae_inversee.www.access import allowed, download, post_only
from vae_inversee.www.funding.forms import (
    ApproveForm,
    FundingRequestForm,
    MinistryFilterForm,
    QueueFilterForm,
    RejectForm,
    RequestChangesForm,
)
from vae_inversee.www.lists import QUERYSET_SEARCH, Column, ListSpec, local_date, person, tag_count
from vae_inversee.www.pages import assign_form
from vae_inversee.www.pathways.forms import NoteForm

# ---- the OPCO's queue and decisions ---------------------------------------------------------------

REQUESTED_TOTAL = F("requested_teaching") + F("requested_design") + F("requested_support")
APPROVED_TOTAL = F("approved_teaching") + F("approved_design") + F("approved_support")


def _candidate_name(funding_file):
    return str(funding_file.pathway.candidate)


OPCO_QUEUE = ListSpec(
    columns=[
        Column("parcours", "Parcours", "pathway__reference", lambda f: f.pathway.reference),
        Column("candidat", "Candidat", ("pathway__candidate__last_name", "pathway__candidate__first_name"),
               _candidate_name),
        Column("employeur", "Employeur", "pathway__employer__name", lambda f: f.pathway.employer.name),
        Column("porteur", "Porteur de projet", "pathway__project_holder__organisation__name",
               lambda f: f.pathway.project_holder.organisation.name),
        Column("certification", "Certification", "pathway__certification__code", lambda f: f.pathway.certification.code),
        Column("annee", "Année", "contract_year", lambda f: f.contract_year),
        Column("total-demande", "Total demandé", REQUESTED_TOTAL, lambda f: f.requested_total),
        Column("statut", "Statut", "status", lambda f: f.get_status_display()),
        Column("transmis", "Transmis le", "submitted_at", lambda f: local_date(f.submitted_at)),
        Column("assigne", "Assigné·e à", ("assignee__last_name", "assignee__first_name"), lambda f: person(f.assignee)),
    ],
    lists=["funding:opco_home"],
    search=QUERYSET_SEARCH,
    filename="dossiers-de-financement",
    title="Dossiers de financement",
)  # fmt: skip


@allowed("funding_file.review")
def opco_home(request):
    queue = selectors.opco_queue(request.user)
    project_holders, certifications = selectors.queue_filter_choices(queue)
    form = QueueFilterForm(
        request.GET or None,
        user=request.user,
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
    files = OPCO_QUEUE.searched(request, filter_assignee(files, filters.get("assignee"), request.user))
    # The counts follow every filter but the status, so that each tag says what clicking it shows.
    status_counts, total = kept_query(
        request.user, "status-counts", files, lambda: selectors.status_counts(files, selectors.QUEUE_STATUSES)
    )
    context = {
        "form": form,
        "status_counts": status_counts,
        "total": total,
        "current_status": filters.get("status") or "",
    }
    files = with_unread(selectors.filter_files(files, status=filters.get("status")), request.user, pathway="pathway")
    count = tag_count(status_counts, total, "status", context["current_status"])
    return OPCO_QUEUE.respond(request, "funding/opco_home.html", context, files, searched=True, count=count)


def _file(request, pk) -> FundingFile:
    return get_object_or_404(selectors.files_for_page(request.user), pk=pk)


def _render_decision(request, funding_file, *, forms=None, conflict=None, status=200):
    """The decision page; `forms` replaces a blank form by the bound one (after an error or a conflict)."""
    forms = forms or {}
    pathway = funding_file.pathway
    context = {
        "funding_file": funding_file,
        "pathway": pathway,
        "contract": getattr(pathway, "contract", None),
        "target_blocks": list(pathway.target_blocks.order_by("code")),
        "documents": list(pathway.documents.current().select_related("uploaded_by")),
        "amounts": selectors.amount_rows(funding_file.caps, funding_file.requested, funding_file.approved),
        "show_approved": funding_file.approved is not None,
        "plan": plan_amounts(pathway, funding_file.contract_year),
        "caps": funding_file.caps,
        "conflict": conflict,
        # After a conflict the forms stay on the page, filled in, so that nothing typed is lost.
        "show_forms": policy.can(request.user, "funding_file.approve", funding_file) or bool(forms),
        "approve_form": forms.get("approve") or ApproveForm(funding_file=funding_file),
        "changes_form": forms.get("changes") or RequestChangesForm(),
        "reject_form": forms.get("reject") or RejectForm(),
        # Working together: the OPCO's assignment and the organisation's internal notes.
        "assign_form": (
            forms.get("assign") or assign_form(request.user, initial={"assignee": funding_file.assignee_id})
            if policy.can(request.user, "funding_file.assign", funding_file)
            else None
        ),
        "assignments": list(selectors.assignments_of(funding_file)),
        "notes": list(selectors.notes_of(funding_file, request.user)),
        "note_form": forms.get("note") or NoteForm()
        if policy.can(request.user, "funding_file_note.write", funding_file)
        else None,
    }
    return render(request, "funding/file_detail.html", context, status=status)


@allowed("funding_file.review")
def file_detail(request, pk):
    return _render_decision(request, _file(request, pk))


def _decide(request, pk, name, form_class, decide, success):
    """The OPCO's three decisions: the bound form, one service call; a field error is a 400, a
    concurrent decision a 409, the page re-rendered with what was typed."""
    funding_file = _file(request, pk)
    form = form_class(request.POST, **({"funding_file": funding_file} if form_class is ApproveForm else {}))
    if form.is_valid():
        try:
            funding_file = decide(funding_file, form)
        except ValidationError as error:
            form.add_service_errors(error)
        except Conflict as error:
            return _render_decision(request, _file(request, pk), forms={name: form}, conflict=str(error), status=409)
        else:
            messages.success(request, success(funding_file))
            return redirect("funding:opco_home")
    return _render_decision(request, _file(request, pk), forms={name: form}, status=400)


@allowed("funding_file.approve")
@post_only("funding:file_detail")
def file_approve(request, pk):
    return _decide(
        request,
        pk,
        "approve",
        ApproveForm,
        lambda funding_file, form: services.funding_file_approve(
            acting_user=request.user, funding_file=funding_file, **form.service_data()
        ),
        lambda funding_file: (
            f"Financement accordé pour le parcours {funding_file.pathway.reference} (année "
            f"{funding_file.contract_year}) : {format_euros(funding_file.approved_total)}. L'accord de prise en "
            "charge est en cours de génération."
        ),
    )


@allowed("funding_file.request_changes")
@post_only("funding:file_detail")
def file_request_changes(request, pk):
    return _decide(
        request,
        pk,
        "changes",
        RequestChangesForm,
        lambda funding_file, form: services.funding_file_request_changes(
            acting_user=request.user, funding_file=funding_file, reason=form.cleaned_data["reason"]
        ),
        lambda funding_file: (
            f"Compléments demandés au porteur de projet pour le parcours {funding_file.pathway.reference}."
        ),
    )


@allowed("funding_file.reject")
@post_only("funding:file_detail")
def file_reject(request, pk):
    return _decide(
        request,
        pk,
        "reject",
        RejectForm,
        lambda funding_file, form: services.funding_file_reject(
            acting_user=request.user, funding_file=funding_file, reason=form.cleaned_data["reason"]
        ),
        lambda funding_file: (
            f"Dossier du parcours {funding_file.pathway.reference} refusé. La notification de refus est en cours de "
            "génération."
        ),
    )


@allowed("funding_file.assign")
@post_only("funding:file_detail")
def file_assign(request, pk):
    funding_file = _file(request, pk)
    form = assign_form(request.user, request.POST)
    if form.is_valid():
        try:
            funding_file = services.funding_file_assign(
                acting_user=request.user, funding_file=funding_file, assignee=form.cleaned_data["assignee"]
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            assignee = funding_file.assignee
            messages.success(
                request,
                f"Dossier assigné à {assignee.get_full_name() or assignee.email}."
                if assignee
                else "Le dossier n'est plus assigné.",
            )
            return redirect(reverse("funding:file_detail", args=[funding_file.pk]) + "#assignation")
    return _render_decision(request, _file(request, pk), forms={"assign": form}, status=400)


# On the OPCO's file page; the other roles write their notes on a file through the API.
@allowed("funding_file.review")
@post_only("funding:file_detail")
def file_note_add(request, pk):
    funding_file = _file(request, pk)
    form = NoteForm(request.POST)
    if form.is_valid():
        try:
            services.funding_file_note_add(
                acting_user=request.user, funding_file=funding_file, body=form.cleaned_data["body"]
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, "Note interne enregistrée (visible de votre organisation seulement).")
            return redirect(reverse("funding:file_detail", args=[funding_file.pk]) + "#notes")
    return _render_decision(request, _file(request, pk), forms={"note": form}, status=400)


@allowed("pathway.view")
def agreement_download(request, pk):
    funding_file = get_object_or_404(FundingFile.objects.visible_to(request.user).select_related("pathway"), pk=pk)
    return download(lambda: agreement_file(funding_file), funding_file.agreement_filename, "application/pdf")


# ---- the project holder's request -----------------------------------------------------------------


def _year(request):
    try:
        year = int(request.GET.get("annee", 1))
    except ValueError:
        raise Http404("Année de contrat inconnue.")
    if year not in services.CONTRACT_YEARS:
        raise Http404("Année de contrat inconnue.")
    return year


def _caps_of(pathway, year, funding_file):
    """(caps, None) for the year, or (None, [messages]) when no file can be created yet."""
    if funding_file is not None:
        return funding_file.caps, None
    try:
        _policy, caps = services.caps_for(pathway, year)
    except ValidationError as error:
        return None, error.messages
    return caps, None


@allowed("funding_file.prepare")
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
    caps, caps_errors = _caps_of(pathway, year, funding_file)
    editable = caps is not None and (
        funding_file is None or policy.can(request.user, "funding_file.update", funding_file)
    )
    if funding_file is not None:
        initial = funding_file.requested.as_fields("requested")
    else:
        # A new file starts from the plan's totals of its contract year (within the caps).
        initial = prefilled(plan_amounts(pathway, year), caps).as_fields("requested") if caps else {}
    form = FundingRequestForm(request.POST or None, caps=caps, initial=initial) if caps else None
    conflict = None
    if request.method == "POST" and form is not None and form.is_valid():
        transmit = "transmettre" in request.POST
        try:
            services.funding_file_save(
                acting_user=request.user, pathway=pathway, contract_year=year, requested=form.requested(),
                submit=transmit,
            )  # fmt: skip
        except ValidationError as error:
            form.add_service_errors(error)
        except Conflict as error:
            conflict = str(error)
        else:
            messages.success(
                request,
                f"Dossier de l'année {year} transmis à l'OPCO ({pathway.employer.opco.name})."
                if transmit
                else f"Dossier de l'année {year} enregistré en brouillon ; transmettez-le à l'OPCO quand il est prêt.",
            )
            return redirect(reverse("funding:pathway_funding", args=[pathway.pk]) + f"?annee={year}")
    if form is not None and form.is_bound:
        requested = form.typed()
    else:
        requested = funding_file.requested if funding_file else Amounts()
    context = {
        "pathway": pathway,
        "year": year,
        "years": [{"number": n, "file": files.get(n)} for n in services.contract_years(pathway)],
        "funding_file": funding_file,
        "form": form if editable or conflict else None,
        "conflict": conflict,
        "caps_errors": caps_errors,
        "months": caps.months if caps else None,
        "plan": plan_amounts(pathway, year),
        "caps": caps,
        "show_approved": funding_file is not None and funding_file.approved is not None,
        "amounts": selectors.amount_rows(caps, requested, funding_file.approved if funding_file else None)
        if caps
        else [],
    }
    status = 409 if conflict else (400 if request.method == "POST" else 200)
    return render(request, "funding/pathway_funding.html", context, status=status)


# ---- the Ministry's read-only list ----------------------------------------------------------------


@allowed("funding_file.list_all")
def ministry_list(request):
    form = MinistryFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    files = selectors.filter_files(
        selectors.ministry_list(request.user), status=filters.get("status"), opco=filters.get("opco")
    )
    files = MINISTRY_LIST.searched(request, files)
    context = {"form": form, "totals": selectors.funding_totals(files)}
    return MINISTRY_LIST.respond(request, "funding/ministry_list.html", context, files, searched=True)


MINISTRY_LIST = ListSpec(
    columns=[
        Column("parcours", "Parcours", "pathway__reference", lambda f: f.pathway.reference),
        Column("opco", "OPCO", "opco__name", lambda f: f.opco.name),
        Column("porteur", "Porteur de projet", "pathway__project_holder__organisation__name",
               lambda f: f.pathway.project_holder.organisation.name),
        Column("certification", "Certification", "pathway__certification__code", lambda f: f.pathway.certification.code),
        Column("annee", "Année", "contract_year", lambda f: f.contract_year),
        Column("statut", "Statut", "status", lambda f: f.get_status_display()),
        Column("demande", "Demandé", REQUESTED_TOTAL, lambda f: f.requested_total),
        Column("accorde", "Accordé", APPROVED_TOTAL, lambda f: f.approved_total),
        Column("decide", "Décidé le", "decided_at", lambda f: local_date(f.decided_at)),
    ],
    lists=["funding:ministry_list"],
    search=QUERYSET_SEARCH,
    filename="dossiers-de-financement",
    title="Dossiers de financement",
)  # fmt: skip
