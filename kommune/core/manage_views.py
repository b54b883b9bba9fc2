"""The municipality's own management area under /<slug>/verwaltung/."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from kommune.core.access import municipality_view
from kommune.core.models import Municipality


@municipality_view("core.view_management")
def dashboard(request: HttpRequest, municipality: Municipality) -> HttpResponse:
    return render(request, "manage/dashboard.html", {"municipality": municipality})
