"""Portal pages of evaluation: the certifier's queues, the indicators (dashboard and exports), and the
progress and jury forms of the pathway page."""

import datetime

from django.contrib import messages
from django.db.models import Count, Q
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.template.defaultfilters import pluralize
from django.urls import reverse
from django.utils import timezone

from certifications.models import Certification
from evaluation import exports, indicators, selectors, services, sessions
from evaluation.enums import JuryOutcome, OutcomeMoment
from pathways import scopes
from pathways import selectors as pathway_selectors
from pathways.enums import PHASE_ORDER
from vae_inversee.accounts import selectors as account_selectors
from vae_inversee.accounts.enums import OrganisationKind
from vae_inversee.accounts.models import Organisation
from vae_inversee.lib import policy
from vae_inversee.lib.money import format_euros
from vae_inversee.lib.spreadsheets import csv_response, file_response, xlsx_response
from vae_inversee.www.access import allowed, post_only
from vae_inversee.www.evaluation import charts
from vae_inversee.www.evaluation.forms import (
    AssessmentForm,
    CertifierQueueForm,
    JuryResultForm,
    OutcomeForm,
    PortalIndicatorFilter,
    PortalSteeringFilter,
    SessionJuryForm,
    SessionScheduleForm,
)
from vae_inversee.www.forms import keep_model_choices
from vae_inversee.www.lists import (
    EXPORT_FORMATS,
    QUERYSET_SEARCH,
    Column,
    ListSpec,
    filtered,
    local_date,
    local_moment,
    paginate,
    person,
)
from vae_inversee.www.pages import act_on_pathway


def _decision(pathway):
    decision = getattr(pathway, "admissibility", None)
    return decision.get_decision_display() if decision else "À examiner"


CANDIDATE_ORDER = ("candidate__last_name", "candidate__first_name")
ASSIGNEE_ORDER = ("assignee__last_name", "assignee__first_name")
ADMISSIBILITY_QUEUE = ListSpec(
    columns=[
        Column("reference", "Référence", "reference", lambda p: p.reference),
        Column("candidat", "Candidat", CANDIDATE_ORDER, lambda p: str(p.candidate)),
        Column("employeur", "Employeur", "employer__name", lambda p: p.employer.name),
        Column("certification", "Certification", "certification__code", lambda p: p.certification.code),
        Column("depuis", "En recevabilité depuis", "phase_changed_at", lambda p: local_date(p.phase_changed_at)),
        Column("decision", "Décision", "admissibility__decided_at", _decision),
        Column("assigne", "Assigné·e à", ASSIGNEE_ORDER, lambda p: person(p.assignee)),
    ],
    lists=["evaluation:certifier_home"],
    search=QUERYSET_SEARCH,
    filename="recevabilites",
    title="Recevabilités",
)
JURY_QUEUE = ListSpec(
    columns=[
        Column("reference", "Référence", "reference", lambda p: p.reference),
        Column("candidat", "Candidat", CANDIDATE_ORDER, lambda p: str(p.candidate)),
        Column("certification", "Certification", "certification__code", lambda p: p.certification.code),
        Column("phase", "Phase", "phase", lambda p: p.get_phase_display()),
        Column("session", "Session de jury", "jury_session_date", lambda p: p.jury_session_date or "À fixer"),
        Column("assigne", "Assigné·e à", ASSIGNEE_ORDER, lambda p: person(p.assignee)),
    ],
    lists=["evaluation:certifier_home"],
    search=QUERYSET_SEARCH,
    filename="jurys",
    title="Jurys",
)
# ?file= : which of the certifier's two queues the page shows.
CERTIFIER_QUEUES = {"recevabilite": ADMISSIBILITY_QUEUE, "jury": JURY_QUEUE}


@allowed("pathway.certifier_queue")
def certifier_home(request):
    form = CertifierQueueForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    current = filters.get("file") or "recevabilite"
    spec = CERTIFIER_QUEUES[current]
    queues = {}
    for key, queryset in zip(CERTIFIER_QUEUES, pathway_selectors.certifier_queues(request.user), strict=True):
        queryset = pathway_selectors.filter_assignee(queryset, filters.get("assignee"), request.user)
        queues[key] = spec.searched(request, queryset)
    context = {
        "form": form,
        "current_queue": current,
        # Both counts in one query each, whatever the queue shown.
        "queue_counts": {key: queryset.count() for key, queryset in queues.items()},
    }
    queue = pathway_selectors.with_unread(queues[current], request.user)
    return spec.respond(request, "evaluation/certifier_home.html", context, queue, searched=True)


