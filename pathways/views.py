"""Portal pages for pathways. Each view fetches within `visible_to(request.user)` (404 outside),
then calls one service (pathways.services, the only writers); a wrong role answers 403."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from pathways import selectors, services
from pathways.enums import OPEN_PHASES, PathwayPhase
from pathways.forms import (
    AbandonForm,
    AdmissibilityForm,
    CandidateForm,
    CertificationChoiceForm,
    ContractForm,
    ContractRenewalForm,
    DocumentForm,
    EmployerForm,
    JurySessionForm,
    PathwayFilterForm,
    PathwayForm,
    SupportOpinionForm,
    TransitionForm,
)
from pathways.models import Candidate, Employer, Pathway
from pathways.pages import CONTRACT_PHASES, render_pathway_page
from vae_inversee.accounts.decorators import role_required
from vae_inversee.accounts.enums import Role

PAGE_SIZE = 25
ALL_ROLES = tuple(Role)
ACTING_ROLES = (Role.PROJECT_HOLDER, Role.COMPANION, Role.CERTIFIER)


def _page(request, queryset):
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    return page, page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)


def _pathway_url(pathway):
    return reverse("pathways:detail", args=[pathway.pk])


# ---- the queues ---------------------------------------------------------------------------------


def _pathway_list(request, template):
    form = PathwayFilterForm(request.GET or None, user=request.user)
    filters = form.cleaned_data if form.is_valid() else {}
    pathways = selectors.filter_pathways(
        selectors.pathways_for_list(request.user),
        certification=filters.get("certification"),
        employer=filters.get("employer"),
        q=filters.get("q"),
    )
    # The counts follow every filter but the phase, so that each tag says what clicking it shows.
    phase_counts, total = selectors.phase_counts(pathways)
    page, page_range = _page(request, selectors.filter_pathways(pathways, phase=filters.get("phase")))
    context = {
        "form": form,
        "phase_counts": phase_counts,
        "total": total,
        "current_phase": filters.get("phase") or "",
        "page": page,
        "page_range": page_range,
        "filtered": any(value for name, value in request.GET.items() if name != "page"),
    }
    return render(request, template, context)


@role_required(Role.PROJECT_HOLDER)
def project_holder_home(request):
    return _pathway_list(request, "pathways/project_holder_home.html")


@role_required(Role.COMPANION)
def companion_home(request):
    return _pathway_list(request, "pathways/companion_home.html")


# ---- candidates and employers ---------------------------------------------------------------------


@role_required(Role.PROJECT_HOLDER)
def candidate_list(request):
    page, page_range = _page(request, selectors.candidates_of(request.user))
    return render(request, "pathways/candidate_list.html", {"page": page, "page_range": page_range})


@role_required(Role.PROJECT_HOLDER)
def candidate_detail(request, pk):
    candidate = get_object_or_404(Candidate.objects.visible_to(request.user), pk=pk)
    context = {"candidate": candidate, "pathways": selectors.pathways_of_candidate(candidate)}
    return render(request, "pathways/candidate_detail.html", context)


@role_required(Role.PROJECT_HOLDER)
def candidate_create(request):
    form = CandidateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            candidate = services.candidate_save(acting_user=request.user, **form.service_data())
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, f"Le candidat {candidate} a été enregistré.")
            return redirect("pathways:candidate_list")
    return render(request, "pathways/candidate_form.html", {"form": form})


@role_required(Role.PROJECT_HOLDER)
def candidate_edit(request, pk):
    candidate = get_object_or_404(Candidate.objects.visible_to(request.user), pk=pk)
    form = CandidateForm(
        request.POST or None, initial=CandidateForm.initial_for(candidate), nir_recorded=bool(candidate.nir)
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.candidate_save(acting_user=request.user, candidate=candidate, **form.service_data())
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, f"Le candidat {candidate} a été mis à jour.")
            return redirect("pathways:candidate_list")
    return render(request, "pathways/candidate_form.html", {"form": form, "candidate": candidate})


@role_required(Role.PROJECT_HOLDER)
def employer_list(request):
    page, page_range = _page(request, selectors.employers_of(request.user))
    return render(request, "pathways/employer_list.html", {"page": page, "page_range": page_range})


@role_required(Role.PROJECT_HOLDER)
def employer_create(request):
    form = EmployerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            employer = services.employer_save(acting_user=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, f"L'employeur {employer.name} a été enregistré (OPCO : {employer.opco.code}).")
            return redirect("pathways:employer_list")
    return render(request, "pathways/employer_form.html", {"form": form})


@role_required(Role.PROJECT_HOLDER)
def employer_edit(request, pk):
    employer = get_object_or_404(Employer.objects.visible_to(request.user).select_related("opco"), pk=pk)
    form = EmployerForm(request.POST or None, initial=EmployerForm.initial_for(employer))
    if request.method == "POST" and form.is_valid():
        try:
            services.employer_save(acting_user=request.user, employer=employer, **form.cleaned_data)
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, f"L'employeur {employer.name} a été mis à jour (OPCO : {employer.opco.code}).")
            return redirect("pathways:employer_list")
    return render(request, "pathways/employer_form.html", {"form": form, "employer": employer})


# ---- creating and editing a pathway ---------------------------------------------------------------


def _chosen_certification(request, default=None):
    """Step 1 of the pathway form, a GET form: the certification whose blocks step 2 offers."""
    if "certification" not in request.GET and "changer" not in request.GET:
        return default, None
    chooser = CertificationChoiceForm(request.GET if "certification" in request.GET else None)
    if chooser.is_valid():
        return chooser.cleaned_data["certification"], None
    return None, chooser


@role_required(Role.PROJECT_HOLDER)
def pathway_create(request):
    certification, chooser = _chosen_certification(request)
    if certification is None:
        chooser = chooser or CertificationChoiceForm()
        return render(request, "pathways/pathway_certification.html", {"form": chooser})
    form = PathwayForm(
        request.POST or None,
        user=request.user,
        certification=certification,
        initial={"target_blocks": [block.pk for block in selectors.active_blocks_of(certification)]},
    )
    if request.method == "POST" and form.is_valid():
        try:
            pathway = services.pathway_create(acting_user=request.user, **form.service_data())
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, f"Le parcours {pathway.reference} a été créé.")
            return redirect(_pathway_url(pathway))
    return render(request, "pathways/pathway_form.html", {"form": form, "certification": certification})


@role_required(Role.PROJECT_HOLDER)
def pathway_edit(request, pk):
    pathway = get_object_or_404(Pathway.objects.visible_to(request.user).select_related("certification"), pk=pk)
    if pathway.phase not in OPEN_PHASES:
        messages.warning(request, "Un parcours terminé ou abandonné ne peut plus être modifié.")
        return redirect(_pathway_url(pathway))
    locked = pathway.phase != PathwayPhase.POSITIONING
    if locked:
        certification, chooser = pathway.certification, None
    else:
        certification, chooser = _chosen_certification(request, default=pathway.certification)
    if certification is None:
        return render(request, "pathways/pathway_certification.html", {"form": chooser, "pathway": pathway})
    same_certification = certification == pathway.certification
    blocks = pathway.target_blocks.all() if same_certification else selectors.active_blocks_of(certification)
    initial = {
        "candidate": pathway.candidate_id,
        "employer": pathway.employer_id,
        "companion": pathway.companion_id,
        "target_blocks": [block.pk for block in blocks],
    }
    form = PathwayForm(
        request.POST or None, user=request.user, certification=certification, locked=locked, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        data = form.service_data()
        if locked:
            data = {"companion": data["companion"]}
        try:
            services.pathway_update(acting_user=request.user, pathway=pathway, **data)
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, f"Le parcours {pathway.reference} a été mis à jour.")
            return redirect(_pathway_url(pathway))
    context = {"form": form, "certification": certification, "pathway": pathway, "locked": locked}
    return render(request, "pathways/pathway_form.html", context)


@role_required(Role.PROJECT_HOLDER)
def contract_edit(request, pk):
    pathway = get_object_or_404(
        Pathway.objects.visible_to(request.user).select_related("candidate", "employer", "contract"), pk=pk
    )
    contract = getattr(pathway, "contract", None)
    form = ContractForm(request.POST or None, initial=ContractForm.initial_for(contract))
    if request.method == "POST" and form.is_valid():
        try:
            services.contract_save(acting_user=request.user, pathway=pathway, **form.cleaned_data)
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(
                request, f"Le contrat de professionnalisation du parcours {pathway.reference} est enregistré."
            )
            return redirect(_pathway_url(pathway))
    context = {"form": form, "pathway": pathway, "editable": pathway.phase in CONTRACT_PHASES}
    return render(request, "pathways/contract_form.html", context)


@role_required(Role.PROJECT_HOLDER)
@require_POST
def contract_renewal(request, pk):
    """After a renewal (a failed jury, pathway back in delivery), the contract's end date moves on."""
    pathway = selectors.pathway_for_page(request.user, pk)
    form = ContractRenewalForm(request.POST)
    if form.is_valid():
        try:
            contract = services.contract_renew(acting_user=request.user, pathway=pathway, **form.cleaned_data)
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, f"Le contrat est prolongé jusqu'au {contract.end_date:%d/%m/%Y}.")
            return redirect(_pathway_url(pathway))
    return render_pathway_page(request, pathway, forms={"renewal_form": form}, status=400)


