"""CSV and XLSX downloads of rows (the exports of the portal and the API), streamed or spooled."""

import csv
import datetime
import io
import itertools
from decimal import Decimal

from django.http import FileResponse, StreamingHttpResponse
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

# XLSX: typed cells shown the French way, widths from the content (within bounds), header frozen.
EUROS_FORMAT = '#,##0.00\\ "€"'
DATE_FORMAT = "DD/MM/YYYY"
WIDTH_SAMPLE = 200  # rows read ahead to size the columns (the rest streams after them)
MIN_WIDTH, MAX_WIDTH = 8, 60
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


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


def french_number(value, places=1) -> str:
    """70.0 → "70,0"; the figures of a text cell (a percentage) written like the numbers beside them."""
    return f"{value:.{places}f}".replace(".", ",")


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
    elif isinstance(value, Decimal):
        cell.number_format = EUROS_FORMAT  # the exports' decimals are amounts in euros
    elif isinstance(value, datetime.date):
        cell.number_format = DATE_FORMAT
    return cell


def _shown_length(value) -> int:
    if isinstance(value, datetime.date):
        return 10
    if isinstance(value, Decimal | float):
        return len(f"{value:,.2f}") + 2
    return max((len(line) for line in str(value if value is not None else "").splitlines()), default=0)


def _widths(headers, sample):
    widths = []
    for index, header in enumerate(headers):
        longest = max([len(str(header))] + [_shown_length(row[index]) for row in sample if index < len(row)])
        widths.append(min(max(longest + 2, MIN_WIDTH), MAX_WIDTH))
    return widths


def _csv_lines(headers, rows):
    writer = csv.writer(_Echo(), delimiter=";")
    yield "\ufeff"  # BOM: Excel reads the accents as UTF-8.
    yield writer.writerow(headers)
    for row in rows:
        yield writer.writerow([_cell(value) for value in row])


def csv_response(headers, rows, filename) -> StreamingHttpResponse:
    """The rows streamed as they are read (an export of every pathway never sits in memory)."""
    response = StreamingHttpResponse(_csv_lines(headers, rows), content_type=CONTENT_TYPES["csv"])
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response


def xlsx_bytes(headers, rows, title) -> bytes:
    """The workbook: one sheet named `title`, a bold frozen header, typed cells, widths from the content."""
    # write_only keeps memory flat however many rows while they are written.
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    rows = iter(rows)
    sample = list(itertools.islice(rows, WIDTH_SAMPLE))
    # Set before the first row: a write-only sheet writes its columns and panes ahead of the cells.
    for index, width in enumerate(_widths(headers, sample), start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    bold = []
    for header in headers:
        cell = WriteOnlyCell(sheet, value=header)
        cell.font = Font(bold=True)
        bold.append(cell)
    sheet.append(bold)
    for row in itertools.chain(sample, rows):
        sheet.append([_xlsx_cell(sheet, value) for value in row])
    # The compressed workbook in memory (a tenth of the rows' size): nothing left open on disk.
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def spreadsheet_bytes(file_format, headers, rows, title) -> bytes:
    """The whole file, "csv" or "xlsx", as bytes: for a file small enough to be kept (the indicators)."""
    if file_format == "csv":
        return "".join(_csv_lines(headers, rows)).encode()
    return xlsx_bytes(headers, rows, title)


def file_response(content: bytes, file_format, filename) -> FileResponse:
    """A download of a file already written (`spreadsheet_bytes`), "csv" or "xlsx"."""
    return FileResponse(
        io.BytesIO(content),
        as_attachment=True,
        filename=f"{filename}.{file_format}",
        content_type=CONTENT_TYPES[file_format],
    )


def xlsx_response(headers, rows, filename, title) -> FileResponse:
    return file_response(xlsx_bytes(headers, rows, title), "xlsx", filename)
