from django.http import HttpRequest, HttpResponse

from kommune.core.access import public_view


@public_view
def floor(request: HttpRequest) -> HttpResponse:
    """The benchmark's floor: a fixed short answer through the whole middleware, no view work at all."""
    return HttpResponse(b"ok\n", content_type="text/plain")
