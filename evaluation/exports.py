"""The rows of the exports, with French headers: the indicators, and one row per pathway (a generator).

The doors write them as CSV or XLSX with vae_inversee.lib.spreadsheets.
"""

from django.utils import timezone

from pathways.enums import PathwayPhase
from vae_inversee.lib.spreadsheets import french_number

INDICATOR_HEADERS = ["Rubrique", "Libellé", "Valeur", "Complément"]
PATHWAY_HEADERS = [
    "Référence", "Phase", "Porteur de projet", "Région", "Employeur", "SIRET", "OPCO", "Certification",
    "Niveau", "Candidat", "Date de naissance", "Début du contrat", "Fin du contrat", "Motif d'abandon",
    "Créé le", "Dans la phase depuis",
]  # fmt: skip


def indicator_rows(data) -> list[list]:
    """The indicators flattened into rows: (section, label, value, extra)."""
    rows = [["Ensemble", "Parcours", data["total_pathways"], ""]]
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
    for row in data["funding"]["by_category"]:
        rows.append(["Financement demandé (€)", row["label"], row["requested"], ""])
        rows.append(["Financement accordé (€)", row["label"], row["approved"], ""])
    rows.append(["Financement demandé (€)", "Total", data["funding"]["requested_total"], ""])
    rows.append(["Financement accordé (€)", "Total", data["funding"]["approved_total"], ""])
    return rows


def pathway_rows(pathways):
    """One row per pathway, read in chunks (never the whole table in memory)."""
    queryset = pathways.select_related(
        "project_holder__organisation", "employer__opco", "certification", "candidate", "contract"
    ).order_by("pk")
    for pathway in queryset.iterator(chunk_size=500):
        contract = getattr(pathway, "contract", None)
        yield [
            pathway.reference, PathwayPhase(pathway.phase).label, pathway.project_holder.organisation.name,
            pathway.project_holder.organisation.region, pathway.employer.name, pathway.employer.siret,
            pathway.employer.opco.code, pathway.certification.code, pathway.certification.level or "",
            f"{pathway.candidate.last_name} {pathway.candidate.first_name}", pathway.candidate.birth_date,
            contract.start_date if contract else "", contract.end_date if contract else "",
            pathway.abandon_reason, timezone.localtime(pathway.created_at).date(),
            timezone.localtime(pathway.phase_changed_at).date(),
        ]  # fmt: skip
