"""CSV and XLSX downloads of rows (the exports of the portal and the API), streamed or spooled."""

import csv
import io
from decimal import Decimal

from django.http import FileResponse, StreamingHttpResponse
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font


class _Echo:
    def write(self, value):
        return value


# A cell starting with one of these is read as a formula by spreadsheet programs (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralised(value):
    """Text that a spreadsheet would run as a formula, prefixed with an apostrophe so it stays text."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _cell(value):
    # Excel opens French CSVs with a decimal comma.
    if isinstance(value, Decimal | float):
        return f"{value:.2f}".replace(".", ",")
    return neutralised(value)


def _xlsx_cell(sheet, value):
    cell = WriteOnlyCell(sheet, value=neutralised(value))
    if isinstance(value, str):
        # Never a formula, whatever it starts with: openpyxl would store "=…" as one.
        cell.data_type = "s"
    return cell


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
    # write_only keeps memory flat however many rows while they are written.
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    bold = []
    for header in headers:
        cell = WriteOnlyCell(sheet, value=header)
        cell.font = Font(bold=True)
        bold.append(cell)
    sheet.append(bold)
    for row in rows:
        sheet.append([_xlsx_cell(sheet, value) for value in row])
    # The compressed workbook in memory (a tenth of the rows' size): nothing left open on disk if the
    # response is never closed.
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    return FileResponse(
        buffer,
        as_attachment=True,
        filename=f"{filename}.xlsx",
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