# ---- the pathway page -----------------------------------------------------------------------------


@role_required(*ALL_ROLES)
def pathway_detail(request, pk):
    pathway = selectors.pathway_for_page(request.user, pk)
    return render_pathway_page(request, pathway)


@role_required(*ACTING_ROLES)
@require_POST
def pathway_transition(request, pk):
    pathway = selectors.pathway_for_page(request.user, pk)
    form = TransitionForm(request.POST)
    if not form.is_valid():
        return render_pathway_page(request, pathway, forms={"transition_form": form}, status=400)
    target = form.cleaned_data["to"]
    try:
        services.pathway_transition(
            acting_user=request.user, pathway=pathway, to=target, comment=form.cleaned_data["comment"]
        )
    except services.TransitionRefused as refused:
        return render_pathway_page(request, pathway, forms={"transition_form": form}, refused=refused, status=400)
    except ValidationError as error:
        form.add_service_errors(error)
        return render_pathway_page(request, pathway, forms={"transition_form": form}, status=400)
    messages.success(request, f"Le parcours {pathway.reference} est passé en phase « {PathwayPhase(target).label} ».")
    return redirect(_pathway_url(pathway))


@role_required(Role.PROJECT_HOLDER, Role.COMPANION)
@require_POST
def pathway_abandon(request, pk):
    pathway = selectors.pathway_for_page(request.user, pk)
    form = AbandonForm(request.POST)
    if form.is_valid():
        try:
            services.pathway_transition(
                acting_user=request.user,
                pathway=pathway,
                to=PathwayPhase.ABANDONED,
                comment=form.cleaned_data["reason"],
            )
        except services.TransitionRefused as refused:
            return render_pathway_page(request, pathway, forms={"abandon_form": form}, refused=refused, status=400)
        else:
            messages.success(request, f"L'abandon du parcours {pathway.reference} est enregistré.")
            return redirect(_pathway_url(pathway))
    return render_pathway_page(request, pathway, forms={"abandon_form": form}, status=400)


