"""Published datasets are found by the site search (kind "dataset")."""

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from kommune.core.search.registry import SearchDocumentData, register_searchable
from kommune.opendata.events import DatasetDeleted, DatasetPublished, DatasetUnpublished, DatasetUpdated
from kommune.opendata.models import Dataset, Theme


def dataset_document(dataset: Dataset) -> SearchDocumentData | None:
    if not dataset.is_published:
        return None
    themes = dict(Theme.choices)
    with translation.override(settings.LANGUAGE_CODE):  # the index is in the site's language, whoever wrote
        theme_names = ", ".join(str(themes.get(theme, theme)) for theme in dataset.themes or ())
    body = [dataset.description, ", ".join(dataset.keywords or ()), theme_names, dataset.publisher_name]
    return SearchDocumentData(municipality=dataset.municipality, title=dataset.title,
                              body="\n".join(part for part in body if part), url=dataset.get_absolute_url())


def register() -> None:
    register_searchable(
        Dataset, kind="dataset", label=_("Dataset"), document=dataset_document,
        queryset=lambda: Dataset.objects.filter(is_published=True).select_related("municipality", "publisher"),
        index_on=(DatasetPublished, DatasetUpdated), remove_on=(DatasetUnpublished, DatasetDeleted),
    )
