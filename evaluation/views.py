from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.shortcuts import redirect, render
from django.template.defaultfilters import pluralize
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from certifications.models import Certification
from evaluation import charts, exports, indicators, services
from evaluation.enums import JuryOutcome
from evaluation.forms import AssessmentForm, JuryResultForm
from funding.money import format_euros
from pathways import selectors as pathway_selectors
from pathways.enums import PHASE_ORDER
from pathways.models import Pathway
from pathways.pages import render_pathway_page
from vae_inversee.accounts.decorators import role_required
from vae_inversee.accounts.enums import OrganisationKind, Role
from vae_inversee.accounts.models import Organisation
from vae_inversee.lib.errors import Conflict


@role_required(Role.CERTIFIER)
def certifier_home(request):
    admissibility_queue, jury_queue = pathway_selectors.certifier_queues(request.user)
    return render(
        request,
        "evaluation/certifier_home.html",
        {"admissibility_queue": list(admissibility_queue), "jury_queue": list(jury_queue)},
    )


@role_required(Role.MINISTRY)
def ministry_home(request):
    # The national dashboard, plus one aggregate query for the organisations and two for the catalogue.
    organisations = Organisation.objects.aggregate(
        **{kind.value: Count("pk", filter=Q(kind=kind)) for kind in OrganisationKind}
    )
    certifications = Certification.objects.aggregate(total=Count("pk"), active=Count("pk", filter=Q(active=True)))
    certifications["vae_eligible"] = Certification.objects.vae_eligible().count()
    context = _dashboard(request.user)
    context.update(organisations=organisations, certifications=certifications)
    return render(request, "evaluation/ministry_home.html", context)


DASHBOARD_ROLES = (Role.MINISTRY, Role.PROJECT_HOLDER, Role.OPCO)
OUTCOME_COLOURS = {
    JuryOutcome.FULL: charts.GREEN,
    JuryOutcome.PARTIAL: charts.ORANGE,
    JuryOutcome.NONE: charts.RED,
    JuryOutcome.ABSENT: charts.GREY,
}


@role_required(*DASHBOARD_ROLES)
def dashboard(request):
    if request.user.role == Role.MINISTRY:
        return redirect("evaluation:ministry_home")
    return render(request, "evaluation/dashboard.html", _dashboard(request.user))


@role_required(*DASHBOARD_ROLES)
def indicators_export(request, file_format):
    rows = exports.indicator_rows(indicators.compute(request.user))
    filename = f"indicateurs-vae-inversee-{timezone.localdate():%Y-%m-%d}"
    if file_format == "csv":
        return exports.csv_response(exports.INDICATOR_HEADERS, rows, filename)
    return exports.xlsx_response(exports.INDICATOR_HEADERS, rows, filename, "Indicateurs")


@role_required(*DASHBOARD_ROLES)
def pathways_export(request, file_format):
    # A generator over the visible pathways, read in chunks: the file streams whatever their number.
    rows = exports.pathway_rows(Pathway.objects.visible_to(request.user))
    filename = f"parcours-vae-inversee-{timezone.localdate():%Y-%m-%d}"
    if file_format == "csv":
        return exports.csv_response(exports.PATHWAY_HEADERS, rows, filename)
    return exports.xlsx_response(exports.PATHWAY_HEADERS, rows, filename, "Parcours")


def _counted(rows, total, label):
    """Rows of a breakdown table: label, count and share of the total, formatted the French way."""
    result = []
    for row in rows:
        part = charts.share(row["count"], total)
        result.append(
            {"label": label(row), "count": row["count"], "count_text": charts.format_number(row["count"]),
             "share": part, "share_text": charts.format_percent(round(part, 1))}
        )  # fmt: skip
    return result


def _opco_label(row):
    # "OPCO ATLAS" is clear enough; "Uniformation" gets its code: "Uniformation (UNIFORMATION)".
    name, code = row["label"] or "", row["opco"] or ""
    return name if code.lower() in name.lower() else f"{name} ({code})"