@role_required(Role.PROJECT_HOLDER, Role.COMPANION)
@require_POST
def document_upload(request, pk):
    pathway = selectors.pathway_for_page(request.user, pk)
    form = DocumentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            document = services.document_add(
                acting_user=request.user,
                pathway=pathway,
                kind=form.cleaned_data["kind"],
                uploaded_file=form.cleaned_data["file"],
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, f"La pièce « {document.get_kind_display()} » a été déposée.")
            return redirect(_pathway_url(pathway) + "#pieces")
    return render_pathway_page(request, pathway, forms={"document_form": form}, status=400)


@role_required(*ALL_ROLES)
def document_download(request, pk, document_pk):
    pathway = get_object_or_404(Pathway.objects.visible_to(request.user), pk=pk)
    document = get_object_or_404(pathway.documents, pk=document_pk)
    try:
        handle = document.file.open("rb")
    except FileNotFoundError:
        raise Http404("Le fichier de cette pièce est introuvable.")
    return FileResponse(handle, as_attachment=True, filename=document.original_name, content_type=document.content_type)


@role_required(Role.COMPANION)
@require_POST
def support_opinion(request, pk):
    pathway = selectors.pathway_for_page(request.user, pk)
    form = SupportOpinionForm(request.POST)
    if form.is_valid():
        try:
            opinion = services.support_opinion_record(acting_user=request.user, pathway=pathway, **form.cleaned_data)
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            verdict = "favorable" if opinion.favourable else "réservé"
            messages.success(request, f"Votre avis d'accompagnement ({verdict}) est enregistré.")
            return redirect(_pathway_url(pathway))
    return render_pathway_page(request, pathway, forms={"opinion_form": form}, status=400)


@role_required(Role.CERTIFIER)
@require_POST
def admissibility_decision(request, pk):
    pathway = selectors.pathway_for_page(request.user, pk)
    form = AdmissibilityForm(request.POST)
    if form.is_valid():
        try:
            record = services.admissibility_record(acting_user=request.user, pathway=pathway, **form.cleaned_data)
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(
                request, f"Décision de recevabilité enregistrée : {record.get_decision_display().lower()}."
            )
            return redirect(_pathway_url(pathway))
    return render_pathway_page(request, pathway, forms={"admissibility_form": form}, status=400)


@role_required(Role.CERTIFIER)
@require_POST
def jury_session(request, pk):
    pathway = selectors.pathway_for_page(request.user, pk)
    form = JurySessionForm(request.POST)
    if form.is_valid():
        try:
            services.jury_session_set(acting_user=request.user, pathway=pathway, **form.cleaned_data)
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            date = form.cleaned_data["session_date"]
            messages.success(request, f"La session de jury est fixée au {date:%d/%m/%Y}.")
            return redirect(_pathway_url(pathway))
    return render_pathway_page(request, pathway, forms={"jury_form": form}, status=400)
