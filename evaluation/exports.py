"""The rows of the exports, with French headers: the indicators, and one row per pathway (a generator).

The doors write them as CSV or XLSX with vae_inversee.lib.spreadsheets.
"""

from django.utils import timezone

from evaluation import indicators
from evaluation.enums import OutcomeMoment
from pathways.enums import PathwayPhase
from vae_inversee.lib.spreadsheets import french_number, spreadsheet_bytes

INDICATOR_HEADERS = ["Rubrique", "Libellé", "Valeur", "Complément"]
PATHWAY_HEADERS = [
    "Référence", "Phase", "Porteur de projet", "Région", "Employeur", "SIRET", "OPCO", "Certification",
    "Niveau", "Candidat", "Date de naissance", "Début du contrat", "Fin du contrat", "Motif d'abandon",
    "Créé le", "Dans la phase depuis", "Projet", "Situation à la sortie", "Situation à six mois",
]  # fmt: skip
FILTER_LABELS = {
    "created_from": "Ouverts à partir du",
    "created_to": "Ouverts jusqu'au",
    "region": "Région",
    "opco": "OPCO",
    "project_holder": "Porteur de projet",
    "level": "Niveau de certification",
    "project": "Projet",
}
MOMENTS = {"exit": "à la sortie", "six_months": "à six mois"}


def _rate_text(figures):
    rate = f"{figures['rate']} %".replace(".", ",") if figures["rate"] is not None else "—"
    return f"{rate} ({figures['employed']} en emploi sur {figures['recorded']} situation(s) enregistrée(s))"


def outcome_rows(outcomes) -> list[list]:
    rows = []
    for moment, words in MOMENTS.items():
        rate = outcomes[moment]["rate"]
        rows.append([f"Insertion {words}", "Ensemble", "" if rate is None else rate, _rate_text(outcomes[moment])])
        for group, label in (("by_certification", "certification"), ("by_opco", "OPCO"), ("by_project", "projet")):
            for row in outcomes.get(group, []):
                rows.append(
                    [f"Insertion {words} par {label}", row["label"] or "—",
                     row[moment]["rate"] if row[moment]["rate"] is not None else "", _rate_text(row[moment])]
                )  # fmt: skip
    rows += [
        [f"Situations {MOMENTS[row['at']]}", row["label"], row["count"], ""]
        for row in outcomes["by_situation"]
        if row["count"]
    ]
    return rows


