"""Error pages in the visitor's language, rendered with the site's own templates."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template import loader


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "errors/403.html", {"exception": exception}, status=403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "errors/404.html", {"path": request.path}, status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    # Nothing that could fail again (database, session, user) is touched here.
    return HttpResponse(loader.get_template("errors/500.html").render(), status=500)
