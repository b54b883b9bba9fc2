"""Answers shared by the catalogue's public and management pages."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from kommune.core.cursor import InvalidCursor
from kommune.core.models import Municipality


def bad_cursor(request: HttpRequest, municipality: Municipality, first_page: str) -> HttpResponse:
    return render(request, "opendata/bad_cursor.html", {"municipality": municipality,
                                                        "message": InvalidCursor.message, "first_page": first_page},
                  status=400)
