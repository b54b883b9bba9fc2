"""Helpers for the REST API tests: tokens made through the service, and a small JSON client."""

import json
from typing import Any

from django.test import Client

from kommune.core.api.models import AccessToken
from kommune.core.api.services import do_create_access_token

API = "/api/v1"


def api_token(user, scope: str = AccessToken.Scope.WRITE, name: str = "Test", **fields) -> str:
    """A new token of ``user``; returns the secret."""
    _token, secret = do_create_access_token(user=user, name=name, scope=scope, **fields)
    return secret


class ApiClient:
    """Django's test client speaking JSON, with an optional token."""

    def __init__(self, secret: str | None = None, client: Client | None = None) -> None:
        self.client = client or Client()
        self.headers = {"Authorization": f"Bearer {secret}"} if secret else {}

    def _call(self, method: str, path: str, data: Any = None, **kwargs):
        url = path if path.startswith("/") else f"{API}/{path}"
        headers = {**self.headers, **kwargs.pop("headers", {})}
        if data is not None:
            kwargs.update(data=json.dumps(data), content_type="application/json")
        return getattr(self.client, method)(url, headers=headers, **kwargs)

    def get(self, path: str, **kwargs):
        return self._call("get", path, **kwargs)

    def post(self, path: str, data: Any = None, **kwargs):
        return self._call("post", path, data, **kwargs)

    def put(self, path: str, data: Any = None, **kwargs):
        return self._call("put", path, data, **kwargs)

    def patch(self, path: str, data: Any = None, **kwargs):
        return self._call("patch", path, data, **kwargs)

    def delete(self, path: str, **kwargs):
        return self._call("delete", path, **kwargs)


def error_of(response) -> dict:
    """The "error" object of an API error answer; fails if the answer is not in the error format."""
    body = response.json()
    assert set(body) == {"error"}, body
    assert set(body["error"]) == {"code", "message", "fields"}, body
    assert body["error"]["message"], body
    return body["error"]
