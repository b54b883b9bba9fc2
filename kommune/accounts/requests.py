"""The request type of views that only a logged-in person reaches."""

from django.http import HttpRequest

from kommune.accounts.models import User


class AuthenticatedHttpRequest(HttpRequest):
    """A request behind ``login_view`` or a permission of ``municipality_view``: ``user`` is never anonymous.

    Only for annotations (django-stubs' documented pattern); Django still builds a plain HttpRequest.
    """

    user: User
