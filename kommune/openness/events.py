"""The events the openness app publishes (kommune.core.events)."""

from dataclasses import dataclass

from kommune.core.events import Event


@dataclass(frozen=True)
class OpennessReportPublished(Event):
    """target: the municipality's report, published or rebuilt (a lab's report publishes no event)."""

    name = "openness.report_published"
    requires = ("opendata_records", "pagecache", "search")

