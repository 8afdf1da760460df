"""The pages where several apps meet, composed here, above them all: the pathway page (pathways, funding,
evaluation) and the candidate record (pathways, evaluation). Each section comes from its app's selectors;
what the user may do there is asked of the policy. Not views: functions the views of every area share.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse

from evaluation import selectors as evaluation_selectors
from evaluation.indicator_version import kept_moves
from evaluation.outcomes import moments_open, six_months_due_on
from funding import selectors as funding_selectors
from funding.models import FundingFile
from pathways import selectors, services, workflow
from vae_inversee.accounts.selectors import active_colleagues
from vae_inversee.lib import policy
from vae_inversee.lib.errors import Conflict
from vae_inversee.lib.pagination import get_joined
from vae_inversee.www.evaluation.forms import AssessmentForm, JuryResultForm, OutcomeForm
from vae_inversee.www.pathways.forms import (
    AbandonForm,
    AdmissibilityForm,
    AssignForm,
    ContractRenewalForm,
    DocumentForm,
    JurySessionForm,
    MessageForm,
    NoteForm,
    SupportOpinionForm,
)


def pathway_page(request, pk, pathways=None):
    """The pathway of the page, within the user's scope (404 outside), with what the page shows (`pathways`:
    the visible pathways with what another page shows; by default, the file page's)."""
    pathways = selectors.pathways_for_page(request.user) if pathways is None else pathways
    try:
        return get_joined(pathways, pk=pk)
    except pathways.model.DoesNotExist:
        raise Http404("Aucun parcours ne correspond.") from None


def pathway_url(pathway, anchor="", page="pathways:detail"):
    return reverse(page, args=[pathway.pk]) + (f"#{anchor}" if anchor else "")


def act_on_pathway(request, pk, *, name, form, act, success, anchor="", page="pathways:detail"):
    """A form posted from one of the pathway's pages (`page`: its file, or its messages), for every action.

    `form(pathway, data, files)` binds the form; `act(pathway, form)` calls the one service; `success(result,
    form)` is the French message. A refused input or transition shows the page again with the bound form
    (400); a concurrent change (Conflict) says so and shows the page as it now is.
    """
    pathway = pathway_page(request, pk)
    bound = form(pathway, request.POST, request.FILES)
    refused = None
    if bound.is_valid():
        try:
            result = act(pathway, bound)
        except ValidationError as error:
            bound.add_service_errors(error)
        except services.TransitionRefused as error:
            refused = error
        except Conflict as error:
            messages.error(request, str(error))
            return redirect(pathway_url(pathway, anchor, page))
        else:
            messages.success(request, success(result, bound))
            return redirect(pathway_url(pathway, anchor, page))
    if page == "pathways:messages":
        return render_messages_page(request, pathway, forms={name: bound}, status=400)
    return render_pathway_page(request, pathway, forms={name: bound}, refused=refused, status=400)


def _blank_forms(user, pathway, forms):
    """{name: a function making the form} of `forms` ({name: (action, make)}) the user may fill in now."""
    return {name: make for name, (action, make) in forms.items() if policy.can(user, action, pathway)}


def _with_forms(context, blank, bound):
    """The page's forms in its context: each blank one, or the bound one posted (after a validation error)."""
    context.update({name: form for name, form in bound.items() if name not in blank})
    context.update({name: bound.get(name) or make() for name, make in blank.items()})


def _pathway_forms(user, pathway, target_blocks, outcomes):
    """The blank forms of the actions the user may take now on the file page: {name: a function making it}."""
    forms = {
        "document_form": ("document.add", DocumentForm),
        "opinion_form": (
            "support_opinion.record",
            lambda: SupportOpinionForm(
                initial=SupportOpinionForm.initial_for(getattr(pathway, "support_opinion", None))
            ),
        ),
        "admissibility_form": (
            "admissibility.record",
            lambda: AdmissibilityForm(initial=AdmissibilityForm.initial_for(getattr(pathway, "admissibility", None))),
        ),
        "jury_form": ("jury_session.set", lambda: JurySessionForm(initial={"session_date": pathway.jury_session_date})),
        "renewal_form": (
            "contract.renew",
            lambda: ContractRenewalForm(initial={"end_date": pathway.contract.end_date}),
        ),
        "assessment_form": ("assessment.record", lambda: AssessmentForm(blocks=target_blocks)),
        "assign_form": (
            "pathway.assign",
            lambda: assign_form(user, initial={"assignee": pathway.assignee_id}),
        ),
        "jury_result_form": (
            "jury.record",
            lambda: JuryResultForm(blocks=target_blocks, initial={"session_date": pathway.jury_session_date}),
        ),
    }
    blank = _blank_forms(user, pathway, forms)
    # The person's situation after the pathway: the moments still to record, once open.
    moments = moments_open(pathway, {outcome.at for outcome in outcomes}) if pathway.phase_changed_at else []
    if moments and policy.can(user, "outcome.record", pathway):
        blank["outcome_form"] = lambda: OutcomeForm(moments=moments)
    if workflow.can_abandon(pathway, user):
        blank["abandon_form"] = AbandonForm
    return blank