@allowed("steering.home")
def ministry_home(request):
    # The national dashboard, plus one aggregate query for the organisations and two for the catalogue.
    organisations = Organisation.objects.aggregate(
        **{kind.value: Count("pk", filter=Q(kind=kind)) for kind in OrganisationKind}
    )
    certifications = Certification.objects.aggregate(total=Count("pk"), active=Count("pk", filter=Q(active=True)))
    certifications["vae_eligible"] = Certification.objects.vae_eligible().count()
    filters = _filters(request)
    context = _dashboard(request, filters)
    context.update(organisations=organisations, certifications=certifications)
    return render(request, "evaluation/ministry_home.html", context, status=_status(filters))


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
        query = request.GET.urlencode()
        return HttpResponseRedirect(reverse("evaluation:ministry_home") + (f"?{query}" if query else ""))
    filters = _filters(request)
    return render(request, "evaluation/dashboard.html", _dashboard(request, filters), status=_status(filters))


def _filters(request, filter_class=PortalIndicatorFilter):
    """The steering filters of the query string, parsed once (evaluation.filters) and validated."""
    filters = filter_class(request.GET, user=request.user)
    filters.valid = filters.is_valid()
    return filters


def _shown_form(request, filters):
    """The filters' form about to be rendered, its dropdowns' options kept (an export never renders them)."""
    keep_model_choices(filters.form, request.user, type(filters).__name__)
    return filters.form


def _status(filters):
    return 200 if filters.valid else 400


def _filtered_or_page(request, render_export):
    """An export within the dashboard's filters; invalid filters show the dashboard with their errors."""
    filters = _filters(request)
    if not filters.valid:
        if policy.may(request.user, "steering.home"):
            return ministry_home(request)
        return render(request, "evaluation/dashboard.html", _dashboard(request, filters), status=400)
    return render_export(filters)


def _download(file_format, headers, rows, filename, title):
    if file_format == "csv":
        return csv_response(headers, rows, filename)
    return xlsx_response(headers, rows, filename, title)


@allowed("indicators.view")
def indicators_export(request, file_format):
    def export(filters):
        content = exports.indicator_file(request.user, filters, file_format)
        return file_response(content, file_format, f"indicateurs-vae-inversee-{timezone.localdate():%Y-%m-%d}")

    return _filtered_or_page(request, export)


@allowed("indicators.view")
def pathways_export(request, file_format):
    def export(filters):
        # A generator over the visible pathways, read in chunks: the file streams whatever their number.
        rows = exports.pathway_rows(filters.pathways())
        filename = f"parcours-vae-inversee-{timezone.localdate():%Y-%m-%d}"
        return _download(file_format, exports.PATHWAY_HEADERS, rows, filename, "Parcours")

    return _filtered_or_page(request, export)


# ---- the steering lists: every pathway (Ministry), those of the OPCO's scope ----------------------------


def _steering_list(request, template):
    filters = _filters(request, PortalSteeringFilter)
    # Invalid filters: the form says why, and the list is shown unfiltered.
    pathways = filters.pathways() if filters.valid else PortalSteeringFilter({}, user=request.user).pathways()
    sort = filters.sort_key() if filters.valid else None
    columns = [
        {"key": key, "label": label, **_sort_links(sort, key)}
        for key, label in [
            ("reference", "Référence"),
            ("phase", "Phase"),
            ("project_holder", "Porteur de projet"),
            ("project", "Projet"),
            ("region", "Région"),
            ("opco", "OPCO"),
            ("certification", "Certification"),
            ("level", "Niveau"),
            ("created", "Ouvert le"),
            ("updated", "Mis à jour"),
        ]
    ]
    if request.GET.get("format") in EXPORT_FORMATS:
        # Exactly the rows shown, sorted the same way, every page (the sort is the filters' `sort`).
        return STEERING_LIST.export(request.GET["format"], pathways)
    list_key = request.resolver_match.view_name
    context = {
        "form": _shown_form(request, filters),
        "columns": columns,
        "sort": sort,
        "filtered": filtered(request),
        "scope_label": scopes.scope_label(request.user),
        "list_key": list_key,
        "saved_filters": list(account_selectors.saved_filters_of(request.user, list_key)),
        "filters_query": request.GET.urlencode(),
        **paginate(request, pathways),
    }
    return render(request, template, context, status=_status(filters))


