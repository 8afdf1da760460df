"""Portal pages of the pedagogical plan (product.md section 11): the project holder's action form, the
companion's realised hours. Each view fetches within `visible_to(request.user)` (404 outside) and calls
one service (pathways.services)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render

from pathways import services
from pathways.models import PlanAction
from vae_inversee.lib.errors import Conflict
from vae_inversee.www.access import allowed, post_only
from vae_inversee.www.pages import act_on_pathway, pathway_page, pathway_url
from vae_inversee.www.pathways.forms import PlanActionForm, RealisedHoursForm

ANCHOR = "plan"


def _plan_action(request, pk, action_pk) -> PlanAction:
    return get_object_or_404(
        PlanAction.objects.visible_to(request.user).select_related("pathway"), pk=action_pk, pathway_id=pk
    )


def _edit(request, pathway, plan_action):
    initial = PlanActionForm.initial_for(plan_action)
    form = PlanActionForm(request.POST or None, pathway=pathway, initial=initial)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.plan_action_save(
                    acting_user=request.user, pathway=pathway, plan_action=plan_action, **form.cleaned_data
                )
            except ValidationError as error:
                form.add_service_errors(error)
            except Conflict as error:
                messages.error(request, str(error))
            else:
                messages.success(request, f"Action « {form.cleaned_data['title']} » enregistrée dans le plan.")
                return redirect(pathway_url(pathway, ANCHOR))
    context = {"pathway": pathway, "form": form, "plan_action": plan_action}
    return render(request, "pathways/plan_action_form.html", context, status=status)


@allowed("plan_action.write")
def plan_action_create(request, pk):
    return _edit(request, pathway_page(request, pk), None)


@allowed("plan_action.write")
def plan_action_edit(request, pk, action_pk):
    plan_action = _plan_action(request, pk, action_pk)
    return _edit(request, pathway_page(request, pk), plan_action)


@allowed("plan_action.write")
@post_only("pathways:detail")
def plan_action_delete(request, pk, action_pk):
    plan_action = _plan_action(request, pk, action_pk)
    try:
        services.plan_action_delete(acting_user=request.user, plan_action=plan_action)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"Action « {plan_action.title} » retirée du plan.")
    return redirect(pathway_url(plan_action.pathway, ANCHOR))


@allowed("plan_action.realise")
@post_only("pathways:detail")
def plan_action_realise(request, pk, action_pk):
    plan_action = _plan_action(request, pk, action_pk)
    return act_on_pathway(
        request,
        pk,
        name="realised_form",
        form=lambda pathway, data, files: RealisedHoursForm(data),
        act=lambda pathway, form: services.plan_action_realise(
            acting_user=request.user, plan_action=plan_action, **form.cleaned_data
        ),
        success=lambda action, form: f"{action.realised_hours} h réalisées enregistrées pour « {action.title} ».",
        anchor=ANCHOR,
    )
