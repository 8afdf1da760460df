"""Portal pages for pathways. Each view fetches within `visible_to(request.user)` (404 outside),
then calls one service (pathways.services, the only writers); what the role may do is asked of the
policy (a 403 for an action the role never takes)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.debug import sensitive_post_parameters

from evaluation.indicator_version import kept_query
from evaluation.personal_data import candidate_export as export_candidate_data
from pathways import candidate_access, personal_data, selectors, services
from pathways.enums import PathwayPhase
from pathways.models import Candidate, CandidateAccessKind, Employer, Pathway
from vae_inversee.lib import policy
from vae_inversee.lib.errors import Conflict
from vae_inversee.www.access import allowed, download, post_only
from vae_inversee.www.lists import EXPORT_FORMATS, Column, ListSpec, local_moment, paginate, person, tag_count
from vae_inversee.www.pages import (
    act_on_pathway,
    assign_form,
    pathway_page,
    pathway_url,
    render_candidate_page,
    render_messages_page,
    render_pathway_page,
)
from vae_inversee.www.pathways.forms import (
    AbandonForm,
    AdmissibilityForm,
    CandidateForm,
    CertificationChoiceForm,
    ContractForm,
    ContractRenewalForm,
    DocumentForm,
    EmployerForm,
    JurySessionForm,
    MessageForm,
    NoteForm,
    PathwayFilterForm,
    PathwayForm,
    SupportOpinionForm,
    TransitionForm,
)

# ---- the queues ---------------------------------------------------------------------------------


PATHWAY_LIST = ListSpec(
    columns=[
        Column("reference", "Référence", "reference", lambda p: p.reference),
        Column("candidat", "Candidat", ("candidate__last_name", "candidate__first_name"), lambda p: str(p.candidate)),
        Column("employeur", "Employeur", "employer__name", lambda p: p.employer.name),
        Column("certification", "Certification", "certification__code", lambda p: p.certification.code),
        Column("phase", "Phase", "phase", lambda p: p.get_phase_display()),
        Column(
            "accompagnement",
            "Accompagnement",
            ("companion__last_name", "companion__first_name"),
            lambda p: person(p.companion) or "À désigner",
        ),  # fmt: skip
        Column("mis-a-jour", "Mis à jour", "updated_at", lambda p: local_moment(p.updated_at)),
    ],
    lists=["pathways:project_holder_home", "pathways:companion_home"],
    filename="parcours",
    title="Parcours",
)


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
    phase_counts, total = kept_query(request.user, "phase-counts", pathways, lambda: selectors.phase_counts(pathways))
    context = {
        "form": form,
        "phase_counts": phase_counts,
        "total": total,
        "current_phase": filters.get("phase") or "",
    }
    pathways = selectors.with_unread(selectors.filter_pathways(pathways, phase=filters.get("phase")), request.user)
    count = tag_count(phase_counts, total, "phase", context["current_phase"])
    return PATHWAY_LIST.respond(request, template, context, pathways, searched=True, count=count)


@allowed("pathway.holder_queue")
def project_holder_home(request):
    return _pathway_list(request, "pathways/project_holder_home.html")


@allowed("pathway.companion_queue")
def companion_home(request):
    return _pathway_list(request, "pathways/companion_home.html")


# ---- candidates and employers ---------------------------------------------------------------------


@allowed("candidate.manage")
def candidate_list(request):
    candidates = CANDIDATE_LIST.apply(request, selectors.candidates_of(request.user))
    if request.GET.get("format") in EXPORT_FORMATS:
        # The candidates' personal data leave the platform: each one's record says who took it, when.
        personal_data.candidate_list_export_record(acting_user=request.user, candidates=candidates)
    return CANDIDATE_LIST.respond(request, "pathways/candidate_list.html", {}, candidates, searched=True)


CANDIDATE_LIST = ListSpec(
    columns=[
        Column("nom", "Nom", ("last_name", "first_name"), lambda c: f"{c.last_name} {c.first_name}"),
        Column("naissance", "Date de naissance", "birth_date", lambda c: c.birth_date),
        Column(
            "diplome", "Plus haut diplôme", "highest_qualification", lambda c: c.get_highest_qualification_display()
        ),
        Column("nir", "NIR", None, lambda c: "renseigné" if c.nir else "non renseigné"),
        Column("parcours", "Parcours", "pathway_count", lambda c: c.pathway_count),
    ],
    lists=["pathways:candidate_list"],
    search=["last_name", "first_name", "email"],
    filename="candidats",
    title="Candidats",
)


@allowed("candidate.manage")
def candidate_detail(request, pk):
    candidate = get_object_or_404(Candidate.objects.visible_to(request.user), pk=pk)
    personal_data.candidate_access_record(acting_user=request.user, candidate=candidate, kind=CandidateAccessKind.VIEW)
    return render_candidate_page(request, candidate)


@allowed("candidate.invite")
@post_only("pathways:candidate_detail")
def candidate_invite(request, pk):
    """Invite the candidate to follow their pathway online (« Mon parcours »), or send them a fresh link."""
    candidate = get_object_or_404(Candidate.objects.visible_to(request.user), pk=pk)
    again = candidate.invited_at is not None
    try:
        candidate = candidate_access.candidate_invite(acting_user=request.user, candidate=candidate)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            f"{'Nouvelle invitation' if again else 'Invitation'} envoyée à {candidate.email} : le lien est valable "
            "7 jours et sert une seule fois" + (" ; le lien précédent ne fonctionne plus." if again else "."),
        )
    return redirect("pathways:candidate_detail", pk=candidate.pk)


@allowed("candidate.export")
@post_only("pathways:candidate_detail")
def candidate_export(request, pk):
    """The ZIP of a right-of-access request (RGPD art. 15); the export is logged by the service."""
    candidate = get_object_or_404(
        Candidate.objects.visible_to(request.user).select_related("project_holder__organisation"), pk=pk
    )
    try:
        archive = export_candidate_data(acting_user=request.user, candidate=candidate)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("pathways:candidate_detail", pk=candidate.pk)
    filename = f"donnees-candidat-{candidate.pk}-{timezone.localdate():%Y-%m-%d}.zip"
    return FileResponse(archive, as_attachment=True, filename=filename, content_type="application/zip")


# The NIR never reaches an error report (Django's filtered POST data).
@sensitive_post_parameters("nir")
@allowed("candidate.manage")
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


@sensitive_post_parameters("nir")
@allowed("candidate.manage")
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


@allowed("employer.manage")
def employer_list(request):
    return EMPLOYER_LIST.respond(request, "pathways/employer_list.html", {}, selectors.employers_of(request.user))


EMPLOYER_LIST = ListSpec(
    columns=[
        Column("raison-sociale", "Raison sociale", "name", lambda e: e.name),
        Column("siret", "SIRET", "siret", lambda e: e.siret),
        Column("idcc", "IDCC", "idcc", lambda e: e.idcc),
        Column("opco", "OPCO", "opco__name", lambda e: e.opco.name),
        Column("parcours", "Parcours", "pathway_count", lambda e: e.pathway_count),
    ],
    lists=["pathways:employer_list"],
    search=["name", "siret", "idcc", "opco__name"],
    filename="employeurs",
    title="Employeurs",
)


@allowed("employer.manage")
def employer_create(request):
    form = EmployerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            employer = services.employer_save(acting_user=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, f"L'employeur {employer.name} a été enregistré (OPCO : {employer.opco.name}).")
            return redirect("pathways:employer_list")
    return render(request, "pathways/employer_form.html", {"form": form})


@allowed("employer.manage")
def employer_edit(request, pk):
    employer = get_object_or_404(Employer.objects.visible_to(request.user).select_related("opco"), pk=pk)
    form = EmployerForm(request.POST or None, initial=EmployerForm.initial_for(employer))
    if request.method == "POST" and form.is_valid():
        try:
            services.employer_save(acting_user=request.user, employer=employer, **form.cleaned_data)
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, f"L'employeur {employer.name} a été mis à jour (OPCO : {employer.opco.name}).")
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


@allowed("pathway.create")
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
        projects=selectors.accepted_projects_with_room(request.user.membership.organisation_id),
    )
    if request.method == "POST" and form.is_valid():
        try:
            pathway = services.pathway_create(acting_user=request.user, **form.service_data())
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, f"Le parcours {pathway.reference} a été créé.")
            return redirect(pathway_url(pathway))
    return render(request, "pathways/pathway_form.html", {"form": form, "certification": certification})


@allowed("pathway.update")
def pathway_edit(request, pk):
    pathway = get_object_or_404(Pathway.objects.visible_to(request.user).select_related("certification"), pk=pk)
    closed = policy.refusal(request.user, "pathway.update", pathway)
    if closed:
        messages.warning(request, closed.reason)
        return redirect(pathway_url(pathway))
    locked = not policy.can(request.user, "pathway.retarget", pathway)
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
            return redirect(pathway_url(pathway))
    context = {"form": form, "certification": certification, "pathway": pathway, "locked": locked}
    return render(request, "pathways/pathway_form.html", context)


@allowed("contract.save")
def contract_edit(request, pk):
    pathway = get_object_or_404(
        Pathway.objects.visible_to(request.user).select_related("candidate", "employer", "contract"), pk=pk
    )
    contract = getattr(pathway, "contract", None)
    form = ContractForm(request.POST or None, initial=ContractForm.initial_for(contract), pathway=pathway)
    if request.method == "POST" and form.is_valid():
        try:
            services.contract_save(acting_user=request.user, pathway=pathway, **form.cleaned_data)
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(
                request, f"Le contrat de professionnalisation du parcours {pathway.reference} est enregistré."
            )
            return redirect(pathway_url(pathway))
    context = {"form": form, "pathway": pathway, "editable": policy.can(request.user, "contract.save", pathway)}
    return render(request, "pathways/contract_form.html", context)


@allowed("contract.renew")
@post_only("pathways:detail")
def contract_renewal(request, pk):
    """After a renewal (a failed jury, pathway back in delivery), the contract's end date moves on."""
    return act_on_pathway(
        request,
        pk,
        name="renewal_form",
        form=lambda pathway, data, files: ContractRenewalForm(data),
        act=lambda pathway, form: services.contract_renew(
            acting_user=request.user, pathway=pathway, **form.cleaned_data
        ),
        success=lambda contract, form: f"Le contrat est prolongé jusqu'au {contract.end_date:%d/%m/%Y}.",
    )