def _project(pathway):
    return (pathway.project.reference or pathway.project.title) if pathway.project_id else ""


# The steering lists sort through their filters (`?sort=`, evaluation.filters): the spec only exports.
STEERING_LIST = ListSpec(
    columns=[
        Column("reference", "Référence", None, lambda p: p.reference),
        Column("phase", "Phase", None, lambda p: p.get_phase_display()),
        Column("project_holder", "Porteur de projet", None, lambda p: p.project_holder.organisation.name),
        Column("project", "Projet", None, _project),
        Column("region", "Région", None, lambda p: p.project_holder.organisation.region),
        Column("opco", "OPCO", None, lambda p: p.employer.opco.code),
        Column("certification", "Certification", None, lambda p: p.certification.code),
        Column("level", "Niveau", None, lambda p: p.certification.level),
        Column("created", "Ouvert le", None, lambda p: local_date(p.created_at)),
        Column("updated", "Mis à jour", None, lambda p: local_moment(p.updated_at)),
    ],
    lists=["evaluation:steering_pathways", "evaluation:opco_pathways"],
    filename="parcours-vae-inversee",
    title="Parcours",
)


def _sort_links(current, key):
    """A column header's sort: the next sort on a click, and `aria-sort` when it is the current one."""
    current = current or ""
    if current == key:
        return {"next": f"-{key}", "aria_sort": "ascending"}
    if current == f"-{key}":
        return {"next": key, "aria_sort": "descending"}
    return {"next": key, "aria_sort": ""}


@allowed("steering.pathways")
def steering_pathways(request):
    return _steering_list(request, "evaluation/steering_list.html")


@allowed("steering.opco_pathways")
def opco_pathways(request):
    return _steering_list(request, "evaluation/opco_pathways.html")


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


# A dashboard table shows at most this many rows; the national data set has 2 000 certifications and 300
# project holders (a 1.5 MB page): the rest is in the indicators' exports, which the note under it links.
DASHBOARD_ROWS = 20


def _first_rows(rows, weight):
    """(rows shown, how many more): every row in its order when they fit, else the heaviest by `weight`."""
    rows = list(rows)
    if len(rows) <= DASHBOARD_ROWS:
        return rows, 0
    return sorted(rows, key=weight, reverse=True)[:DASHBOARD_ROWS], len(rows) - DASHBOARD_ROWS


def _dashboard(request, filters):
    """The indicators of what the user may see within the filters, with the charts' coordinates and rows: the
    part read from the figures kept with them (`indicators.kept`: a dashboard read again, even while the
    figures are being computed again, costs neither the figures' hundred thousand objects nor the charts)."""
    user = request.user
    view, up_to_date = indicators.kept(user, filters if filters.valid else None, "dashboard-view", _figures_view)
    return view | {
        "data": view["data"] | {"up_to_date": up_to_date},
        "filter_form": _shown_form(request, filters),
        "query": request.GET.urlencode() if filters.valid else "",
        "scope_label": scopes.scope_label(user),
    }


# The figures the dashboard's templates read besides the charts and rows (`data.…`).
DASHBOARD_FIGURES = ("computed_at", "total_pathways", "blocks", "filters")
DASHBOARD_FUNDING = ("files", "approved_files", "funded_pathways", "paid_total", "average_approved_per_pathway",
                     "average_paid_per_pathway")  # fmt: skip


