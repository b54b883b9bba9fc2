"""The build state of each record set of each municipality (imported by kommune.opendata.models)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from kommune.core.models import Municipality


class RecordSetState(models.Model):
    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=60)  # kommune.core.records.RecordSet.key
    # The latest change reported by an event since the last build; None when the published files are up to date.
    # A build clears it only if it did not move meanwhile, so a change during a build is never lost.
    changed_at = models.DateTimeField(null=True, blank=True)
    built_at = models.DateTimeField(null=True, blank=True)
    row_count = models.PositiveBigIntegerField(null=True, blank=True)
    error = models.TextField(blank=True)  # of the last failed build, empty after a successful one

    class Meta:
        app_label = "opendata"
        verbose_name = _("state of a participation record set")
        verbose_name_plural = _("states of the participation record sets")
        constraints = [models.UniqueConstraint(fields=["municipality", "key"], name="one_state_per_record_set")]

    def __str__(self) -> str:
        return f"{self.municipality} – {self.key}"
