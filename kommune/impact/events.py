"""The events the impact app publishes (kommune.core.events)."""

from collections.abc import Iterable
from dataclasses import dataclass

from kommune.core.events import Event


@dataclass(frozen=True)
class ImpactEvent(Event):
    """target: the impact model."""

    def page_tags(self) -> Iterable[str]:
        return (f"impact-model:{self.target.pk}", "impact-models")


@dataclass(frozen=True)
class ImpactModelSaved(ImpactEvent):
    """An impact model created or changed (title, summary, publicity, steps, indicators)."""

    name = "impact.model_saved"


@dataclass(frozen=True)
class IndicatorValueEntered(ImpactEvent):
    """Staff entered a value of an indicator; data: indicator (id), period (ISO date)."""

    name = "impact.value_entered"


@dataclass(frozen=True)
class IndicatorsSnapshotted(ImpactEvent):
    """The measured indicators of a model got their monthly values; data: months (number)."""

    name = "impact.snapshotted"
