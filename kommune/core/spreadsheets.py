"""CSV cells that a spreadsheet program opens as text, never as a formula (CSV injection, as OWASP advises).

A cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return may be run as a formula by Excel or
LibreOffice when a person opens the file; written with a leading single quote, it is shown as the text it is.
Only text is changed: numbers, dates and booleans are written by the callers as they are, so ``-3`` stays a
number. JSON files keep the exact text.
"""

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(text: str) -> str:
    """``text`` with a leading single quote if a spreadsheet would read it as a formula."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text



# --- Writing tables: CSV, XLSX (openpyxl) and ODS (odfpy) --------------------------------------------------------
# A sheet is (name, column titles, rows); cells are str, int, float, bool, date/datetime or None. Text cells go
# through spreadsheet_safe in CSV only: XLSX and ODS store text as text, never as a formula.

import csv  # noqa: E402
import io  # noqa: E402
import re  # noqa: E402
from collections.abc import Iterable, Sequence  # noqa: E402
from datetime import date, datetime  # noqa: E402
from typing import Any  # noqa: E402

Sheet = tuple[str, Sequence[str], Iterable[Sequence[Any]]]
_ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.isoformat()
    return str(value)


def csv_bytes(columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    """UTF-8 with a byte-order mark (so that Excel reads the umlauts), semicolons are not needed: commas."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([spreadsheet_safe(str(column)) for column in columns])
    for row in rows:
        writer.writerow([spreadsheet_safe(cell) if isinstance(cell, str) else _text(cell) for cell in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _sheet_title(name: str, used: set[str]) -> str:
    title = re.sub(r"[\[\]:*?/\\]", "-", name)[:31] or "Sheet"
    candidate, number = title, 2
    while candidate.lower() in used:
        suffix = f" ({number})"
        candidate, number = title[:31 - len(suffix)] + suffix, number + 1
    used.add(candidate.lower())
    return candidate


def _xlsx_cell(sheet, value: Any) -> Any:
    """Text always as text: openpyxl would store a string that starts with "=" as a formula."""
    from openpyxl.cell import WriteOnlyCell

    if isinstance(value, str):
        cell = WriteOnlyCell(sheet, value=_ILLEGAL_XML.sub("", value))
        cell.data_type = "s"
        return cell
    if isinstance(value, datetime):
        return value.replace(tzinfo=None)
    return value


def xlsx_bytes(sheets: Iterable[Sheet]) -> bytes:
    """One workbook with a sheet per table, the first row in bold and frozen."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    used: set[str] = set()
    for name, columns, rows in sheets:
        sheet = workbook.create_sheet(_sheet_title(name, used))
        sheet.freeze_panes = "A2"
        header = []
        for column in columns:
            cell = WriteOnlyCell(sheet, value=str(column))
            cell.font = Font(bold=True)
            header.append(cell)
        sheet.append(header)
        for row in rows:
            sheet.append([_xlsx_cell(sheet, value) for value in row])
    if not used:
        workbook.create_sheet("Sheet")
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def ods_bytes(sheets: Iterable[Sheet]) -> bytes:
    """An OpenDocument spreadsheet with a sheet per table."""
    from odf.opendocument import OpenDocumentSpreadsheet  # type: ignore[import-untyped]
    from odf.style import Style, TextProperties  # type: ignore[import-untyped]
    from odf.table import Table, TableCell, TableRow  # type: ignore[import-untyped]
    from odf.text import P  # type: ignore[import-untyped]

    document = OpenDocumentSpreadsheet()
    bold = Style(name="Heading", family="table-cell")
    bold.addElement(TextProperties(fontweight="bold"))
    document.automaticstyles.addElement(bold)

    def cell(value: Any, style=None) -> TableCell:
        attributes: dict[str, Any] = {"stylename": style} if style is not None else {}
        if isinstance(value, bool):
            result = TableCell(valuetype="boolean", booleanvalue="true" if value else "false", **attributes)
        elif isinstance(value, int | float):
            result = TableCell(valuetype="float", value=value, **attributes)
        elif isinstance(value, date) and not isinstance(value, datetime):
            result = TableCell(valuetype="date", datevalue=value.isoformat(), **attributes)
        else:
            result = TableCell(valuetype="string", **attributes)
        text = _ILLEGAL_XML.sub("", _text(value))
        for line in text.split("\n") if text else []:
            result.addElement(P(text=line))
        return result

    used: set[str] = set()
    for name, columns, rows in sheets:
        table = Table(name=_sheet_title(name, used))
        header = TableRow()
        for column in columns:
            header.addElement(cell(str(column), bold))
        table.addElement(header)
        for row in rows:
            line = TableRow()
            for value in row:
                line.addElement(cell(value))
            table.addElement(line)
        document.spreadsheet.addElement(table)
    if not used:
        document.spreadsheet.addElement(Table(name="Sheet"))
    buffer = io.BytesIO()
    document.write(buffer)
    return buffer.getvalue()
