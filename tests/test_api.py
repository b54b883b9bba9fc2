"""The REST API v1: resources, the same rules as the web pages, one error format, pagination, limits, CORS."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from kommune.core.api.api import get_api
from kommune.core.comments.models import Comment, Reaction
from kommune.core.comments.services import do_post_comment
from kommune.core.models import AuditLogEntry
from kommune.proposals.models import Proposal, SignatureList, Support
from tests.factories import MembershipFactory, MunicipalityFactory, UserFactory
from tests.factories_api import ApiClient, api_token, error_of
from tests.factories_comments import bulk_thread
from tests.factories_processes import ProcessFactory, published_process
from tests.factories_proposals import CategoryFactory, ProposalSettingsFactory, published_proposal

pytestmark = pytest.mark.django_db

M = "municipalities/musterstadt"


@pytest.fixture
def process(musterstadt):
    return published_process(musterstadt, title="Marktplatz neu gestalten", slug="marktplatz")


@pytest.fixture
def settings_row(musterstadt):
    return ProposalSettingsFactory(municipality=musterstadt)


def _thread(process) -> str:
    return f"{M}/threads/processes.process/{process.pk}/comments"


def _counts() -> dict[str, int]:
    return {"comments": Comment.objects.count(), "reactions": Reaction.objects.count(),
            "proposals": Proposal.objects.count(), "supports": Support.objects.count(),
            "signature_lists": SignatureList.objects.count(), "audit": AuditLogEntry.objects.count()}


# --- The schema and the documentation -------------------------------------------------------------------------


# Reads of the token owner's own data: the only GETs that need a token.
PERSONAL_READS = {"/api/v1/me", "/api/v1/municipalities/{municipality_slug}/volunteering/sign-ups"}


def test_the_schema_documents_every_operation_with_its_errors(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.1") and schema["info"]["title"] == "Offene Kommune API"
    operations = {(method.upper(), path) for path, methods in schema["paths"].items() for method in methods}
    assert {("GET", "/api/v1/municipalities"), ("GET", "/api/v1/municipalities/{municipality_slug}/processes"),
            ("POST", "/api/v1/municipalities/{municipality_slug}/threads/{target_type}/{target_id}/comments"),
            ("PUT", "/api/v1/municipalities/{municipality_slug}/comments/{comment_id}/reaction"),
            ("POST", "/api/v1/municipalities/{municipality_slug}/proposals"),
            ("POST", "/api/v1/municipalities/{municipality_slug}/proposals/{proposal_id}/support"),
            ("DELETE", "/api/v1/municipalities/{municipality_slug}/proposals/{proposal_id}/support"),
            ("POST", "/api/v1/municipalities/{municipality_slug}/proposals/{proposal_id}/answer"),
            ("GET", "/api/v1/methods"), ("GET", "/api/v1/methods/{method_slug}/versions"),
            ("GET", "/api/v1/municipalities/{municipality_slug}/openness-reports/{year}"),
            ("GET", "/api/v1/labs/{lab_slug}/openness-comparisons/{year}"),
            ("GET", "/api/v1/me")} <= operations
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            answers = operation["responses"]
            for status in ("401", "422", "429"):
                assert answers[status]["content"]["application/json"]["schema"] == {
                    "$ref": "#/components/schemas/ErrorOut"}, (method, path, status)
            security = operation["security"]
            if method == "get" and path not in PERSONAL_READS:
                assert {} in security, (method, path)  # reading needs no token
            else:
                assert security == [{"BearerToken": []}], (method, path)
    assert schema["components"]["securitySchemes"]["BearerToken"]["scheme"] == "bearer"


def test_the_documentation_page_lists_every_operation(client):
    response = client.get("/api/v1/docs/")
    assert response.status_code == 200
    page = response.content.decode()
    for methods in get_api().get_openapi_schema()["paths"].values():
        for operation in methods.values():
            assert f'id="op-{operation["operationId"]}"' in page
    assert "Authorization: Bearer ok_" in page and "/konto/zugangsschluessel/" in page
    assert "curl -X POST" in page
    # No script or style from elsewhere (a CDN): the page works on an intranet. (A plain "cdn" check failed
    # whenever a random CSRF token contained those letters.)
    assert not re.search(r'<(?:script|link)\b[^>]*\b(?:src|href)="(?:https?:)?//', page)


# --- Reading --------------------------------------------------------------------------------------------------


def test_municipalities_are_listed_page_by_page(client, musterstadt, anderstadt):
    MunicipalityFactory.create_batch(3)
    api = ApiClient()
    first = api.get("municipalities?limit=2").json()
    assert [m["slug"] for m in first["items"]] == ["musterstadt", "anderstadt"]
    second = api.get(f"municipalities?limit=2&cursor={first['next']}").json()
    third = api.get(f"municipalities?limit=2&cursor={second['next']}").json()
    assert len(second["items"]) == 2 and len(third["items"]) == 1 and third["next"] is None
    detail = api.get(M).json()
    assert detail["name"] == "Musterstadt" and detail["url"] == "http://testserver/musterstadt/"


@pytest.mark.parametrize("limit", ["0", "101", "zwei"])
def test_the_page_size_is_bounded(limit, musterstadt):
    response = ApiClient().get(f"municipalities?limit={limit}")
    assert response.status_code == 422
    assert error_of(response)["fields"]["limit"]


def test_processes_show_only_what_the_web_shows(musterstadt, anderstadt, carol, dave, process):
    draft = ProcessFactory(municipality=musterstadt, slug="entwurf")
    foreign = published_process(anderstadt, slug="fremd")
    anonymous = ApiClient()
    listing = anonymous.get(f"{M}/processes").json()
    assert [p["slug"] for p in listing["items"]] == ["marktplatz"]
    detail = anonymous.get(f"{M}/processes/marktplatz").json()
    assert detail["state"] == "running" and detail["phases"][0]["features"] == ["comments"]
    assert detail["comments_url"].endswith(f"/api/v1/{_thread(process)}")
    assert anonymous.get(f"{M}/processes/entwurf").status_code == 404
    assert ApiClient(api_token(carol, scope="read")).get(f"{M}/processes/entwurf").json()["slug"] == draft.slug
    assert ApiClient(api_token(dave, scope="read")).get(f"{M}/processes/entwurf").status_code == 404
    assert anonymous.get(f"{M}/processes/{foreign.slug}").status_code == 404
    assert anonymous.get(f"{M}/processes?state=upcoming").json()["items"] == []
    assert anonymous.get(f"{M}/processes?state=gestern").status_code == 422


def test_the_token_tells_who_it_belongs_to(alice, musterstadt):
    me = ApiClient(api_token(alice, scope="read", name="App")).get("me").json()
    assert me["display_name"] == "Alice" and me["email"] == "alice@example.org"
    assert me["memberships"] == [{"municipality": "musterstadt", "lab": None, "role": "resident"}]
    assert me["token"]["name"] == "App" and me["token"]["scope"] == "read"


# --- Comments and reactions -----------------------------------------------------------------------------------


def test_a_comment_written_through_the_api_is_on_the_web_page(client, alice, process):
    response = ApiClient(api_token(alice)).post(_thread(process), {"text": "Mehr **Bänke**, bitte."})
    assert response.status_code == 201
    comment = response.json()
    assert comment["author"] == "Alice" and "<strong>Bänke</strong>" in comment["text_html"]
    page = client.get(f"/musterstadt/kommentare/processes.process/{process.pk}/").content.decode()
    assert "<strong>Bänke</strong>" in page
    listing = ApiClient().get(_thread(process)).json()
    assert [c["id"] for c in listing["items"]] == [comment["id"]]


def test_without_a_token_a_logged_in_browser_cannot_write(client, alice, process):
    client.force_login(alice)  # a session cookie, as a browser that is logged in to the site has
    before = _counts()
    response = ApiClient(client=client).post(_thread(process), {"text": "Über die Sitzung"})
    assert response.status_code == 401 and error_of(response)["code"] == "token_missing"
    assert _counts() == before
    me = ApiClient(client=client).get("me")
    assert me.status_code == 401  # the API never acts on the session


def test_a_read_token_cannot_comment(alice, process):
    before = _counts()
    response = ApiClient(api_token(alice, scope="read")).post(_thread(process), {"text": "Lesend"})
    assert response.status_code == 403 and error_of(response)["code"] == "insufficient_scope"
    assert _counts() == before


def test_the_rules_of_the_web_apply_to_comments(alice, bob, musterstadt):
    closed = published_process(musterstadt, slug="vorbei", starts_at=timezone.now() - timedelta(days=30), days=7)
    api = ApiClient(api_token(alice))
    response = api.post(_thread(closed), {"text": "Zu spät"})
    assert response.status_code == 422 and error_of(response)["code"] == "closed"
    empty = api.post(_thread(published_process(musterstadt, slug="offen")), {"text": "   "})
    assert empty.status_code == 422 and error_of(empty)["code"] == "empty"
    assert not Comment.objects.exists()


def test_replies_edits_and_reactions(alice, bob, process):
    alice_api, bob_api = ApiClient(api_token(alice)), ApiClient(api_token(bob))
    comment = alice_api.post(_thread(process), {"text": "Erster Gedanke"}).json()
    base = f"{M}/comments/{comment['id']}"
    reply = bob_api.post(f"{base}/replies", {"text": "Gute Idee"})
    assert reply.status_code == 201 and reply.json()["parent_id"] == comment["id"]
    assert [r["text_html"] for r in ApiClient().get(f"{base}/replies").json()["items"]] == ["<p>Gute Idee</p>\n"]

    edited = alice_api.patch(base, {"text": "Erster Gedanke, ergänzt"})
    assert edited.status_code == 200 and "ergänzt" in edited.json()["text_html"]
    foreign_edit = bob_api.patch(base, {"text": "Übernommen"})
    assert foreign_edit.status_code == 403 and error_of(foreign_edit)["code"] == "forbidden"
    Comment.objects.filter(pk=comment["id"]).update(created_at=timezone.now() - timedelta(hours=1))
    late = alice_api.patch(base, {"text": "Zu spät geändert"})
    assert late.status_code == 422 and error_of(late)["code"] == "edit_window"

    agreed = bob_api.put(f"{base}/reaction", {"value": 1})
    assert agreed.json() == {"value": 1, "agree_count": 1, "disagree_count": 0}
    assert bob_api.get(base).json()["my_reaction"] == 1
    assert ApiClient().get(base).json()["my_reaction"] == 0
    own = alice_api.put(f"{base}/reaction", {"value": -1})
    assert own.status_code == 422 and error_of(own)["code"] == "own"
    assert bob_api.put(f"{base}/reaction", {"value": 2}).status_code == 422
    assert bob_api.delete(f"{base}/reaction").status_code == 204
    assert Comment.objects.get(pk=comment["id"]).agree_count == 0 and not Reaction.objects.exists()


def test_another_municipalitys_comment_is_not_found(alice, anderstadt):
    foreign = published_process(anderstadt, slug="fremd")
    comment = do_post_comment(actor=MembershipFactory(municipality=anderstadt).user, target=foreign, text="Dort")
    api = ApiClient(api_token(alice))
    assert api.get(f"{M}/comments/{comment.pk}").status_code == 404
    assert api.post(f"{M}/threads/processes.process/{foreign.pk}/comments", {"text": "Hier"}).status_code == 404
    assert api.put(f"{M}/comments/{comment.pk}/reaction", {"value": 1}).status_code == 404
    assert Comment.objects.count() == 1 and not Reaction.objects.exists()


# --- Citizen proposals ----------------------------------------------------------------------------------------


def test_the_journey_of_a_proposal(alice, bob, carol, musterstadt, settings_row):
    CategoryFactory(municipality=musterstadt, name="Verkehr", slug="verkehr")
    author, supporter = ApiClient(api_token(alice)), ApiClient(api_token(bob))
    created = author.post(f"{M}/proposals", {"title": "Tempo 30 vor der Schule", "text": "Zum Schutz der Kinder.",
                                             "category": "verkehr", "latitude": 51.5, "longitude": 7.46})
    assert created.status_code == 201
    draft = created.json()
    assert draft["state"] == "draft" and draft["category"] == {"slug": "verkehr", "name": "Verkehr"}
    one = f"{M}/proposals/{draft['id']}"
    assert ApiClient().get(one).status_code == 404  # a draft is its author's
    assert author.patch(one, {"title": "Tempo 30 vor der Grundschule"}).json()["title"].endswith("Grundschule")
    published = author.post(f"{one}/publish").json()
    assert published["state"] == "collecting" and published["required_supports"] == 3

    supported = supporter.post(f"{one}/support")
    assert supported.status_code == 201
    assert supported.json()["total_supports"] == 1 and supported.json()["supported_by_me"] is True
    again = supporter.post(f"{one}/support")
    assert again.status_code == 422 and error_of(again)["code"] == "duplicate"
    assert ApiClient().get(f"{M}/proposals").json()["items"][0]["total_supports"] == 1
    assert supporter.delete(f"{one}/support").status_code == 204
    assert Proposal.objects.get().total_supports == 0
    closed = author.patch(one, {"title": "Nach Unterstützung"})
    assert closed.status_code == 200  # no support left: editable again

    staff = ApiClient(api_token(carol))
    listed = staff.post(f"{one}/signature-lists", {"count": 3, "received_on": timezone.localdate().isoformat()})
    assert listed.status_code == 201 and listed.json()["total_supports"] == 3
    answered = staff.post(f"{one}/answer", {"outcome": "accepted", "answer": "Wird umgesetzt.",
                                            "department": "Ordnungsamt"})
    assert answered.status_code == 200 and answered.json()["state"] == "answered"


def test_staff_of_another_municipality_cannot_use_the_staff_endpoints(dave, musterstadt, settings_row):
    proposal = published_proposal(musterstadt, threshold_reached_at=timezone.now(), state="threshold_reached")
    before = _counts()
    api = ApiClient(api_token(dave))
    signatures = api.post(f"{M}/proposals/{proposal.pk}/signature-lists",
                          {"count": 500, "received_on": timezone.localdate().isoformat()})
    assert signatures.status_code == 403 and error_of(signatures)["code"] == "forbidden"
    answer = api.post(f"{M}/proposals/{proposal.pk}/answer",
                      {"outcome": "rejected", "answer": "Nein.", "department": "Fremdamt"})
    assert answer.status_code == 403
    assert _counts() == before
    proposal.refresh_from_db()
    assert proposal.state == "threshold_reached" and proposal.total_supports == 0
    foreign_url = f"municipalities/anderstadt/proposals/{proposal.pk}/answer"
    assert api.post(foreign_url, {"outcome": "rejected", "answer": "Nein.", "department": "X"}).status_code == 404


@pytest.mark.parametrize("sort", ["supports", "newest", "deadline"])
def test_proposals_come_in_pages_of_the_chosen_size(sort, musterstadt, settings_row):
    for _ in range(7):
        published_proposal(musterstadt)
    api, seen, cursor = ApiClient(), [], ""
    for size in (3, 3):
        page = api.get(f"{M}/proposals?sort={sort}&limit={size}{cursor}").json()
        assert len(page["items"]) == size and page["next"]
        seen += [proposal["id"] for proposal in page["items"]]
        cursor = f"&cursor={page['next']}"
    last = api.get(f"{M}/proposals?sort={sort}&limit=100{cursor}").json()
    assert len(last["items"]) == 1 and last["next"] is None
    assert len(set(seen + [last["items"][0]["id"]])) == 7
    assert len(api.get(f"{M}/proposals?sort={sort}").json()["items"]) == 7  # 20 by default
    assert api.get(f"{M}/proposals?limit=101").status_code == 422


def test_bad_proposal_input_names_the_fields(alice, musterstadt, settings_row):
    api = ApiClient(api_token(alice))
    missing = api.post(f"{M}/proposals", {"text": "Ohne Titel"})
    assert missing.status_code == 422 and error_of(missing)["code"] == "invalid_request"
    assert list(error_of(missing)["fields"]) == ["title"]
    blank = api.post(f"{M}/proposals", {"title": " ", "text": "Leerer Titel"})
    assert blank.status_code == 422 and list(error_of(blank)["fields"]) == ["title"]
    unknown = api.post(f"{M}/proposals", {"title": "T", "text": "T", "category": "gibt-es-nicht"})
    assert unknown.status_code == 422 and list(error_of(unknown)["fields"]) == ["category"]
    extra = api.post(f"{M}/proposals", {"title": "T", "text": "T", "state": "answered"})
    assert extra.status_code == 422 and list(error_of(extra)["fields"]) == ["state"]
    nul = api.post(f"{M}/proposals", {"title": "T\x00", "text": "T"})
    assert nul.status_code == 422
    assert not Proposal.objects.exists()


# --- Errors, pagination, limits -------------------------------------------------------------------------------


@pytest.mark.parametrize("path", [
    "municipalities?cursor=kaputt",
    f"{M}/processes?cursor=kaputt",
    f"{M}/proposals?cursor=kaputt",
    f"{M}/proposals?sort=newest&cursor=bmV4dHwyMDI2fDE",
    "THREAD?cursor=kaputt",
    "THREAD?cursor=" + "A" * 500,
])
def test_a_malformed_cursor_is_a_400_and_changes_nothing(path, alice, process, settings_row):
    path = path.replace("THREAD", _thread(process))
    before = _counts()
    response = ApiClient(api_token(alice)).get(path)
    assert response.status_code == 400
    error = error_of(response)
    assert error["code"] == "invalid_cursor" and error["fields"] == {"cursor": [error["message"]]}
    assert _counts() == before


def test_every_refusal_has_the_error_format(alice, musterstadt):
    api = ApiClient(api_token(alice))
    assert error_of(api.get("gibt/es/nicht"))["code"] == "not_found"
    assert error_of(api.get("municipalities/gibt-es-nicht"))["code"] == "not_found"
    not_allowed = api.delete("municipalities")
    assert not_allowed.status_code == 405 and not_allowed["Allow"] == "GET"
    assert error_of(not_allowed)["code"] == "method_not_allowed"
    broken = api.client.post(f"/api/v1/{M}/proposals", data="{kaputt", content_type="application/json",
                              headers=api.headers)
    assert broken.status_code == 400 and error_of(broken)["code"] == "bad_request"
    assert ApiClient().get("/api/v1/").json()["openapi"].endswith("/api/v1/openapi.json")


def test_messages_are_in_the_token_owners_language(alice, bob, process):
    bob.language = "en"
    bob.save()
    german = ApiClient(api_token(alice)).post(_thread(process), {"text": ""})
    english = ApiClient(api_token(bob)).post(_thread(process), {"text": ""})
    assert german["Content-Language"] == "de" and english["Content-Language"] == "en"
    assert error_of(german)["message"] == "Bitte schreiben Sie zuerst Ihren Kommentar; er ist noch leer."
    assert error_of(english)["message"] == "Please write your comment first; it is empty."
    assert ApiClient().get(_thread(process))["Content-Language"] == "de"


@override_settings(API_RATE_LIMIT_PER_MINUTE=3)
def test_too_many_requests_get_429_with_retry_after(alice, bob, musterstadt):
    alice_api = ApiClient(api_token(alice))
    assert [alice_api.get("municipalities").status_code for _ in range(3)] == [200, 200, 200]
    limited = alice_api.get("municipalities")
    assert limited.status_code == 429 and error_of(limited)["code"] == "rate_limited"
    assert 1 <= int(limited["Retry-After"]) <= 60
    assert ApiClient(api_token(bob)).get("municipalities").status_code == 200  # counted per token
    assert ApiClient().get("municipalities").status_code == 200  # and per address without one


def test_a_deactivated_accounts_token_is_refused(alice):
    secret = api_token(alice)
    alice.is_active = False
    alice.save()
    assert error_of(ApiClient(secret).get("me"))["code"] == "token_invalid"


# --- CORS -----------------------------------------------------------------------------------------------------


def test_any_site_may_read_but_not_write(client, alice, process):
    origin = {"Origin": "https://app.example.net"}
    read = client.get("/api/v1/municipalities", headers=origin)
    assert read["Access-Control-Allow-Origin"] == "*" and "Access-Control-Allow-Credentials" not in read
    preflight = client.options("/api/v1/municipalities", headers={
        **origin, "Access-Control-Request-Method": "GET", "Access-Control-Request-Headers": "authorization"})
    assert preflight["Access-Control-Allow-Origin"] == "*"
    assert "authorization" in preflight["Access-Control-Allow-Headers"]
    assert "POST" not in preflight["Access-Control-Allow-Methods"]

    write_preflight = client.options(f"/api/v1/{_thread(process)}", headers={
        **origin, "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "authorization"})
    assert "Access-Control-Allow-Origin" not in write_preflight
    write = ApiClient(api_token(alice)).post(_thread(process), {"text": "Von woanders"}, headers=origin)
    assert write.status_code == 201 and "Access-Control-Allow-Origin" not in write
    assert "Access-Control-Allow-Origin" not in client.get("/musterstadt/", headers=origin)


@pytest.mark.parametrize("path", ["/api/3/action/package_list", "/api/action/package_search?q=wasser",
                                  "/api/3/action/package_show?id=gibt-es-nicht", "/dcat/catalog.ttl",
                                  "/dcat/catalog.jsonld", "/musterstadt/dcat/catalog.rdf", "/musterstadt/dcat/catalog"])
def test_any_site_may_read_the_ckan_api_and_the_dcat_catalogues(client, path, musterstadt):
    origin = {"Origin": "https://tool.example.net"}
    read = client.get(path, headers=origin)
    assert read.status_code in (200, 404) and read["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Credentials" not in read and "origin" in read["Vary"].lower()
    preflight = client.options(path, headers={**origin, "Access-Control-Request-Method": "GET",
                                              "Access-Control-Request-Headers": "accept"})
    assert preflight["Access-Control-Allow-Origin"] == "*" and "GET" in preflight["Access-Control-Allow-Methods"]


def test_ckan_actions_may_be_posted_as_json_from_any_site_but_nothing_else_is(client, musterstadt):
    origin = {"Origin": "https://tool.example.net"}
    preflight = client.options("/api/3/action/package_search", headers={
        **origin, "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type"})
    assert preflight["Access-Control-Allow-Origin"] == "*"
    assert "POST" in preflight["Access-Control-Allow-Methods"]
    assert "content-type" in preflight["Access-Control-Allow-Headers"]
    posted = client.post("/api/action/package_search", data='{"q": "wasser"}', content_type="application/json",
                         headers=origin)
    assert posted.status_code == 200 and posted["Access-Control-Allow-Origin"] == "*"

    form = client.post("/api/3/action/package_list", {"limit": "5"}, headers=origin)
    assert form.status_code == 200 and "Access-Control-Allow-Origin" not in form
    for path in ("/dcat/catalog.ttl", "/musterstadt/dcat/catalog.ttl", "/api/v1/municipalities"):
        post_preflight = client.options(path, headers={**origin, "Access-Control-Request-Method": "POST"})
        assert "Access-Control-Allow-Origin" not in post_preflight, path
    get_preflight = client.options("/dcat/catalog.ttl", headers={**origin, "Access-Control-Request-Method": "GET"})
    assert "POST" not in get_preflight["Access-Control-Allow-Methods"]
    for page in ("/musterstadt/daten/", "/musterstadt/verfahren/", "/konto/anmelden/"):
        assert "Access-Control-Allow-Origin" not in client.get(page, headers=origin), page


# --- Query counts ---------------------------------------------------------------------------------------------


def _queries(path: str, api: ApiClient) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert api.get(path).status_code == 200
    return len(captured)


def test_lists_cost_the_same_queries_for_5_and_for_50_items(alice, musterstadt, settings_row):
    api = ApiClient(api_token(alice, scope="read"))
    process = published_process(musterstadt, slug="viel")
    paths = ["municipalities?limit=100", f"{M}/processes?limit=100", f"{_thread(process)}?limit=100",
             f"{M}/proposals"]

    def fill(count: int) -> None:
        for _ in range(count):
            MunicipalityFactory()
            published_process(musterstadt)
            published_proposal(musterstadt, category=CategoryFactory(municipality=musterstadt),
                               author=UserFactory())
        bulk_thread(process, top_level=count, replies_per=1)

    api.get("me")  # the token's first use is noted once; then reads write nothing
    fill(5)
    few = [_queries(path, api) for path in paths]
    fill(45)
    many = [_queries(path, api) for path in paths]
    assert few == many, dict(zip(paths, zip(few, many, strict=True), strict=True))


def test_every_operation_id_is_unique():
    # Two apps' view functions of the same name (list_projects) would share an id, and the documentation page
    # would repeat its anchors.
    ids = [operation["operationId"] for methods in get_api().get_openapi_schema()["paths"].values()
           for operation in methods.values()]
    assert len(ids) == len(set(ids)), sorted({i for i in ids if ids.count(i) > 1})
