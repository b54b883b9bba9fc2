"""Methods in the site search (kind "method"), with German stemming: "Workshops" finds "Workshop"."""

from kommune.core.search.registry import SearchDocumentData, register_searchable
from kommune.methods.events import MethodSaved
from kommune.methods.models import Method
from kommune.methods.services import home_municipality


def method_document(method: Method) -> SearchDocumentData | None:
    municipality = home_municipality(method)
    if municipality is None:
        return None
    body = [method.summary, method.purpose, method.steps, method.materials, method.pitfalls, method.duration,
            ", ".join(method.perspective_labels()), str(method.author)]
    return SearchDocumentData(municipality=municipality, title=method.title,
                              body="\n".join(part for part in body if part), url=method.get_absolute_url(),
                              context=str(method.get_kind_display()))


def register() -> None:
    from django.utils.translation import gettext_lazy as _

    register_searchable(Method, kind="method", label=_("Method"), document=method_document,
                        queryset=lambda: Method.objects.select_related("municipality", "lab"),
                        index_on=(MethodSaved,))
