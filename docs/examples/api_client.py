#!/usr/bin/env python3
"""A third-party client of the Offene Kommune REST API, using only Python's standard library.

It writes a citizen proposal, publishes it, supports it with a second person's token and comments on it:

    python api_client.py https://beteiligung.example.de musterstadt <token of the author> <token of a supporter>

Tokens are created in the account area ("Access tokens", /konto/zugangsschluessel/) with the permission
"read and write". The script prints a JSON summary; on an error it prints the API's error and exits with 1.
"""

import json
import sys
import urllib.error
import urllib.request


class ApiError(Exception):
    def __init__(self, status: int, error: dict) -> None:
        super().__init__(f"{status} {error.get('code')}: {error.get('message')} {error.get('fields') or ''}")
        self.status, self.error = status, error


def call(base_url: str, method: str, path: str, token: str | None = None, body: dict | None = None) -> dict | None:
    """One request; the decoded JSON answer (None for 204). Raises ApiError with the API's error object."""
    headers = {"Accept": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    data = None
    if body is not None:
        data = json.dumps(body).encode()
        headers["Content-Type"] = "application/json"
    request = urllib.request.Request(f"{base_url.rstrip('/')}/api/v1{path}", data=data, method=method,
                                     headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            content = response.read()
            return json.loads(content) if content else None
    except urllib.error.HTTPError as error:
        raise ApiError(error.code, json.loads(error.read() or b"{}").get("error", {})) from None


def run(base_url: str, municipality: str, author_token: str, supporter_token: str) -> dict:
    proposals = f"/municipalities/{municipality}/proposals"
    draft = call(base_url, "POST", proposals, author_token, {
        "title": "Trinkbrunnen am Marktplatz",
        "text": "Im Sommer fehlt in der Innenstadt **frisches Wasser**. Ein Trinkbrunnen am Marktplatz hilft allen.",
        "area": "Innenstadt",
    })
    proposal = call(base_url, "POST", f"{proposals}/{draft['id']}/publish", author_token)
    supported = call(base_url, "POST", f"{proposals}/{proposal['id']}/support", supporter_token)
    comment = call(base_url, "POST", f"/municipalities/{municipality}/threads/proposals.proposal/{proposal['id']}"
                                     "/comments", author_token,
                   {"text": "Danke für jede Unterstützung! Die Listen liegen auch im Bürgerbüro aus."})
    return {"proposal": proposal["id"], "url": supported["url"], "state": supported["state"],
            "total_supports": supported["total_supports"], "required_supports": supported["required_supports"],
            "comment": comment["id"]}


def main(argv: list[str]) -> int:
    if len(argv) != 5:
        print(__doc__, file=sys.stderr)
        return 2
    try:
        summary = run(*argv[1:])
    except ApiError as error:
        print(f"The API refused: {error}", file=sys.stderr)
        return 1
    print(json.dumps(summary, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
