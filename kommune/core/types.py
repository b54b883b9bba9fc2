"""Types that core's modules share.

Core must not import kommune.accounts (the import contracts in .importlinter forbid it), yet its services act for
that app's User. The django-stubs plugin expands ``django.contrib.auth.models._User`` to the model that
settings.AUTH_USER_MODEL names, so for the type checker ``User`` below is kommune.accounts.models.User. At run
time the name is bound to its base class, AbstractBaseUser, only so that modules can import it for annotations.
"""

from typing import TYPE_CHECKING

from django.http import HttpRequest

if TYPE_CHECKING:
    from django.contrib.auth.models import _User as User
else:
    from django.contrib.auth.base_user import AbstractBaseUser as User


class AuthenticatedHttpRequest(HttpRequest):
    """A request behind ``login_view`` or a permission of ``municipality_view``: ``user`` is never anonymous.

    Only for annotations (django-stubs' documented pattern); Django still builds a plain HttpRequest.
    """

    user: User


__all__ = ["AuthenticatedHttpRequest", "User"]
