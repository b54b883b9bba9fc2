"""How the details of an audit-log entry read for a person: a label per key and action, and a formatter per value.

Core describes the keys its own actions write; a feature registers the keys of its actions
(``register_audit_detail``) from its AppConfig.ready(), so the log never shows a raw key such as ``in_time`` and a
paper signature list is not shown as a "number of codes".
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kommune.core.models import AuditLogEntry, PageKind, Role


@dataclass(frozen=True)
class AuditDetail:
    label: Any  # a lazy translation
    format: Callable[[Any], str] | None = None


_DETAILS: dict[tuple[str | None, str], AuditDetail] = {}


def register_audit_detail(key: str, label, *, action: str | None = None, format: Callable[[Any], str] | None = None):
    """Describe the detail ``key`` (of one ``action``, or of every action that has no entry of its own)."""
    _DETAILS[(action, key)] = AuditDetail(label, format)


def readable_value(value: Any) -> str:
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, list | tuple):
        return ", ".join(readable_value(item) for item in value)
    return str(value)


def readable_date(value: Any) -> str:
    try:
        return formats.date_format(date.fromisoformat(str(value)), "SHORT_DATE_FORMAT")
    except ValueError:
        return str(value)


def describe_details(entry: AuditLogEntry) -> list[tuple[str, str]]:
    """The entry's details as (label, value) pairs a person can read."""
    readable = []
    for key, value in (entry.details or {}).items():
        if value in ("", None, {}, []):
            continue
        detail = _DETAILS.get((entry.action, key)) or _DETAILS.get((None, key))
        if detail is None:
            readable.append((key.replace("_", " ").capitalize(), readable_value(value)))
            continue
        readable.append((str(detail.label), (detail.format or readable_value)(value)))
    return readable


def _role(value: Any) -> str:
    return str(Role(value).label) if value in Role.values else str(value)


def _page(value: Any) -> str:
    return str(PageKind(value).label) if value in PageKind.values else str(value)


register_audit_detail("role", gettext_lazy("Role"), format=_role)
register_audit_detail("organisation", gettext_lazy("Organisation"))
register_audit_detail("page", gettext_lazy("Page"), format=_page)
register_audit_detail("batch", gettext_lazy("Letter code batch"), format=lambda value: f"Nr. {value}")
register_audit_detail("count", gettext_lazy("Number of codes"), action=AuditLogEntry.Action.LETTER_CODES_CREATED)
register_audit_detail("birth_date_recorded", gettext_lazy("Date of birth recorded"),
                      action=AuditLogEntry.Action.RESIDENT_VERIFIED)
