"""The evaluation export of a process: every contribution of every feature, as one workbook.

In a process's evaluation phase staff export what residents contributed: comments, consultation comments with
their disposition, survey answers, opinion-map statements and votes. Each feature app registers an *evaluation
source* here in its AppConfig.ready(); the export (CSV per source, or one XLSX sheet per source) asks every source
for its table. Personal data (names, e-mail addresses) appears only for people who agreed to it, which the source
decides with ``include_personal``: when false, a source writes no names, only pseudonyms stable within the export.
"""

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise


@dataclass(frozen=True)
class EvaluationTable:
    key: str  # file or sheet name, e.g. "comments", "survey-answers"
    title: str | Promise
    columns: Sequence[str]
    rows: Iterable[Sequence[Any]]


EvaluationSource = Callable[..., list[EvaluationTable]]  # (process, *, include_personal: bool) -> tables

_sources: dict[str, EvaluationSource] = {}


def register_evaluation_source(key: str, source: EvaluationSource) -> None:
    """Register (or replace) the evaluation source ``key``."""
    _sources[key] = source


def evaluation_tables(process: Any, *, include_personal: bool = False) -> list[EvaluationTable]:
    """Every registered source's tables for ``process``, in the order of the sources' keys."""
    return [table for key in sorted(_sources) for table in _sources[key](process, include_personal=include_personal)]


# --- Pseudonyms and the files -----------------------------------------------------------------------------------


def pseudonym_for(process: Any, user: Any, *, kind: str = "person") -> str:
    """A pseudonym for ``user`` (an account or its id) in the evaluation of ``process`` ("P-1a2b3c4d5e"), the
    same in every table and every export of the process, different between processes, not traceable to the
    account without the platform's secret key. "" for a deleted account. Another ``kind`` pseudonymises a row
    that has no account (an anonymous survey response) without colliding with the persons."""
    import hashlib
    import hmac

    from django.conf import settings

    key = getattr(user, "pk", user)
    if key is None:
        return ""
    subject = f"{process.pk}:{key}" if kind == "person" else f"{process.pk}:{kind}:{key}"
    digest = hmac.new(settings.SECRET_KEY.encode(), f"evaluation:{subject}".encode(), hashlib.sha256).hexdigest()
    return f"P-{digest[:10]}"


def evaluation_zip(process: Any, *, include_personal: bool = False) -> bytes:
    """A zip with one CSV file per table (UTF-8 with byte-order mark) and a README naming the tables."""
    import io
    import zipfile

    from kommune.core.spreadsheets import csv_bytes

    buffer = io.BytesIO()
    tables = evaluation_tables(process, include_personal=include_personal)
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for table in tables:
            archive.writestr(f"{table.key}.csv", csv_bytes(table.columns, table.rows))
        archive.writestr("README.txt", "\n".join(
            [str(process), "", *(f"{table.key}.csv: {table.title}" for table in tables)]) + "\n")
    return buffer.getvalue()


def evaluation_xlsx(process: Any, *, include_personal: bool = False) -> bytes:
    """One workbook with a sheet per table."""
    from kommune.core.spreadsheets import xlsx_bytes

    tables = evaluation_tables(process, include_personal=include_personal)
    return xlsx_bytes((table.key, table.columns, table.rows) for table in tables)
