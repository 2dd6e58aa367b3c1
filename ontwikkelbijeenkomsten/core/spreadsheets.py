"""Tables for spreadsheets: CSV that Dutch Excel opens as columns, and XLSX with a sheet per table.

Text that starts like a formula gets a quote in front, so a name such as "=SUM(...)" typed into
a form is shown, never run (CSV injection).
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date

from openpyxl import Workbook
from openpyxl.styles import Font

#: Characters that make a spreadsheet read a cell as a formula.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """Text that a spreadsheet shows as text; numbers and dates stay what they are."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def csv_text(rows, *, number=str) -> str:
    """A byte order mark, columns separated by semicolons, lines ended by CRLF: what Excel with
    Dutch settings opens as columns. `number` writes a float (Dutch Excel wants "4,5"); dates
    are written as 2026-03-17."""
    def text(value):
        if isinstance(value, float):
            return number(value)
        if isinstance(value, date):
            return value.isoformat()
        return "" if value is None else safe_cell(str(value))

    out = io.StringIO()
    out.write("\ufeff")
    csv.writer(out, delimiter=";", lineterminator="\r\n").writerows([text(v) for v in row] for row in rows)
    return out.getvalue()


def csv_bytes(rows, *, number=str) -> bytes:
    """`csv_text` in UTF-8, for a download."""
    return csv_text(rows, number=number).encode("utf-8")


@dataclass(frozen=True)
class Sheet:
    title: str  # at most 31 characters, without []:*?/\ (Excel's rule for sheet names)
    rows: list[list]  # the first row is the header


def xlsx_bytes(sheets: list[Sheet]) -> bytes:
    """A workbook with one sheet per table, the header in bold and frozen."""
    book = Workbook()
    book.remove(book.active)
    for sheet in sheets:
        page = book.create_sheet(sheet.title[:31])
        for row in sheet.rows:
            page.append([safe_cell(value) for value in row])
        for cell in page[1]:
            cell.font = Font(bold=True)
        page.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
