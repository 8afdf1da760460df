"""CSV and XLSX downloads of rows (the exports of the portal and the API), streamed or spooled."""

import csv
import tempfile
from decimal import Decimal

from django.http import FileResponse, StreamingHttpResponse
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font


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
