"""The consideration table as files: CSV, ODS, XLSX (kommune.core.spreadsheets) and PDF (WeasyPrint)."""

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from kommune.consultations.models import Consultation
from kommune.consultations.selectors import TableRow, table_records
from kommune.core.spreadsheets import csv_bytes, ods_bytes, xlsx_bytes

FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}


def column_titles() -> list[str]:
    return [_("No."), _("Chapter"), _("Paragraph"), _("Passage"), _("Comment"), _("Received"), _("Disposition"),
            _("Answer")]


def table_file(consultation: Consultation, rows: list[TableRow], file_format: str) -> bytes:
    records = table_records(rows)
    if file_format == "csv":
        return csv_bytes(column_titles(), records)
    sheet = (_("Consideration table"), column_titles(), records)
    if file_format == "ods":
        return ods_bytes([sheet])
    if file_format == "xlsx":
        return xlsx_bytes([sheet])
    if file_format == "pdf":
        return table_pdf(consultation, rows)
    raise ValueError(file_format)


def table_pdf(consultation: Consultation, rows: list[TableRow]) -> bytes:
    from weasyprint import HTML  # type: ignore[import-untyped]

    html = render_to_string("consultations/table_pdf.html", {
        "consultation": consultation, "rows": rows, "now": timezone.now(), "columns": column_titles()})
    return HTML(string=html).write_pdf()