def _dashboard(user):
    """The indicators of what `user` may see, with the charts' coordinates and the tables' rows."""
    data = indicators.compute(user)
    total = data["total_pathways"]
    phases = _counted(data["by_phase"], total, lambda row: row["label"])
    # The funnel: the working phases in order, joined, then the drop-outs in red.
    funnel = charts.bar_chart(
        [(row["label"], [row["count"]]) for row in phases],
        colours=[charts.BLUE_FRANCE] * len(PHASE_ORDER) + [charts.RED],
        centred=True,
        joined=len(PHASE_ORDER),
    )
    outcomes = _counted(data["jury_outcomes"], sum(row["count"] for row in data["jury_outcomes"]), lambda r: r["label"])
    outcome_chart = charts.bar_chart(
        [(row["label"], [row["count"]]) for row in outcomes],
        colours=[OUTCOME_COLOURS[row["outcome"]] for row in data["jury_outcomes"]],
    )
    funding = data["funding"]
    funding_chart = charts.bar_chart(
        [(row["label"], [row["requested"], row["approved"]]) for row in funding["by_category"]],
        series=(("Demandé", charts.BLUE_LIGHT), ("Accordé", charts.BLUE_FRANCE)),
        formatter=format_euros,
    )
    holders = []
    for row in data["by_project_holder"]:
        use = row["ceiling_use"]
        colour = charts.RED if use >= 100 else charts.ORANGE if use >= 80 else charts.BLUE_FRANCE
        holders.append(
            row | {"count_text": charts.format_number(row["count"]), "ceiling_text": charts.format_number(row["ceiling"]),
                   "use_text": charts.format_percent(use), "bar": charts.share(use, 100), "colour": colour}
        )  # fmt: skip
    national = data["national_ceiling"]
    blocks = data["blocks"]
    abandoned = next(row["count"] for row in data["by_phase"] if row["phase"] == "abandoned")
    completed = next(row["count"] for row in data["by_phase"] if row["phase"] == "completed")
    return {
        "data": data,
        "kpis": {
            "total": charts.format_number(total),
            "national_use": charts.format_percent(national["use"]),
            "national_ceiling": charts.format_number(national["ceiling"]),
            "national_bar": charts.share(national["count"], national["ceiling"]),
            "completed": charts.format_number(completed),
            "completed_count": completed,
            "abandoned": charts.format_number(abandoned),
            "abandoned_count": abandoned,
            "juries": charts.format_number(sum(row["count"] for row in outcomes)),
            "juries_count": sum(row["count"] for row in outcomes),
            "blocks_validated": charts.format_number(blocks["validated"]),
            "blocks_assessed": charts.format_number(blocks["assessed"]),
            "blocks_rate": charts.format_percent(round(charts.share(blocks["validated"], blocks["assessed"]), 1)),
            "requested": format_euros(funding["requested_total"]),
            "approved": format_euros(funding["approved_total"]),
        },
        "phases": phases,
        "funnel": funnel,
        "by_opco": _counted(
            data["by_opco"],
            total,
            _opco_label,
        ),
        "by_region": _counted(data["by_region"], total, lambda row: row["region"]),
        "by_level": _counted(data["by_level"], total, lambda row: row["label"]),
        "holders": holders,
        "dropouts": _counted(data["dropouts"], abandoned, lambda row: row["reason"] or "Motif non renseigné"),
        "durations": [
            row
            | {
                "median_text": charts.format_number(row["median_days"], 1),
                "stays_text": charts.format_number(row["stays"]),
            }
            for row in data["median_days_per_phase"]
        ],
        "outcomes": outcomes,
        "outcome_chart": outcome_chart,
        "funding_rows": [
            row
            | {
                "requested_text": format_euros(row["requested"]),
                "approved_text": format_euros(row["approved"]),
                "rate_text": charts.format_percent(round(charts.share(row["approved"], row["requested"]), 1)),
            }
            for row in funding["by_category"]
        ],  # fmt: skip
        "funding_chart": funding_chart,
    }


# ---- the pathway page's progress and jury forms ----------------------------------------------------


def _section_url(pathway, anchor):
    return reverse("pathways:detail", args=[pathway.pk]) + f"#{anchor}"


@role_required(Role.COMPANION)
@require_POST
def assessment_create(request, pk):
    pathway = pathway_selectors.pathway_for_page(request.user, pk)
    form = AssessmentForm(request.POST, blocks=pathway.target_blocks.order_by("code"))
    if form.is_valid():
        try:
            assessment = services.assessment_record(acting_user=request.user, pathway=pathway, **form.service_data())
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            subject = f"le bloc {assessment.skill_block.code}" if assessment.skill_block else "la certification"
            messages.success(
                request, f"Progression enregistrée pour {subject} : {assessment.get_level_display().lower()}."
            )
            return redirect(_section_url(pathway, "progression"))
    return render_pathway_page(request, pathway, forms={"assessment_form": form}, status=400)


@role_required(Role.CERTIFIER)
@require_POST
def jury_result(request, pk):
    pathway = pathway_selectors.pathway_for_page(request.user, pk)
    form = JuryResultForm(request.POST, blocks=pathway.target_blocks.order_by("code"))
    if form.is_valid():
        try:
            jury = services.jury_record(acting_user=request.user, pathway=pathway, **form.service_data())
        except ValidationError as error:
            form.add_service_errors(error)
        except Conflict as error:
            # Recorded meanwhile (two certifier staff at once): the page shows the result that won.
            messages.error(request, str(error))
            return redirect(_section_url(pathway, "jury"))
        else:
            messages.success(
                request,
                f"Résultat du jury enregistré : {jury.get_outcome_display().lower()} "
                f"({jury.blocks_validated} bloc{pluralize(jury.blocks_validated)} validé{pluralize(jury.blocks_validated)} "
                f"sur {jury.blocks_targeted}).",
            )
            return redirect(_section_url(pathway, "jury"))
    return render_pathway_page(request, pathway, forms={"jury_result_form": form}, status=400)
