"""Excel exports (.xlsx with Chinese headers) that stay small in memory:
openpyxl's write-only mode streams rows to a temporary file, which is then
sent in chunks, so a million rows never sit in memory at once. Text that a
spreadsheet would take for a formula is written as text (``_cell``)."""

from __future__ import annotations

import tempfile
from collections.abc import Iterable
from urllib.parse import quote

from django.http import FileResponse
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def write_workbook(out, title: str, headers: list[str], rows: Iterable[Iterable]) -> int:
    """Write one sheet; returns the number of data rows."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=title[:31])
    bold = Font(bold=True)
    head = []
    for text in headers:
        cell = WriteOnlyCell(sheet, value=text)
        cell.font = bold
        head.append(cell)
    sheet.append(head)
    n = 0
    for row in rows:
        sheet.append([_cell(sheet, value) for value in row])
        n += 1
    book.save(out)
    return n


# What spreadsheet programs read as the start of a formula (OWASP "CSV
# injection"): a resident's "=HYPERLINK(…)" must stay the text they typed.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _cell(sheet, value):
    """Text that looks like a formula becomes an explicit string cell with
    Excel's quote prefix: shown exactly as typed, never evaluated (not even
    when someone edits the cell); everything else is written as it is."""
    if not isinstance(value, str) or not value.startswith(FORMULA_STARTS):
        return value
    cell = WriteOnlyCell(sheet, value=value)
    cell.data_type = "s"
    cell.quotePrefix = True
    return cell


def workbook_response(title: str, headers: list[str], rows: Iterable[Iterable]) -> FileResponse:
    spool = tempfile.TemporaryFile()  # noqa: SIM115 — the response closes (and so removes) it
    write_workbook(spool, title, headers, rows)
    spool.seek(0)
    response = FileResponse(spool, content_type=CONTENT_TYPE)
    filename = f"{title}.xlsx"
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response
