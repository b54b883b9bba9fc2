from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone

from kommune.core.models import Municipality

# Longer bodies are cut before indexing (PostgreSQL's tsvector is limited to 1 MB).
MAX_BODY_LENGTH = 100_000


class SearchDocument(models.Model):
    """The searchable text of one registered object, written only by kommune.core.search.backends.

    The full-text index lives next to it and is created by the migrations for the database in use:
    on PostgreSQL a generated ``search_vector`` tsvector column (german configuration) with a GIN index,
    on SQLite the FTS5 table ``search_searchdocument_fts`` holding the stemmed text under the same id.
    """

    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="+")
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField()
    kind = models.CharField(max_length=40)
    title = models.CharField(max_length=300, blank=True)
    body = models.TextField(blank=True)
    url = models.CharField(max_length=500)
    context = models.CharField(max_length=300, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["content_type", "object_id"], name="one_search_document_per_object"),
        ]
        indexes = [models.Index(fields=["municipality", "kind"], name="search_document_filter")]

    def __str__(self) -> str:
        return f"{self.kind} {self.object_id}"