def _figures_view(data):
    """The dashboard's charts, rows and texts, from the figures alone."""
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
    holder_rows, holders_more = _first_rows(data["by_project_holder"], lambda row: (row["ceiling_use"], row["count"]))
    holders = []
    for row in holder_rows:
        use = row["ceiling_use"]
        colour = charts.RED if use >= 100 else charts.ORANGE if use >= 80 else charts.BLUE_FRANCE
        holders.append(
            row | {"count_text": charts.format_number(row["count"]), "ceiling_text": charts.format_number(row["ceiling"]),
                   "use_text": charts.format_percent(use), "bar": charts.share(use, 100), "colour": colour}
        )  # fmt: skip
    project_rows, projects_more = _first_rows(data["by_project"], lambda row: (row["use"], row["count"]))
    projects = [
        row
        | {"count_text": charts.format_number(row["count"]), "granted_text": charts.format_number(row["granted"]),
           "use_text": charts.format_percent(row["use"]), "bar": charts.share(row["use"], 100),
           "colour": charts.RED if row["use"] >= 100 else charts.ORANGE if row["use"] >= 80 else charts.BLUE_FRANCE}
        for row in project_rows
    ]  # fmt: skip
    national = data["national_ceiling"]
    blocks = data["blocks"]
    abandoned = next(row["count"] for row in data["by_phase"] if row["phase"] == "abandoned")
    completed = next(row["count"] for row in data["by_phase"] if row["phase"] == "completed")
    return {
        "data": {name: data[name] for name in DASHBOARD_FIGURES}
        | {"funding": {name: funding[name] for name in DASHBOARD_FUNDING}},
        "filtered": bool(data["filters"]),
        "insertion": _insertion(data["outcomes"]),
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
        "dashboard_rows": DASHBOARD_ROWS,
        "holders_more": holders_more,
        "projects": projects,
        "projects_more": projects_more,
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
        "money_groups": [
            _money_group(key, caption, header, funding[group])
            for key, caption, header, group in (
                ("opco", "Par OPCO", "OPCO", "by_opco"),
                ("porteurs", "Par porteur de projet", "Porteur de projet", "by_project_holder"),
                ("projets", "Par projet", "Projet", "by_project"),
            )
        ],
    }


def _money_group(key, caption, header, rows):
    shown, more = _first_rows(rows, lambda row: (row["requested"], row["approved"]))
    return {"key": key, "caption": caption, "header": header, "rows": shown, "more": more}


def _insertion(outcome_data):
    """The insertion rates' rows, French-formatted: overall, then tables by certification, OPCO (and project)."""

    def texts(row, name=""):
        formatted = {"name": name}
        for moment in OutcomeMoment.values:
            rate = row[moment]["rate"]
            formatted[moment] = row[moment] | {"rate_text": "—" if rate is None else charts.format_percent(rate)}
        return formatted

    groups = [
        ("Par certification", "Certification", "by_certification", "table-insertion-certifications",
         lambda row: f"{row['certification']} — {row['label']}"),
        ("Par OPCO", "OPCO", "by_opco", "table-insertion-opco", lambda row: _opco_label(row)),
        ("Par projet", "Projet", "by_project", "table-insertion-projets", lambda row: row["label"]),
    ]  # fmt: skip
    tables = []
    for title, header, key, table_id, name in groups:
        if key in outcome_data:
            rows, more = _first_rows(
                outcome_data[key], lambda row: (row["exit"]["recorded"], row["six_months"]["recorded"])
            )
            tables.append((title, header, [texts(row, name(row)) for row in rows], table_id, more))
    return {"overall": texts(outcome_data), "tables": tables}


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


def _outcome_message(outcome, form):
    return f"Situation {outcome.get_at_display().lower()} enregistrée : {outcome.get_situation_display().lower()}."


@allowed("outcome.record")
@post_only("pathways:detail")
def outcome_record(request, pk):
    return act_on_pathway(
        request,
        pk,
        name="outcome_form",
        form=lambda pathway, data, files: OutcomeForm(data, moments=OutcomeMoment.values),
        act=lambda pathway, form: services.outcome_record(
            acting_user=request.user, pathway=pathway, **form.cleaned_data
        ),
        success=_outcome_message,
        anchor="situation",
    )


# ---- jury sessions (evaluation.sessions): a date for several candidates, then all their results -----------


