"""Portal pages of project applications (product.md section 10): the holder drafts and submits, the
Ministry reviews and decides. Each view fetches within `visible_to(request.user)` (404 outside), then
calls one service (pathways.project_services); what the role may do is asked of the policy."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from pathways import project_services, projects_workflow, selectors
from pathways.enums import PROJECT_QUEUE_STATUSES, ProjectStatus
from pathways.services import TransitionRefused
from vae_inversee.lib import policy
from vae_inversee.lib.errors import Conflict
from vae_inversee.www.access import allowed, download, post_only
from vae_inversee.www.lists import Column, ListSpec
from vae_inversee.www.projects.forms import (
    AcceptForm,
    PartnerFormSet,
    ProjectDocumentForm,
    ProjectForm,
    QueueFilterForm,
    ReasonForm,
    partners_of,
)

# ---- the holder's projects ---------------------------------------------------------------------------


@allowed("project.holder_list")
def project_list(request):
    projects = selectors.projects_for_list(request.user)
    return PROJECT_LIST.respond(request, "pathways/project_list.html", {"today": timezone.localdate()}, projects)


def _granted(project):
    return project.granted_pathways


PROJECT_LIST = ListSpec(
    columns=[
        Column("reference", "Référence", "reference", lambda p: p.reference),
        Column("intitule", "Intitulé", "title", lambda p: p.title),
        Column("statut", "Statut", "status", lambda p: p.get_status_display()),
        Column("demandes", "Parcours demandés", "requested_pathways", lambda p: p.requested_pathways),
        Column("accordes", "Parcours accordés", "granted_pathways", _granted),
        Column("ouverts", "Parcours ouverts", "opened", lambda p: p.opened),
        Column("decision", "Décision attendue le", "complete_at", lambda p: p.decision_deadline),
    ],
    lists=["projects:list"],
    search=["reference", "title"],
    filename="projets",
    title="Projets",
)


def _edit(request, project=None):
    initial = {}
    partners_initial = []
    if project is not None:
        initial = {
            "title": project.title,
            "summary": project.summary,
            "regions": project.regions,
            "sectors": project.sectors,
            "certifications": list(project.certifications.all()),
            "requested_pathways": project.requested_pathways,
        }
        partners_initial = [{"name": p.name, "siret": p.siret, "role": p.role} for p in project.partners.all()]
    form = ProjectForm(request.POST or None, initial=initial)
    formset = PartnerFormSet(request.POST or None, initial=partners_initial, prefix="partenaires")
    conflict = None
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        data = {**form.cleaned_data, "partners": partners_of(formset)}
        try:
            if project is None:
                project = project_services.project_create(acting_user=request.user, **data)
            else:
                project = project_services.project_update(acting_user=request.user, project=project, **data)
        except ValidationError as error:
            form.add_service_errors(error)
            for message in getattr(error, "message_dict", {}).get("partners", []):
                form.add_error(None, message)
        except Conflict as error:
            conflict = str(error)
        else:
            messages.success(request, f"Projet {project.reference} enregistré.")
            return redirect("projects:detail", project.pk)
    context = {"form": form, "formset": formset, "project": project, "conflict": conflict}
    status = 409 if conflict else (400 if request.method == "POST" else 200)
    return render(request, "pathways/project_form.html", context, status=status)


@allowed("project.create")
def project_create(request):
    return _edit(request)


@allowed("project.update")
def project_edit(request, pk):
    project = get_object_or_404(selectors.project_page(request.user), pk=pk)
    if not policy.can(request.user, "project.update", project):
        messages.error(request, policy.refusal(request.user, "project.update", project).reason)
        return redirect("projects:detail", project.pk)
    return _edit(request, project)


# ---- the project page (both roles) ---------------------------------------------------------------------


def _project(request, pk):
    return get_object_or_404(selectors.project_page(request.user), pk=pk)


def _render(request, project, *, forms=None, error=None, unmet=None, status=200):
    forms = forms or {}
    user = request.user
    context = {
        "project": project,
        **selectors.project_page_related(project),
        "today": timezone.localdate(),
        "days_left": project.days_left(),
        "error": error,
        "unmet": unmet or [],
        "can_edit": policy.can(user, "project.update", project),
        "can_upload": policy.can(user, "project.document_add", project),
        "can_submit": policy.can(user, "project.submit", project),
        "submit_unmet": projects_workflow.named("submit").unmet(project)
        if policy.can(user, "project.submit", project)
        else [],
        "can_request_complements": policy.can(user, "project.request_complements", project),
        "can_mark_complete": policy.can(user, "project.mark_complete", project),
        "can_decide": policy.can(user, "project.accept", project),
        "document_form": forms.get("document") or ProjectDocumentForm(),
        "complements_form": forms.get("complements") or ReasonForm(prefix="complements"),
        "accept_form": forms.get("accept") or AcceptForm(project=project),
        "reject_form": forms.get("reject") or ReasonForm(prefix="reject"),
        "statuses": ProjectStatus,
    }
    return render(request, "pathways/project_detail.html", context, status=status)


@allowed("project.view")
def project_detail(request, pk):
    return _render(request, _project(request, pk))


@allowed("project.view")
def project_document_download(request, pk, document_pk):
    project = _project(request, pk)
    document = get_object_or_404(project.documents, pk=document_pk)
    return download(lambda: document.file.open("rb"), document.original_name, document.content_type)


@allowed("project.document_add")
@post_only("projects:detail")
def project_document_add(request, pk):
    project = _project(request, pk)
    form = ProjectDocumentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            document = project_services.project_document_add(
                acting_user=request.user,
                project=project,
                kind=form.cleaned_data["kind"],
                uploaded_file=form.cleaned_data["file"],
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, f"Pièce « {document.get_kind_display()} » déposée.")
            return redirect("projects:detail", project.pk)
    return _render(request, project, forms={"document": form}, status=400)


def _act(request, pk, name, form_factory, act, success):
    """A move on the project: the bound form, one service call; unmet conditions and field errors are a 400,
    a project moved meanwhile (or deemed rejected) a 409; the page re-rendered with what was typed."""
    project = _project(request, pk)
    form = form_factory(project, request.POST) if form_factory else None
    if form is None or form.is_valid():
        try:
            project = act(project, form)
        except TransitionRefused as refused:
            return _render(request, project, forms={name: form}, error=refused.detail, unmet=refused.unmet, status=400)
        except ValidationError as error:
            form.add_service_errors(error)
        except Conflict as error:
            return _render(request, _project(request, pk), forms={name: form}, error=str(error), status=409)
        else:
            messages.success(request, success(project))
            return redirect("projects:detail", project.pk)
    return _render(request, project, forms={name: form}, status=400)


@allowed("project.submit")
@post_only("projects:detail")
def project_submit(request, pk):
    return _act(
        request,
        pk,
        "submit",
        None,
        lambda project, form: project_services.project_submit(acting_user=request.user, project=project),
        lambda project: f"Projet {project.reference} déposé : la DGEFP va l'instruire.",
    )


@allowed("project.request_complements")
@post_only("projects:detail")
def project_request_complements(request, pk):
    return _act(
        request,
        pk,
        "complements",
        lambda project, data: ReasonForm(data, prefix="complements"),
        lambda project, form: project_services.project_request_complements(
            acting_user=request.user, project=project, reason=form.cleaned_data["reason"]
        ),
        lambda project: f"Compléments demandés au porteur du projet {project.reference}.",
    )


@allowed("project.mark_complete")
@post_only("projects:detail")
def project_mark_complete(request, pk):
    return _act(
        request,
        pk,
        "complete",
        None,
        lambda project, form: project_services.project_mark_complete(acting_user=request.user, project=project),
        lambda project: (
            f"Dossier {project.reference} déclaré complet : décision attendue au plus tard le "
            f"{project.decision_deadline:%d/%m/%Y}."
        ),
    )


@allowed("project.accept")
@post_only("projects:detail")
def project_accept(request, pk):
    return _act(
        request,
        pk,
        "accept",
        lambda project, data: AcceptForm(data, project=project),
        lambda project, form: project_services.project_accept(
            acting_user=request.user, project=project, **form.cleaned_data
        ),
        lambda project: f"Projet {project.reference} accepté : {project.granted_pathways} parcours accordés.",
    )


@allowed("project.reject")
@post_only("projects:detail")
def project_reject(request, pk):
    return _act(
        request,
        pk,
        "reject",
        lambda project, data: ReasonForm(data, prefix="reject"),
        lambda project, form: project_services.project_reject(
            acting_user=request.user, project=project, reason=form.cleaned_data["reason"]
        ),
        lambda project: f"Projet {project.reference} refusé.",
    )


# ---- the Ministry's queue ----------------------------------------------------------------------------


@allowed("project.review")
def project_queue(request):
    form = QueueFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    projects = selectors.filter_projects(
        selectors.project_queue(request.user),
        status=filters.get("status"),
        region=filters.get("region"),
        q=filters.get("q"),
    )
    context = {"form": form, "today": timezone.localdate(), "queue_statuses": PROJECT_QUEUE_STATUSES}
    return PROJECT_QUEUE.respond(request, "pathways/project_queue.html", context, projects, searched=True)


PROJECT_QUEUE = ListSpec(
    columns=[
        Column("reference", "Référence", "reference", lambda p: p.reference),
        Column("porteur", "Porteur de projet", "project_holder__organisation__name", lambda p: str(p.project_holder)),
        Column("intitule", "Intitulé", "title", lambda p: p.title),
        Column("regions", "Régions", None, lambda p: ", ".join(p.region_labels)),
        Column("statut", "Statut", "status", lambda p: p.get_status_display()),
        Column("demandes", "Demandés", "requested_pathways", lambda p: p.requested_pathways),
        Column("accordes", "Accordés", "granted_pathways", _granted),
        Column("decision", "Décision avant le", "complete_at", lambda p: p.decision_deadline),
    ],
    lists=["projects:queue"],
    filename="projets",
    title="Projets",
)
