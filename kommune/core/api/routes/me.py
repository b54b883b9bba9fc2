"""GET /me: the person the token belongs to, their roles and the token itself."""

from datetime import datetime
from typing import Literal

from django.http import HttpRequest
from ninja import Router, Schema

from kommune.core.api import auth
from kommune.core.api.errors import COMMON, responses

router = Router(tags=["Account"])


class MembershipOut(Schema):
    municipality: str | None
    lab: str | None
    role: str


class TokenOut(Schema):
    name: str
    prefix: str
    scope: Literal["read", "write"]
    created_at: datetime
    expires_at: datetime | None


class MeOut(Schema):
    display_name: str
    email: str
    language: str
    memberships: list[MembershipOut]
    token: TokenOut


@router.get("/me", response=responses({200: MeOut}, *COMMON), auth=auth.TOKEN, summary="Who am I")
def get_me(request: HttpRequest):
    """The token's owner: public name, e-mail address, language, roles per municipality (slug) or lab."""
    identity = auth.identity(request)
    user = identity.user
    memberships = [
        {"municipality": m.municipality.slug if m.municipality else None, "lab": m.lab.slug if m.lab else None,
         "role": m.role}
        for m in user.memberships.select_related("municipality", "lab").order_by("id")
    ]
    return {"display_name": user.display_name, "email": user.email, "language": user.language,
            "memberships": memberships, "token": identity.token}