def assign_form(user, data=None, **kwargs):
    """The form to assign a pathway or a file to oneself or an active colleague of one's organisation."""
    return AssignForm(data, colleagues=active_colleagues(user.organisation), **kwargs)


def render_pathway_page(request, pathway, *, forms=None, refused=None, status=200):
    """The pathway page; `forms` replaces blank forms by bound ones (after a validation error)."""
    user = request.user
    forms = forms or {}
    related = selectors.pathway_page_related(pathway)
    target_blocks = related["target_blocks"]
    outcomes = evaluation_selectors.outcomes_of(pathway)
    context = {}
    _with_forms(context, _pathway_forms(user, pathway, target_blocks, outcomes), forms)
    funding_files = list(FundingFile.objects.visible_to(user).filter(pathway=pathway).order_by("contract_year"))
    juries = evaluation_selectors.juries_of(pathway)
    closure = workflow.closure(pathway)
    progress = evaluation_selectors.progress_by_block(pathway, target_blocks)
    context.update(
        pathway=pathway,
        moves=kept_moves(pathway, user),
        transition_form=forms.get("transition_form"),
        refused=refused,
        closure=closure,
        **workflow.stepper(pathway),
        can_edit=policy.can(user, "pathway.update", pathway),
        can_edit_contract=policy.can(user, "contract.save", pathway),
        can_open_candidate=policy.may(user, "candidate.manage"),
        read_only=not policy.may(user, "pathway.work_on"),
        field_changes=selectors.pathway_field_changes(pathway),
        # Funding: the files the user may see (an OPCO does not see a draft), by contract year.
        funding_files=funding_files,
        # Evaluation: progress per block over time, every jury attempt.
        progress=progress,
        progress_recorded=any(row["assessments"] for row in progress),
        juries=juries,
        outcomes=outcomes,
        six_months_due_on=six_months_due_on(pathway) if closure else None,
        # The pedagogical plan: actions, a timeline per block, per-year totals beside the caps.
        **funding_selectors.plan_overview(pathway, funding_files, target_blocks),
        can_write_plan=policy.can(user, "plan_action.write", pathway),
        can_realise=policy.can(user, "plan_action.realise", pathway),
        realised_form=forms.get("realised_form"),
        # Working together: who the pathway is assigned to here; the thread and notes have their own page.
        assignments=list(selectors.assignments_of(pathway)) if policy.may(user, "pathway.assign") else [],
        thread_counts=selectors.thread_counts(pathway, user),
        notes_shown=policy.may(user, "pathway_note.write"),
        tab="dossier",
        **related,
    )
    context["jury_shown"] = bool(juries or context.get("jury_result_form")) or policy.can(user, "jury.view", pathway)
    return render(request, "pages/pathway.html", context, status=status)


def render_messages_page(request, pathway, *, forms=None, status=200):
    """The pathway's « Messages » page (product.md section 13): the thread, read by every organisation that
    sees the pathway and by the candidate, and the organisation's internal notes. Showing it marks the thread
    read. Apart from the file page, which then reads neither: two queries fewer there, no read marker to check
    or write on every visit, and a shorter page (at 1 000 000 pathways, ~10 % less processor per page)."""
    user = request.user
    notes_shown = policy.may(user, "pathway_note.write")
    context = {
        "pathway": pathway,
        "thread": list(selectors.thread_of(pathway, user)),
        "notes": list(selectors.notes_of(pathway, user)) if notes_shown else [],
        "notes_shown": notes_shown,
        "tab": "messages",
    }
    blank = _blank_forms(
        user, pathway, {"message_form": ("message.write", MessageForm), "note_form": ("pathway_note.write", NoteForm)}
    )
    _with_forms(context, blank, forms or {})
    context["thread_counts"] = {"count": len(context["thread"]), "unread": 0}  # read now
    response = render(request, "pages/pathway_messages.html", context, status=status)
    services.thread_mark_read(user=user, pathway=pathway)
    return response


def render_candidate_page(request, candidate):
    """The candidate record: identity, pathways and the blocks acquired for good."""
    context = {
        "candidate": candidate,
        "pathways": selectors.pathways_of_candidate(candidate),
        "acquired_blocks": evaluation_selectors.acquired_blocks_of(candidate),
    }
    return render(request, "pages/candidate.html", context)