# ---- the pathway page -----------------------------------------------------------------------------


@allowed("pathway.view")
def pathway_detail(request, pk):
    return render_pathway_page(request, pathway_page(request, pk))


@allowed("pathway.work_on")
@post_only("pathways:detail")
def pathway_transition(request, pk):
    return act_on_pathway(
        request,
        pk,
        name="transition_form",
        form=lambda pathway, data, files: TransitionForm(data),
        act=lambda pathway, form: services.pathway_transition(
            acting_user=request.user, pathway=pathway, **form.cleaned_data
        ),
        success=lambda pathway, form: (
            f"Le parcours {pathway.reference} est passé en phase « {PathwayPhase(pathway.phase).label} »."
        ),
    )


@allowed("pathway.work_on")
@post_only("pathways:detail")
def pathway_abandon(request, pk):
    return act_on_pathway(
        request,
        pk,
        name="abandon_form",
        form=lambda pathway, data, files: AbandonForm(data),
        act=lambda pathway, form: services.pathway_transition(
            acting_user=request.user, pathway=pathway, to=PathwayPhase.ABANDONED, comment=form.cleaned_data["reason"]
        ),
        success=lambda pathway, form: f"L'abandon du parcours {pathway.reference} est enregistré.",
    )


@allowed("document.add")
@post_only("pathways:detail")
def document_upload(request, pk):
    return act_on_pathway(
        request,
        pk,
        name="document_form",
        form=lambda pathway, data, files: DocumentForm(data, files),
        act=lambda pathway, form: services.document_add(
            acting_user=request.user,
            pathway=pathway,
            kind=form.cleaned_data["kind"],
            uploaded_file=form.cleaned_data["file"],
        ),
        success=lambda document, form: f"La pièce « {document.get_kind_display()} » a été déposée.",
        anchor="pieces",
    )


