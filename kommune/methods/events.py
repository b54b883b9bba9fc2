"""The events the methods library publishes (kommune.core.events).

A method written by a lab is published in the name of the lab's first member municipality (an event, a search
document and an outbox entry each belong to a municipality); a lab without municipalities publishes nothing.
Every event renews the library's cached pages (LIBRARY_PAGE_TAG, a site tag: the library is the installation's).
"""

from collections.abc import Iterable
from dataclasses import dataclass

from kommune.core.events import Event

LIBRARY_PAGE_TAG = "site:methods"


@dataclass(frozen=True)
class MethodEvent(Event):
    def page_tags(self) -> Iterable[str]:
        return (LIBRARY_PAGE_TAG,)


@dataclass(frozen=True)
class MethodSaved(MethodEvent):
    """target: the method, written or edited; data: version."""

    name = "methods.saved"
    requires = ("search", "opendata_records")


@dataclass(frozen=True)
class MethodUsesChanged(MethodEvent):
    """target: the process whose methods were set; data: methods (ids)."""

    name = "methods.uses_changed"
    requires = ("opendata_records",)


@dataclass(frozen=True)
class TemplateCopied(MethodEvent):
    """target: the copy (TemplateCopy) in the municipality it was copied into; data: template, origin."""

    name = "methods.template_copied"
    requires = ("opendata_records",)
