"""How the fine-dust sensors plug into the core registries: search, follows and their notifications, privacy and
open data. Called once from SensorsConfig.ready()."""

from django.utils.translation import gettext_lazy as _

from kommune.core.search.registry import SearchDocumentData
from kommune.sensors.events import SensorLimitExceeded, SensorRegistered, SensorRemoved, SensorUpdated
from kommune.sensors.models import Sensor


def search_document(sensor: Sensor) -> SearchDocumentData | None:
    """A sensor is found by its name and its public place (never by its exact coordinates)."""
    body = "\n".join(part for part in (sensor.place, str(_("Fine-dust sensor")), "Feinstaub PM10 PM2,5") if part)
    return SearchDocumentData(municipality=sensor.municipality, title=sensor.name, body=body,
                              url=sensor.get_absolute_url())


def search_queryset():
    return Sensor.objects.select_related("municipality")


def register() -> None:
    register_home_link()
    from kommune.core.notifications.followables import register_followable
    from kommune.core.notifications.verbs import register_verb
    from kommune.core.privacy import register_anonymiser, register_exporter
    from kommune.core.search.registry import register_searchable
    from kommune.sensors import privacy, records, services

    register_verb(SensorRegistered, _("New fine-dust sensor: “%(title)s”"))
    register_verb(SensorLimitExceeded, _("The fine-dust sensor “%(title)s” measured a PM10 daily mean above the EU "
                                         "limit of 50 µg/m³"))
    register_followable(Sensor)
    register_searchable(Sensor, kind="sensor", label=_("Fine-dust sensor"), document=search_document,
                        queryset=search_queryset, index_on=(SensorRegistered, SensorUpdated),
                        remove_on=(SensorRemoved,))
    register_exporter("sensors", privacy.export_sensors, covers=["sensors.Sensor.owner"])
    register_anonymiser("sensors", services.delete_sensors_of)
    records.register()


def register_home_link() -> None:
    """The feature's entry in the home page's "Take part" section (kommune/core/home_sections.py)."""
    from kommune.core.home_sections import HomeLink
    from kommune.core.home_sections import register_home_link as register

    register(HomeLink("sensors", _("Measure fine dust"),
                      _("Readings of residents' fine-dust sensors, and how to connect your own."),
                      "sensors:list", order=50))