@allowed("pathway.view")
def document_download(request, pk, document_pk):
    pathway = get_object_or_404(Pathway.objects.visible_to(request.user), pk=pk)
    document = get_object_or_404(pathway.documents, pk=document_pk)
    return download(lambda: document.file.open("rb"), document.original_name, document.content_type)


@allowed("document.withdraw")
@post_only("pathways:detail")
def document_withdraw(request, pk, document_pk):
    """A wrong piece withdrawn before the phase moves on; it stays listed as withdrawn (the history)."""
    pathway = get_object_or_404(Pathway.objects.visible_to(request.user), pk=pk)
    document = get_object_or_404(pathway.documents, pk=document_pk)
    try:
        services.document_withdraw(acting_user=request.user, document=document)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    except Conflict as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            f"La pièce « {document.get_kind_display()} » ({document.original_name}) est retirée ; elle reste "
            "dans l'historique des pièces. Vous pouvez déposer la bonne pièce.",
        )
    return redirect(pathway_url(pathway, "pieces"))


@allowed("message.read")
def message_inbox(request):
    """The pathways with messages, latest first, with what is unread."""
    threads = paginate(request, selectors.threads_of(request.user))
    return render(request, "pathways/message_inbox.html", threads)


@allowed("pathway.view")
def pathway_messages(request, pk):
    """The pathway's « Messages » page (GET); a message written there (POST)."""
    if request.method == "POST":
        return message_post(request, pk)
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "POST"])
    return render_messages_page(request, pathway_page(request, pk, selectors.pathways_for_messages(request.user)))


