"""Lab-internal items are invisible to non-members everywhere, tested like tenant isolation: every route of the
lab workspace (and the lab's page), the search, the Atom feeds, the REST API and every open-data record set, as
an anonymous visitor, a resident of a member municipality, staff of a member municipality without a lab role
and staff of a municipality outside the lab. A member of the lab sees the same items (the walk is not blind)."""

import json

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import get_resolver, reverse

from kommune.core.records import record_sets
from kommune.core.search.models import SearchDocument
from kommune.labs import urls as labs_urls
from tests.factories_labs import SECRET, lab_scene

pytestmark = pytest.mark.django_db

# Which id of the scene goes into each URL keyword: the internal item, or (for keywords without an internal
# variant) the public one.
INTERNAL_KWARGS = {"subproject_id": "internal_subproject_id", "task_id": "internal_task_id",
                   "note_id": "internal_note_id", "document_id": "internal_document_id",
                   "news_id": "internal_news_id", "responsible_id": "responsible_id", "link_id": "link_id",
                   "item_id": "internal_subproject_id"}
PUBLIC_KWARGS = {key: value.replace("internal_", "public_") for key, value in INTERNAL_KWARGS.items()}


@pytest.fixture
def scene(musterstadt):
    return lab_scene(municipality=musterstadt)


def _urls(scene, kwargs_of) -> list[str]:
    urls = []
    for pattern in labs_urls.urlpatterns:
        keywords = set(pattern.pattern.regex.groupindex)
        kwargs = {"lab_slug": scene.lab.slug}
        for keyword in keywords - {"lab_slug"}:
            kwargs[keyword] = "subproject" if keyword == "item_kind" else getattr(scene, kwargs_of[keyword])
        urls.append(reverse(f"labs:{pattern.name}", kwargs=kwargs))
    return urls


