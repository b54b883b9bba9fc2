"""The lab workspace in the site search: public sub-projects and public news, found in the municipality where
the sub-project runs (its first) or the lab's first municipality. Internal items are never indexed: their
document is None, so a change to internal removes them."""

from django.utils.translation import gettext_lazy as _

from kommune.core.search.registry import SearchDocumentData, register_searchable
from kommune.labs import events, selectors
from kommune.labs.models import News, SubProject


def subproject_document(subproject: SubProject) -> SearchDocumentData | None:
    if not subproject.is_public:
        return None
    municipality = selectors.home_municipality(subproject.lab, subproject)
    if municipality is None:
        return None
    return SearchDocumentData(municipality=municipality, title=subproject.title,
                              body="\n".join(part for part in (subproject.goal, subproject.description) if part),
                              url=subproject.get_absolute_url(), context=subproject.lab.name)


def news_document(news: News) -> SearchDocumentData | None:
    if not news.is_public:
        return None
    municipality = selectors.home_municipality(news.lab, news.subproject)
    if municipality is None:
        return None
    return SearchDocumentData(municipality=municipality, title=news.title, body=news.text,
                              url=news.get_absolute_url(), context=news.lab.name)


def _news_of(obj) -> object:
    return News.objects.filter(subproject=obj).select_related("lab", "subproject") \
        if isinstance(obj, SubProject) else None


def register() -> None:
    register_searchable(SubProject, kind="lab_subproject", label=_("Sub-project of a lab"),
                        document=subproject_document,
                        queryset=lambda: SubProject.objects.filter(SubProject.public_q()).select_related("lab"),
                        index_on=(events.SubProjectChanged,))
    register_searchable(News, kind="lab_news", label=_("News of a lab"), document=news_document,
                        queryset=lambda: News.objects.filter(News.public_q()).select_related("lab", "subproject"),
                        index_on=(events.LabNewsChanged, events.LabNewsPublished), remove_on=(events.LabNewsDeleted,),
                        depends_on=_news_of)  # type: ignore[arg-type]
