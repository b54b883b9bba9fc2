from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from kommune.core.access import municipality_view, public_view
from kommune.core.models import Municipality
from kommune.core.pagecache import cached_for_anonymous
from kommune.core.search import selectors
from kommune.core.search.forms import SearchForm
from kommune.core.search.services import RESULTS_PAGE_TAG


def _page_number(value: str | None) -> int | None:
    if value is None or value == "":
        return 1
    if not (value.isascii() and value.isdigit() and len(value) <= 9) or not 1 <= int(value) <= selectors.MAX_PAGES:
        return None
    return int(value)


def _search(request: HttpRequest, municipality: Municipality | None) -> HttpResponse:
    submitted = "q" in request.GET
    form = SearchForm(request.GET if submitted else None, with_municipality=municipality is None)
    context: dict[str, Any] = {"municipality": municipality, "form": form, "query": "", "results": None,
                               "page_error": None}
    status = 200
    if submitted and form.is_valid():
        number = _page_number(request.GET.get("page"))
        if number is None:
            context["page_error"] = _("The page number is not valid: only pages 1 to %(max)s of the results "
                                      "are shown.") % {"max": selectors.MAX_PAGES}
            status = 400
        else:
            scope = municipality or form.cleaned_data.get("municipality")

            def results() -> dict:  # read only when the shared fragment is not cached
                result_page = selectors.search(query=form.cleaned_data["q"], municipality=scope,
                                               kinds=form.cleaned_data["kind"], page=number)
                return {"result_page": result_page, "page_links": _page_links(request, result_page.num_pages)}

            context["results"] = results
            context["query"] = form.cleaned_data["q"]
    elif submitted:
        status = 400
    return render(request, "search/search.html", context, status=status)


def _page_links(request: HttpRequest, num_pages: int) -> list[tuple[int, str]]:
    """The address of each result page: the query as asked, with ``page`` last (encoded once, not per page)."""
    query = request.GET.copy()
    query.pop("page", None)
    prefix = "?" + (query.urlencode() + "&" if query else "")
    return [(number, f"{prefix}page={number}") for number in range(1, num_pages + 1)]


@public_view
def search_all(request: HttpRequest) -> HttpResponse:
    """Search across all municipalities, optionally narrowed to one."""
    return _search(request, None)


@cached_for_anonymous(RESULTS_PAGE_TAG)
@municipality_view()
def municipality_search(request: HttpRequest, municipality: Municipality) -> HttpResponse:
    return _search(request, municipality)
