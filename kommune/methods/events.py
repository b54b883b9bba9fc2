"""The events the methods library publishes (kommune.core.events).

A method written by a lab is published in the name of the lab's first member municipality (an event, a search
document and an outbox entry each belong to a municipality); a lab without municipalities publishes nothing.
No page of the library is in the page cache, so no event names cached pages.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from kommune.core.events import Event


@dataclass(frozen=True)
class MethodEvent(Event):
    def page_tags(self) -> Iterable[str]:
        return ()


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