def _client(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _outsiders(musterstadt, alice, carol, dave) -> dict:
    # alice lives in Musterstadt (a member of the lab), carol is its staff but has no lab role, dave is staff of
    # Anderstadt, which is not in the lab.
    return {"anonymous": None, "resident": alice, "member municipality's staff": carol, "foreign staff": dave}


def _text(response) -> str:
    if hasattr(response, "streaming_content"):
        return b"".join(response.streaming_content).decode(errors="replace")
    return response.content.decode(errors="replace")


def test_the_walk_covers_every_route_of_the_workspace(scene):
    names = {pattern.name for pattern in labs_urls.urlpatterns}
    assert len(_urls(scene, INTERNAL_KWARGS)) == len(names)
    assert {"home", "subproject", "note", "document", "news", "news_list", "news_feed"} <= names
    assert {"task_edit", "task_delete", "note_edit", "note_delete", "document_delete", "news_edit",
            "news_delete"} <= names


def test_no_route_shows_an_internal_item_to_non_members(scene, musterstadt, alice, carol, dave):
    urls = [*_urls(scene, INTERNAL_KWARGS), *_urls(scene, PUBLIC_KWARGS), scene.lab.get_absolute_url()]
    for who, user in _outsiders(musterstadt, alice, carol, dave).items():
        client = _client(user)
        for url in urls:
            for method in (client.get, client.post):
                response = method(url)
                assert response.status_code < 500, (who, url)
                assert SECRET not in _text(response), f"{who} sees an internal item at {method.__name__} {url}"


def test_no_route_lets_a_non_member_change_or_delete_an_item(scene, musterstadt, alice, carol, dave):
    from kommune.labs.models import Document, MeetingNote, News, Task

    def state() -> list:
        return [sorted(model.objects.filter(lab=scene.lab).values_list("pk", "title", "visibility"))
                for model in (Task, MeetingNote, Document, News)]

    before = state()
    urls = [*_urls(scene, INTERNAL_KWARGS), *_urls(scene, PUBLIC_KWARGS)]
    data = {"title": "Geändert", "text": "Geändert", "met_on": "2026-01-01", "visibility": "public"}
    for who, user in _outsiders(musterstadt, alice, carol, dave).items():
        client = _client(user)
        for url in urls:
            assert client.post(url, data).status_code < 500, (who, url)
    assert state() == before


def test_internal_pages_are_missing_for_non_members(scene, alice, carol, dave, musterstadt):
    lab = scene.lab.slug
    internal = [
        reverse("labs:subproject", kwargs={"lab_slug": lab, "subproject_id": scene.internal_subproject_id}),
        reverse("labs:note", kwargs={"lab_slug": lab, "subproject_id": scene.public_subproject_id,
                                     "note_id": scene.internal_note_id}),
        reverse("labs:document", kwargs={"lab_slug": lab, "subproject_id": scene.public_subproject_id,
                                         "document_id": scene.internal_document_id}),
        reverse("labs:news", kwargs={"lab_slug": lab, "news_id": scene.internal_news_id}),
    ]
    for who, user in _outsiders(musterstadt, alice, carol, dave).items():
        client = _client(user)
        for url in internal:
            assert client.get(url).status_code == 404, (who, url)


def test_a_member_sees_the_internal_items_on_the_same_routes(scene):
    client = _client(scene.partner)
    home = _text(client.get(scene.lab.get_absolute_url()))
    assert f"{SECRET} Teilprojekt" in home and f"{SECRET} Neuigkeit" in home and f"{SECRET} Treffen" in home
    page = _text(client.get(reverse("labs:subproject", kwargs={"lab_slug": scene.lab.slug,
                                                               "subproject_id": scene.public_subproject_id})))
    assert f"{SECRET} Aufgabe" in page and f"{SECRET} Notiz" in page and f"{SECRET} Dokument" in page
    document = client.get(reverse("labs:document", kwargs={
        "lab_slug": scene.lab.slug, "subproject_id": scene.public_subproject_id,
        "document_id": scene.internal_document_id}))
    assert document.status_code == 200 and document["Cache-Control"] == "private, no-store"


def test_the_search_finds_only_public_items(scene, musterstadt, alice, carol, dave):
    indexed = " ".join(SearchDocument.objects.values_list("title", flat=True))
    assert "Offenes Teilprojekt" in indexed and "Offene Neuigkeit" in indexed
    assert SECRET not in indexed and SECRET not in " ".join(SearchDocument.objects.values_list("body", flat=True))
    for who, user in _outsiders(musterstadt, alice, carol, dave).items():
        client = _client(user)
        for municipality in (musterstadt, scene.neighbour):
            for query in ("Teilprojekt", "Neuigkeit", "Aufgabe", "Notiz", "Ziel", "Treffen", "Dokument"):
                for url in (reverse("search:municipality_search", kwargs={"municipality_slug": municipality.slug}),
                            reverse("search:search")):
                    assert SECRET not in _text(client.get(url, {"q": query})), (who, url, query)


def test_a_sub_project_made_internal_leaves_the_search_and_its_news_with_it(scene):
    from kommune.labs.models import SubProject
    from kommune.labs.services import do_set_visibility

    public = SubProject.objects.get(pk=scene.public_subproject_id)
    do_set_visibility(item=public, actor=scene.lead, visibility="internal")
    titles = " ".join(SearchDocument.objects.values_list("title", flat=True))
    assert "Offenes Teilprojekt" not in titles and "Offene Neuigkeit" not in titles


def test_the_feeds_show_only_public_news(scene, musterstadt, alice, carol, dave):
    feeds = [reverse("labs:news_feed", kwargs={"lab_slug": scene.lab.slug})]
    feeds += [reverse("notifications:municipality_feed", kwargs={"municipality_slug": m.slug})
              for m in (musterstadt, scene.neighbour)]
    for who, user in {**_outsiders(musterstadt, alice, carol, dave), "member": scene.partner}.items():
        client = _client(user)
        for url in feeds:
            response = client.get(url)
            assert response.status_code == 200
            assert SECRET not in _text(response), (who, url)
    assert "Offene Neuigkeit" in _text(Client().get(feeds[0]))


def _api_get(client: Client, path: str, token: str = ""):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return client.get(path, headers=headers)


def test_the_api_reads_internal_items_only_with_a_member_s_token(scene, alice, carol, dave):
    from kommune.core.api.services import do_create_access_token

    base = f"/api/v1/labs/{scene.lab.slug}"
    paths = [f"{base}/subprojects", f"{base}/news", f"{base}/subprojects/{scene.public_subproject_id}",
             f"{base}/subprojects/{scene.internal_subproject_id}"]
    client = Client()
    tokens = {"anonymous": ""} | {name: do_create_access_token(user=user, name="Test", scope="read")[1]
                                  for name, user in (("resident", alice), ("member municipality's staff", carol),
                                                     ("foreign staff", dave))}
    for who, token in tokens.items():
        for path in paths:
            response = _api_get(client, path, token)
            assert response.status_code in (200, 404), (who, path)
            assert SECRET not in response.content.decode(), (who, path)
        assert _api_get(client, paths[3], token).status_code == 404
    member_token = do_create_access_token(user=scene.partner, name="Test", scope="read")[1]
    listed = json.loads(_api_get(client, paths[0], member_token).content)
    assert {item["visibility"] for item in listed["items"]} == {"public", "internal"}
    detail = _api_get(client, paths[2], member_token).content.decode()
    assert f"{SECRET} Aufgabe" in detail and f"{SECRET} Notiz" in detail


def test_no_record_set_holds_an_internal_item(scene, musterstadt):
    for municipality in (musterstadt, scene.neighbour):
        for record_set in record_sets():
            rows = list(record_set.rows(municipality))
            assert SECRET not in repr(rows), (record_set.key, municipality.slug)
    from kommune.core.records import record_set as record_set_by_key

    rows = list(record_set_by_key("lab_subprojects").rows(musterstadt))
    assert [row["title"] for row in rows] == [f"Offenes Teilprojekt {scene.lab.slug}"]
    assert rows[0]["municipalities"].count(";") == 1


def test_the_walk_is_not_fooled_by_a_cache(scene):
    cache.clear()
    assert SECRET not in _text(Client().get(scene.lab.get_absolute_url()))
    assert get_resolver().resolve(scene.lab.get_absolute_url()).func.__module__ == "kommune.labs.views"
