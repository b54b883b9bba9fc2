"""The events the co-design app publishes (kommune.core.events)."""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import cast

from kommune.codesign.models import Service
from kommune.core.events import Event, Visibility
from kommune.core.pagecache import register_page_tags


def service_page_tags(service: Service) -> tuple[str, ...]:
    """The cached pages that show a service: its own pages and the list of services."""
    return (f"codesign-service:{service.pk}", "codesign-services")


register_page_tags(Service, service_page_tags)


@dataclass(frozen=True)
class ServiceEvent(Event):
    """target: the service; scope: its process, if any."""

    def page_tags(self) -> Iterable[str]:
        return service_page_tags(cast(Service, self.target))


@dataclass(frozen=True)
class ServicePublished(ServiceEvent):
    name = "codesign.service_published"
    requires = ("notifications", "search", "opendata_records", "pagecache")
    visibility = Visibility.PUBLISHED


@dataclass(frozen=True)
class ServiceSaved(ServiceEvent):
    """The service or one of its steps was created or changed (data: what)."""

    name = "codesign.service_saved"
    requires = ("search", "opendata_records", "pagecache")


@dataclass(frozen=True)
class StepRated(ServiceEvent):
    """A rating was stored or changed (data: step, channel). Nobody is notified."""

    name = "codesign.step_rated"
    requires = ("opendata_records", "pagecache")


@dataclass(frozen=True)
class ChangePublished(ServiceEvent):
    """The municipality published what it changed (data: title, changed_on); the followers hear of it."""

    name = "codesign.change_published"
    requires = ("notifications", "opendata_records", "pagecache")
