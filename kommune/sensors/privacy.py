"""Fine-dust sensors in a person's data export. On account deletion the person's sensors go with their readings
(services.delete_sensors_of): a sensor hangs at its owner's home, so its exact place is personal."""

from django.db.models import Count, Max, Min

from kommune.sensors.models import Sensor


def export_sensors(user) -> list[dict]:
    sensors = (Sensor.objects.filter(owner=user).select_related("municipality")
               .annotate(readings_count=Count("readings"), first=Min("readings__measured_at"),
                         last=Max("readings__measured_at")).order_by("created_at", "pk"))
    return [
        {"municipality": s.municipality.name, "name": s.name, "place": s.place, "chip_id": s.chip_id,
         "latitude": str(s.latitude), "longitude": str(s.longitude),
         "exact_location_public": s.exact_location_public, "registered_at": s.created_at.isoformat(),
         "readings": s.readings_count, "first_reading_at": s.first.isoformat() if s.first else None,
         "last_reading_at": s.last.isoformat() if s.last else None,
         "readings_as_csv": s.get_absolute_url() + "datapackage.json"}
        for s in sensors
    ]
