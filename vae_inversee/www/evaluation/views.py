"""Portal pages of evaluation: the certifier's queues, the indicators (dashboard and exports), and the
progress and jury forms of the pathway page."""

from django.db.models import Count, Q
from django.shortcuts import redirect, render
from django.template.defaultfilters import pluralize
from django.utils import timezone

from certifications.models import Certification
from evaluation import exports, indicators, services
from evaluation.enums import JuryOutcome
from pathways import scopes
from pathways import selectors as pathway_selectors
from pathways.enums import PHASE_ORDER
from pathways.models import Pathway
from vae_inversee.accounts.enums import OrganisationKind
from vae_inversee.accounts.models import Organisation
from vae_inversee.lib import policy
from vae_inversee.lib.money import format_euros
from vae_inversee.lib.spreadsheets import csv_response, xlsx_response
from vae_inversee.www.access import allowed, post_only
from vae_inversee.www.evaluation import charts
from vae_inversee.www.evaluation.forms import AssessmentForm, JuryResultForm
from vae_inversee.www.pages import act_on_pathway


@allowed("pathway.certifier_queue")
def certifier_home(request):
    admissibility_queue, jury_queue = pathway_selectors.certifier_queues(request.user)
    return render(
        request,
        "evaluation/certifier_home.html",
        {"admissibility_queue": list(admissibility_queue), "jury_queue": list(jury_queue)},
    )


@allowed("steering.home")
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


OUTCOME_COLOURS = {
    JuryOutcome.FULL: charts.GREEN,
    JuryOutcome.PARTIAL: charts.ORANGE,
    JuryOutcome.NONE: charts.RED,
    JuryOutcome.ABSENT: charts.GREY,
}


@allowed("indicators.view")
def dashboard(request):
    # The Ministry's national dashboard is its home page.
    if policy.may(request.user, "steering.home"):
        return redirect("evaluation:ministry_home")
    return render(request, "evaluation/dashboard.html", _dashboard(request.user))


def _download(file_format, headers, rows, filename, title):
    if file_format == "csv":
        return csv_response(headers, rows, filename)
    return xlsx_response(headers, rows, filename, title)


@allowed("indicators.view")
def indicators_export(request, file_format):
    rows = exports.indicator_rows(indicators.compute(request.user))
    filename = f"indicateurs-vae-inversee-{timezone.localdate():%Y-%m-%d}"
    return _download(file_format, exports.INDICATOR_HEADERS, rows, filename, "Indicateurs")


@allowed("indicators.view")
def pathways_export(request, file_format):
    # A generator over the visible pathways, read in chunks: the file streams whatever their number.
    rows = exports.pathway_rows(Pathway.objects.visible_to(request.user))
    filename = f"parcours-vae-inversee-{timezone.localdate():%Y-%m-%d}"
    return _download(file_format, exports.PATHWAY_HEADERS, rows, filename, "Parcours")


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
        "scope_label": scopes.scope_label(user),
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
            "requested": funding["requested_total"],
            "approved": funding["approved_total"],
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
                "rate_text": charts.format_percent(round(charts.share(row["approved"], row["requested"]), 1)),
            }
            for row in funding["by_category"]
        ],  # fmt: skip
        "funding_chart": funding_chart,
    }


# ---- the pathway page's progress and jury forms ----------------------------------------------------


def _blocks(pathway):
    return pathway.target_blocks.order_by("code")


def _progress_message(assessment, form):
    subject = f"le bloc {assessment.skill_block.code}" if assessment.skill_block else "la certification"
    return f"Progression enregistrée pour {subject} : {assessment.get_level_display().lower()}."


@allowed("assessment.record")
@post_only("pathways:detail")
def assessment_create(request, pk):
    return act_on_pathway(
        request,
        pk,
        name="assessment_form",
        form=lambda pathway, data, files: AssessmentForm(data, blocks=_blocks(pathway)),
        act=lambda pathway, form: services.assessment_record(
            acting_user=request.user, pathway=pathway, **form.service_data()
        ),
        success=_progress_message,
        anchor="progression",
    )


def _jury_message(jury, form):
    validated = jury.blocks_validated
    return (
        f"Résultat du jury enregistré : {jury.get_outcome_display().lower()} "
        f"({validated} bloc{pluralize(validated)} validé{pluralize(validated)} sur {jury.blocks_targeted})."
    )


@allowed("jury.record")
@post_only("pathways:detail")
def jury_result(request, pk):
    # Recorded meanwhile by a colleague (a Conflict): the page then shows the result that won.
    return act_on_pathway(
        request,
        pk,
        name="jury_result_form",
        form=lambda pathway, data, files: JuryResultForm(data, blocks=_blocks(pathway)),
        act=lambda pathway, form: services.jury_record(
            acting_user=request.user, pathway=pathway, **form.service_data()
        ),
        success=_jury_message,
        anchor="jury",
    )