@allowed("message.write")
def message_post(request, pk):
    return act_on_pathway(
        request,
        pk,
        name="message_form",
        form=lambda pathway, data, files: MessageForm(data, files),
        act=lambda pathway, form: services.message_post(
            acting_user=request.user,
            pathway=pathway,
            body=form.cleaned_data["body"],
            attachment=form.cleaned_data["attachment"],
        ),
        success=lambda message, form: "Votre message est envoyé.",
        anchor="messages",
        page="pathways:messages",
    )


def message_attachment(request, pk, message_pk):
    pathway = get_object_or_404(Pathway.objects.visible_to(request.user), pk=pk)
    message = get_object_or_404(selectors.thread_of(pathway, request.user).exclude(attachment=""), pk=message_pk)
    return download(lambda: message.attachment.open("rb"), message.attachment_name, message.attachment_content_type)


@allowed("pathway_note.write")
@post_only("pathways:messages")
def note_add(request, pk):
    return act_on_pathway(
        request,
        pk,
        name="note_form",
        form=lambda pathway, data, files: NoteForm(data),
        act=lambda pathway, form: services.pathway_note_add(
            acting_user=request.user, pathway=pathway, body=form.cleaned_data["body"]
        ),
        success=lambda note, form: "Note interne enregistrée (visible de votre organisation seulement).",
        anchor="notes",
        page="pathways:messages",
    )


@allowed("pathway.assign")
@post_only("pathways:detail")
def pathway_assign(request, pk):
    return act_on_pathway(
        request,
        pk,
        name="assign_form",
        form=lambda pathway, data, files: assign_form(request.user, data),
        act=lambda pathway, form: services.pathway_assign(
            acting_user=request.user, pathway=pathway, assignee=form.cleaned_data["assignee"]
        ),
        success=lambda pathway, form: (
            f"Parcours assigné à {pathway.assignee.get_full_name() or pathway.assignee.email}."
            if pathway.assignee
            else "Le parcours n'est plus assigné."
        ),
        anchor="assignation",
    )


@allowed("support_opinion.record")
@post_only("pathways:detail")
def support_opinion(request, pk):
    return act_on_pathway(
        request,
        pk,
        name="opinion_form",
        form=lambda pathway, data, files: SupportOpinionForm(data),
        act=lambda pathway, form: services.support_opinion_record(
            acting_user=request.user, pathway=pathway, **form.cleaned_data
        ),
        success=lambda opinion, form: (
            f"Votre avis d'accompagnement ({'favorable' if opinion.favourable else 'défavorable'}) est enregistré."
        ),
    )


@allowed("admissibility.record")
@post_only("pathways:detail")
def admissibility_decision(request, pk):
    return act_on_pathway(
        request,
        pk,
        name="admissibility_form",
        form=lambda pathway, data, files: AdmissibilityForm(data),
        act=lambda pathway, form: services.admissibility_record(
            acting_user=request.user, pathway=pathway, **form.cleaned_data
        ),
        success=lambda record, form: f"Décision de recevabilité enregistrée : {record.get_decision_display().lower()}.",
    )


@allowed("jury_session.set")
@post_only("pathways:detail")
def jury_session(request, pk):
    return act_on_pathway(
        request,
        pk,
        name="jury_form",
        form=lambda pathway, data, files: JurySessionForm(data),
        act=lambda pathway, form: services.jury_session_set(
            acting_user=request.user, pathway=pathway, **form.cleaned_data
        ),
        success=lambda pathway, form: f"La session de jury est fixée au {form.cleaned_data['session_date']:%d/%m/%Y}.",
    )
