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
