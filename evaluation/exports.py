"""CSV and XLSX exports with French headers: the indicators, and one row per pathway (streamed)."""

import csv
import tempfile
from decimal import Decimal

from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone

from pathways.enums import PathwayPhase

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
        ["Plafond des porteurs de projet", row["name"], row["count"], f"{row['ceiling_use']} % de {row['ceiling']}"]
        for row in data["by_project_holder"]
    ]
    national = data["national_ceiling"]
    rows.append(
        ["Plafond national", "Parcours ouverts", national["count"], f"{national['use']} % de {national['ceiling']}"]
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


class _Echo:
    def write(self, value):
        return value


def _cell(value):
    # Excel opens French CSVs with a decimal comma.
    if isinstance(value, Decimal | float):
        return f"{value:.2f}".replace(".", ",")
    return value


def csv_response(headers, rows, filename) -> StreamingHttpResponse:
    writer = csv.writer(_Echo(), delimiter=";")

    def stream():
        yield "\ufeff"  # BOM: Excel reads the accents as UTF-8.
        yield writer.writerow(headers)
        for row in rows:
            yield writer.writerow([_cell(value) for value in row])

    response = StreamingHttpResponse(stream(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response


def xlsx_response(headers, rows, filename, title) -> FileResponse:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    # write_only keeps memory flat however many rows; the file spools to disk past 5 MB.
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    bold = []
    for header in headers:
        cell = WriteOnlyCell(sheet, value=header)
        cell.font = Font(bold=True)
        bold.append(cell)
    sheet.append(bold)
    for row in rows:
        sheet.append(row)
    buffer = tempfile.SpooledTemporaryFile(max_size=5 * 1024 * 1024)
    workbook.save(buffer)
    buffer.seek(0)
    return FileResponse(
        buffer,
        as_attachment=True,
        filename=f"{filename}.xlsx",
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
