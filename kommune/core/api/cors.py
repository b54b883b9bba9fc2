"""CORS for reads only: django-cors-headers, limited to GET and HEAD (and their preflight), plus POST of JSON to the
endpoints that only read however they are asked (the CKAN Action API: every action of it here reads).

CORS_URLS_REGEX chooses the paths (the REST API, the CKAN Action API, the DCAT-AP.de catalogues),
CORS_READ_POST_URLS_REGEX those of them that are read with POST too; CORS_ALLOW_ALL_ORIGINS without credentials
allows every web page to read public data. Writes get no CORS headers at all, not even on their preflight, so a
browser never lets another site's page send one: writes come from servers and apps that keep their token secret.
"""

import re

from corsheaders.middleware import ACCESS_CONTROL_ALLOW_METHODS, CorsMiddleware
from django.conf import settings
from django.http import HttpRequest
from django.http.response import HttpResponseBase

READ_METHODS = ("GET", "HEAD")
JSON = "application/json"


def reads_with_post(request: HttpRequest) -> bool:
    return bool(re.match(settings.CORS_READ_POST_URLS_REGEX, request.path_info))


class ReadOnlyCorsMiddleware(CorsMiddleware):
    def is_enabled(self, request: HttpRequest) -> bool:
        method = request.method
        if method == "OPTIONS":  # a preflight asks for the method that would follow
            method = request.headers.get("Access-Control-Request-Method", "").upper()
        elif method == "POST" and request.content_type != JSON:
            return False
        allowed = method in READ_METHODS or (method == "POST" and reads_with_post(request))
        return allowed and super().is_enabled(request)

    def add_response_headers(self, request: HttpRequest, response: HttpResponseBase) -> HttpResponseBase:
        response = super().add_response_headers(request, response)
        if request.method == "OPTIONS" and ACCESS_CONTROL_ALLOW_METHODS in response and reads_with_post(request):
            response[ACCESS_CONTROL_ALLOW_METHODS] += ", POST"
        return response
