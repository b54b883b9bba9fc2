"""Pages of the API: a person's access tokens in the account area, and the API documentation."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from kommune.core.access import login_view, public_view
from kommune.core.api import docs as reference
from kommune.core.api import selectors, services
from kommune.core.api.api import get_api
from kommune.core.api.forms import AccessTokenForm
from kommune.core.api.models import AccessToken
from kommune.core.types import AuthenticatedHttpRequest


def _tokens_page(request: HttpRequest, form: AccessTokenForm, status: int = 200) -> HttpResponse:
    return render(request, "api/tokens.html", {
        "form": form,
        "valid": list(selectors.valid_tokens(request.user)),
        "ended": selectors.ended_tokens(request.user),
        "max_tokens": services.MAX_ACTIVE_TOKENS,
    }, status=status)


def _show_errors(form: AccessTokenForm, error: ValidationError) -> None:
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for name, field_messages in error.message_dict.items():
        name = "valid_until" if name == "expires_at" else name
        form.add_error(name if name in form.fields else None, field_messages)


@login_view
def tokens(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = AccessTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            token, secret = services.do_create_access_token(
                user=request.user, name=form.cleaned_data["name"], scope=form.cleaned_data["scope"],
                expires_at=form.expires_at())
        except ValidationError as error:
            _show_errors(form, error)
        else:
            # The secret is shown in this answer only: no redirect (it would have to be stored to survive it).
            response = render(request, "api/token_created.html", {"token": token, "secret": secret})
            response["Cache-Control"] = "no-store"
            return response
    return _tokens_page(request, form)


@login_view
def revoke_token(request: AuthenticatedHttpRequest, token_id: int) -> HttpResponse:
    token = get_object_or_404(AccessToken, pk=token_id, user=request.user)  # another person's token: 404
    if request.method == "POST":
        services.do_revoke_access_token(token=token, actor=request.user)
        messages.success(request, _("The token “%(name)s” has been revoked; it no longer works.")
                         % {"name": token.name})
        return redirect("api:tokens")
    return render(request, "api/revoke_token.html", {"token": token})


@public_view
def documentation(request: HttpRequest) -> HttpResponse:
    schema = get_api().get_openapi_schema()
    base_url = request.build_absolute_uri(reverse("api_v1:api-root")).rstrip("/")
    tags, models = reference.reference(schema, base_url)
    return render(request, "api/docs.html", {
        "tags": tags,
        "models": models,
        "base_url": base_url,
        "schema_url": reverse("api_v1:openapi-json"),
        "rate_limit": settings.API_RATE_LIMIT_PER_MINUTE,
        "info": schema["info"],
    })
