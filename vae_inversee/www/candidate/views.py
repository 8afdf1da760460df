"""« Mon parcours »: the candidate's own page (product.md sections 2 and 13), and the invitation link's landing.

A candidate sees their own pathways only (pathways.scopes), read-only but for the messages; every other page
of the portal and the whole API refuse them (vae_inversee.www.candidate.confinement).
"""

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from sesame import settings as sesame_settings

from evaluation import selectors as evaluation_selectors
from funding import selectors as funding_selectors
from funding.agreements import agreement_file
from pathways import candidate_access, selectors, services, workflow
from pathways.enums import DocumentKind
from vae_inversee.accounts.backends import PASSWORD_BACKEND
from vae_inversee.accounts.policy import CANDIDATE_PORTAL
from vae_inversee.lib import policy
from vae_inversee.www.access import allowed, download, post_only
from vae_inversee.www.candidate.forms import CandidateDocumentForm, CandidateMessageForm, ChoosePasswordForm


def _pathway(request, pk):
    return get_object_or_404(selectors.candidate_pathways(request.user), pk=pk)


def _page(request, pathway, *, others, message_form=None, document_form=None, status=200):
    candidate = pathway.candidate
    context = {
        "pathway": pathway,
        "other_pathways": others,
        "guide": workflow.candidate_guide(pathway),
        **workflow.stepper(pathway),
        "plan": selectors.candidate_plan(pathway),
        "acquired_blocks": evaluation_selectors.acquired_blocks_of(candidate),
        "thread": list(selectors.thread_of(pathway, request.user)),
        "message_form": message_form or CandidateMessageForm(),
        "can_write": policy.can(request.user, "message.write", pathway),
        "documents": list(selectors.candidate_documents(pathway)),
        "document_form": document_form or CandidateDocumentForm(),
        "can_upload": policy.can(request.user, "document.add", pathway),
        "agreements": funding_selectors.candidate_agreements(pathway),
    }
    response = render(request, "pages/my_pathway.html", context, status=status)
    services.thread_mark_read(user=request.user, pathway=pathway)
    return response


@allowed(CANDIDATE_PORTAL)
def home(request):
    """The candidate's latest pathway (the others are linked from it)."""
    pathways = list(selectors.candidate_pathways(request.user))
    if not pathways:
        return render(request, "pathways/candidate_no_pathway.html")
    return _page(request, pathways[0], others=pathways[1:])


@allowed(CANDIDATE_PORTAL)
def pathway(request, pk):
    current = _pathway(request, pk)
    others = [other for other in selectors.candidate_pathways(request.user) if other.pk != current.pk]
    return _page(request, current, others=others)


def _pathway_url(pathway, anchor=""):
    return reverse("candidate:pathway", args=[pathway.pk]) + (f"#{anchor}" if anchor else "")


def _act(request, pk, *, form_class, name, act, success, anchor):
    """A form of « Mon parcours »: the service acts and the page follows, or the page again with the errors."""
    current = _pathway(request, pk)
    form = form_class(request.POST, request.FILES)
    if form.is_valid():
        try:
            act(current, form.cleaned_data)
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, success)
            return redirect(_pathway_url(current, anchor))
    others = [other for other in selectors.candidate_pathways(request.user) if other.pk != current.pk]
    return _page(request, current, others=others, status=400, **{name: form})


@allowed(CANDIDATE_PORTAL)
@post_only("candidate:pathway")
def message_post(request, pk):
    return _act(
        request,
        pk,
        form_class=CandidateMessageForm,
        name="message_form",
        act=lambda pathway, data: services.message_post(
            acting_user=request.user, pathway=pathway, body=data["body"], attachment=data["attachment"]
        ),
        success="Votre message est envoyé.",
        anchor="messages",
    )


@allowed(CANDIDATE_PORTAL)
@post_only("candidate:pathway")
def document_add(request, pk):
    """The candidate sends a document they were asked for; it joins the pathway's pieces as « Autre pièce »."""
    return _act(
        request,
        pk,
        form_class=CandidateDocumentForm,
        name="document_form",
        act=lambda pathway, data: services.document_add(
            acting_user=request.user, pathway=pathway, kind=DocumentKind.OTHER, uploaded_file=data["file"]
        ),
        success="Votre document est envoyé : les personnes qui suivent votre parcours le voient.",
        anchor="documents",
    )


@allowed(CANDIDATE_PORTAL)
def document_download(request, pk, document_pk):
    document = get_object_or_404(selectors.candidate_documents(_pathway(request, pk)), pk=document_pk)
    return download(lambda: document.file.open("rb"), document.original_name, document.content_type)


@allowed(CANDIDATE_PORTAL)
def agreement_download(request, pk, file_pk):
    files = {item.pk: item for item in funding_selectors.candidate_agreements(_pathway(request, pk))}
    if file_pk not in files:
        raise Http404("Ce document n'existe pas.")
    funding_file = files[file_pk]
    return download(lambda: agreement_file(funding_file), funding_file.agreement_filename, "application/pdf")


def _unavailable(request):
    context = {"reason": str(candidate_access.LinkUnavailable())}
    return render(request, "pathways/candidate_link_unavailable.html", context, status=410)


@login_not_required
@never_cache
def welcome(request):
    """The invitation link: the candidate chooses their password, is logged in, and lands on their page.

    Opening the link (GET) spends nothing, so a mail scanner that follows it does not void it; choosing the
    password does, and a used or expired link says what to do (410).
    """
    token = request.GET.get(sesame_settings.TOKEN_NAME, "")
    user = candidate_access.invited_user(token)
    if user is None:
        return _unavailable(request)
    form = ChoosePasswordForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = candidate_access.candidate_activate(token=token, password=form.cleaned_data["new_password1"])
        except ValidationError as error:
            form.add_service_errors(error)
        except candidate_access.LinkUnavailable:
            return _unavailable(request)
        else:
            login(request, user, backend=PASSWORD_BACKEND)
            messages.success(
                request,
                "Votre mot de passe est enregistré. La prochaine fois, connectez-vous avec votre adresse "
                "électronique et ce mot de passe.",
            )
            return redirect("candidate:home")
    return render(request, "pathways/candidate_welcome.html", {"form": form, "invited": user})