def _session_url(certification, session_date):
    return reverse("evaluation:jury_session", args=[certification.pk, session_date.isoformat()])


def _certification_of(request, value):
    if not (value or "").isdigit() or len(value) > 18:
        raise Http404("Certification introuvable.")
    certification = selectors.session_certification(request.user, int(value))
    if certification is None:
        raise Http404("Certification introuvable, ou hors de votre périmètre.")
    return certification


@allowed("jury_session.bulk")
def jury_sessions(request):
    """The certifier's sessions, and step 1: a certification, a date, the candidates it gathers."""
    chosen = request.GET.get("certification")
    certification = _certification_of(request, chosen) if chosen else None
    form = None
    if certification is not None:
        initial = {"session_date": request.GET.get("date") or None}
        candidates = list(selectors.schedulable_pathways(request.user, certification))
        data = request.POST if request.method == "POST" else None
        form = SessionScheduleForm(data, pathways=candidates, initial=initial)
        if request.method == "POST" and form.is_valid():
            try:
                scheduled = sessions.jury_session_schedule(
                    acting_user=request.user,
                    certification=certification,
                    session_date=form.cleaned_data["session_date"],
                    pathways=form.cleaned_data["pathways"],
                )
            except sessions.JurySessionInvalid as error:
                form.add_session_errors(error.details)
            else:
                count = len(scheduled)
                day = form.cleaned_data["session_date"]
                messages.success(
                    request,
                    f"Session du {day:%d/%m/%Y} fixée pour {count} candidat{pluralize(count)} : "
                    "chacun est prévenu par e-mail.",
                )
                return HttpResponseRedirect(_session_url(certification, day))
    refused = request.method == "POST"
    if refused and certification is None:
        messages.error(request, "Choisissez d'abord la certification de la session.")
    return render(
        request,
        "evaluation/jury_sessions.html",
        {
            "sessions": selectors.jury_sessions(request.user),
            "certifications": list(selectors.session_certifications(request.user)),
            "certification": certification,
            "form": form,
        },
        status=400 if refused else 200,
    )


def _session_day(value):
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise Http404("Cette date n'existe pas.")


@allowed("jury_session.bulk")
def jury_session(request, certification, session_date):
    """Step 2: every candidate of the session on one page, their results recorded all at once, or none."""
    certification = _certification_of(request, certification)
    day = _session_day(session_date)
    pathways = selectors.session_pathways(request.user, certification, day)
    held = day <= timezone.localdate()
    data = request.POST if request.method == "POST" else None
    rows, forms = [], []
    for pathway in pathways:
        refusal = None if pathway.session_jury else policy.refusal(request.user, "jury.record", pathway)
        form = SessionJuryForm(data, pathway=pathway) if held and not pathway.session_jury and not refusal else None
        if form is not None:
            forms.append(form)
        rows.append({"pathway": pathway, "jury": pathway.session_jury, "form": form, "refusal": refusal})
    session_errors = []
    if request.method == "POST":
        if not forms:
            session_errors = ["Aucun résultat à enregistrer pour cette session pour l'instant."]
        elif all(form.is_valid() for form in forms):
            try:
                juries = sessions.jury_session_results_record(
                    acting_user=request.user,
                    certification=certification,
                    session_date=day,
                    results=[form.service_data() for form in forms],
                )
            except sessions.JurySessionInvalid as error:
                by_pathway = {form.pathway.pk: form for form in forms}
                for key, value in error.details.items():
                    if key in by_pathway:
                        by_pathway[key].add_session_errors(value)
                    else:
                        session_errors.extend(value)
            else:
                count = len(juries)
                messages.success(
                    request,
                    f"Résultats enregistrés pour {count} candidat{pluralize(count)} de la session du {day:%d/%m/%Y}.",
                )
                return HttpResponseRedirect(_session_url(certification, day))
    invalid = sum(1 for form in forms if form.errors)
    return render(
        request,
        "evaluation/jury_session.html",
        {
            "certification": certification,
            "session_date": day,
            "held": held,
            "rows": rows,
            "forms": forms,
            "invalid": invalid,
            "session_errors": session_errors,
        },
        status=400 if request.method == "POST" else 200,
    )
