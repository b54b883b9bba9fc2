"""The project's URLs with a page for anonymous visitors that carries a POST form, for the page cache's CSRF tests:
the project's own anonymous pages have none since the language switch needs no token (kommune/core/views.py)."""

from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.urls import path

from config.urls import handler403, handler404, handler500
from config.urls import urlpatterns as project_urlpatterns
from kommune.core.pagecache import cached_for_anonymous

FORM_PAGE = "/pagecache-test/form/"


@cached_for_anonymous()
def form_page(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        return HttpResponse("posted")
    # Long enough to be worth compressing, were it not for the token.
    return HttpResponse(f'<form method="post"><input type="hidden" name="csrfmiddlewaretoken" '
                        f'value="{get_token(request)}"><button>Senden</button></form>'
                        + "<p>Bitte senden Sie das Formular ab.</p>" * 40)


urlpatterns = [path(FORM_PAGE.strip("/") + "/", form_page), *project_urlpatterns]

__all__ = ["handler403", "handler404", "handler500", "urlpatterns"]