def indicator_rows(data) -> list[list]:
    """The indicators flattened into rows: (section, label, value, extra)."""
    rows = [["Filtres", FILTER_LABELS.get(name, name), value, ""] for name, value in data.get("filters", {}).items()]
    rows.append(["Ensemble", "Parcours", data["total_pathways"], ""])
    rows += [["Parcours par phase", row["label"], row["count"], ""] for row in data["by_phase"]]
    rows += [["Parcours par OPCO", row["label"] or "—", row["count"], row["opco"] or ""] for row in data["by_opco"]]
    rows += [["Parcours par région", row["region"], row["count"], ""] for row in data["by_region"]]
    rows += [["Parcours par niveau de certification", row["label"], row["count"], ""] for row in data["by_level"]]
    rows += [
        [
            "Plafond des porteurs de projet",
            row["name"],
            row["count"],
            f"{french_number(row['ceiling_use'])} % de {row['ceiling']}",
        ]
        for row in data["by_project_holder"]
    ]
    rows += [
        ["Accord des projets", f"{row['reference'] or ''} — {row['title']}".strip(" —"), row["count"],
         f"{french_number(row['use'])} % de {row['granted']}"]
        for row in data["by_project"]
    ]  # fmt: skip
    national = data["national_ceiling"]
    rows.append(
        [
            "Plafond national",
            "Parcours ouverts",
            national["count"],
            f"{french_number(national['use'])} % de {national['ceiling']}",
        ]
    )
    rows += [["Abandons par motif", row["reason"], row["count"], ""] for row in data["dropouts"]]
    rows += [["Résultats de jury", row["label"], row["count"], ""] for row in data["jury_outcomes"]]
    rows.append(["Blocs de compétences", "Blocs évalués par un jury", data["blocks"]["assessed"], ""])
    rows.append(["Blocs de compétences", "Blocs validés", data["blocks"]["validated"], ""])
    rows += [
        ["Durée médiane par phase (jours)", row["label"], row["median_days"] if row["median_days"] is not None else "",
         f"{row['stays']} passage(s)"]
        for row in data["median_days_per_phase"]
    ]  # fmt: skip
    funding = data["funding"]
    for row in funding["by_category"]:
        rows.append(["Financement demandé (€)", row["label"], row["requested"], ""])
        rows.append(["Financement accordé (€)", row["label"], row["approved"], ""])
        rows.append(["Financement payé (€)", row["label"], row["paid"], ""])
    rows.append(["Financement demandé (€)", "Total", funding["requested_total"], ""])
    rows.append(["Financement accordé (€)", "Total", funding["approved_total"], ""])
    rows.append(["Financement payé (€)", "Total", funding["paid_total"], ""])
    for section, key in (("OPCO", "by_opco"), ("porteur de projet", "by_project_holder"), ("projet", "by_project")):
        for row in funding[key]:
            for label, value in (("demandé", row["requested"]), ("accordé", row["approved"]), ("payé", row["paid"])):
                rows.append([f"Financement {label} par {section} (€)", row["label"], value, ""])
    rows.append(["Parcours financés", "Avec un dossier accordé", funding["funded_pathways"], ""])
    # An average of nothing is not zero: without a funded pathway there is no average cost to show.
    for label, key in (("Accordé", "average_approved_per_pathway"), ("Payé", "average_paid_per_pathway")):
        if funding[key] is not None:
            rows.append(["Coût moyen par parcours financé (€)", label, funding[key], ""])
    return rows + outcome_rows(data["outcomes"])


def indicator_file(user, filters, file_format) -> bytes:
    """The indicators as a "csv" or "xlsx" file, kept like the figures (`indicators.kept`): at 100 000 pathways
    the workbook's thousands of rows took ~0.4 s to write for every download of the same figures."""

    def write(data):
        return spreadsheet_bytes(file_format, INDICATOR_HEADERS, indicator_rows(data), "Indicateurs")

    return indicators.kept(user, filters, f"indicators-file:{file_format}", write)[0]


def pathway_rows(pathways):
    """One row per pathway, read in chunks (never the whole table in memory)."""
    queryset = (
        pathways.select_related(
            "project_holder__organisation", "project", "employer__opco", "certification", "candidate", "contract"
        )
        .prefetch_related("outcomes")
        .order_by("pk")
    )
    for pathway in queryset.iterator(chunk_size=500):
        contract = getattr(pathway, "contract", None)
        situations = {outcome.at: outcome for outcome in pathway.outcomes.all()}
        yield [
            pathway.reference, PathwayPhase(pathway.phase).label, pathway.project_holder.organisation.name,
            pathway.project_holder.organisation.region, pathway.employer.name, pathway.employer.siret,
            pathway.employer.opco.code, pathway.certification.code, pathway.certification.level or "",
            f"{pathway.candidate.last_name} {pathway.candidate.first_name}", pathway.candidate.birth_date,
            contract.start_date if contract else "", contract.end_date if contract else "",
            pathway.abandon_reason, timezone.localtime(pathway.created_at).date(),
            timezone.localtime(pathway.phase_changed_at).date(),
            (pathway.project.reference or pathway.project.title) if pathway.project_id else "",
            *(_situation(situations.get(moment)) for moment in OutcomeMoment.values),
        ]  # fmt: skip


def _situation(outcome) -> str:
    if outcome is None:
        return ""
    if outcome.contract_type:
        return f"{outcome.get_situation_display()} ({outcome.get_contract_type_display()})"
    return outcome.get_situation_display()
