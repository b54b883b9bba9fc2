"""CORS for reads only: django-cors-headers, limited to GET and HEAD (and their preflight).

CORS_URLS_REGEX chooses the paths (the REST API), CORS_ALLOW_ALL_ORIGINS without credentials allows every web
page to read public data. Writes get no CORS headers at all, not even on their preflight, so a browser never lets
another site's page send one: writes come from servers and apps that keep their token secret.
"""

from corsheaders.middleware import CorsMiddleware
from django.http import HttpRequest

READ_METHODS = ("GET", "HEAD")


class ReadOnlyCorsMiddleware(CorsMiddleware):
    def is_enabled(self, request: HttpRequest) -> bool:
        method = request.method
        if method == "OPTIONS":  # a preflight asks for the method that would follow
            method = request.headers.get("Access-Control-Request-Method", "").upper()
        return method in READ_METHODS and super().is_enabled(request)
