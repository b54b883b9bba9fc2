"""The REST API reads of the council information (kommune/council/api.py): papers and meetings."""

import pytest

from kommune.council.models import AgendaItem, Organization, Paper
from tests.factories_council import council

pytestmark = pytest.mark.django_db

BASE = "/api/v1/municipalities/{slug}/council"


def get(client, path: str, **params):
    response = client.get(path, params)
    return response.status_code, response.json()


def test_papers_are_listed_latest_first_with_cursors_and_filters(client, musterstadt, anderstadt):
    built = council(musterstadt, size=3)
    council(anderstadt, size=2)
    motion = Paper.objects.create(municipality=musterstadt, name="Antrag Bänke", paper_type="Antrag")
    Paper.objects.create(municipality=musterstadt, name="Gelöscht", deleted=True)
    url = BASE.format(slug=musterstadt.slug) + "/papers"

    status, first = get(client, url, limit=2)
    assert status == 200 and [item["name"] for item in first["items"]] == ["Antrag Bänke", "Vorlage 2"]
    status, second = get(client, url, limit=2, cursor=first["next"])
    assert [item["name"] for item in second["items"]] == ["Vorlage 1", "Vorlage 0"] and second["next"] is None
    assert first["items"][0]["url"] == f"http://testserver/musterstadt/rat/vorlagen/{motion.pk}/"
    assert [i["id"] for i in get(client, url, paper_type="Antrag")[1]["items"]] == [motion.pk]
    by_committee = get(client, url, committee=built.committee.pk)[1]["items"]
    assert {item["name"] for item in by_committee} == {"Vorlage 0", "Vorlage 1", "Vorlage 2"}
    assert get(client, url, committee=999_999)[1] == {"items": [], "next": None}
    assert get(client, url, cursor="kaputt")[0] == 400
    assert get(client, BASE.format(slug="gibt-es-nicht") + "/papers")[0] == 404


def test_a_paper_with_its_files_and_consultations(client, musterstadt, anderstadt):
    built = council(musterstadt, size=1)
    paper = built.papers[0]
    item = AgendaItem.objects.get(consultations__paper=paper)
    item.result = "einstimmig beschlossen"
    item.save()
    status, data = get(client, BASE.format(slug=musterstadt.slug) + f"/papers/{paper.pk}")
    assert status == 200
    assert data["reference"] == "V/0" and data["originator"]["name"] == "Partei"
    assert [f["name"] for f in data["files"]] == ["Vorlage 0"]
    assert data["files"][0]["download_url"].endswith(f"/oparl/v1.1/body/musterstadt/file/{built.files[0].pk}/download")
    assert data["consultations"] == [{
        "meeting_id": built.meetings[0].pk, "meeting_name": "Sitzung 0",
        "meeting_start": data["consultations"][0]["meeting_start"], "organization": {
            "id": built.committee.pk, "name": "Rat"}, "role": "Entscheidung", "authoritative": True,
        "result": "einstimmig beschlossen"}]
    foreign = council(anderstadt, size=1).papers[0]
    assert get(client, BASE.format(slug=musterstadt.slug) + f"/papers/{foreign.pk}")[0] == 404


def test_meetings_with_their_agenda(client, musterstadt, django_assert_max_num_queries):
    built = council(musterstadt, size=3)
    other = Organization.objects.create(municipality=musterstadt, name="Bauausschuss")
    url = BASE.format(slug=musterstadt.slug) + "/meetings"
    status, listing = get(client, url)
    assert status == 200 and [m["name"] for m in listing["items"]] == ["Sitzung 0", "Sitzung 1", "Sitzung 2"]
    assert get(client, url, committee=other.pk)[1]["items"] == []
    meeting = built.meetings[0]
    status, data = get(client, f"{url}/{meeting.pk}")
    assert status == 200 and data["organization"]["name"] == "Rat"
    assert [f["name"] for f in data["files"]] == ["Einladung 0"]
    assert data["agenda"][0]["name"] == "Punkt 0"
    assert [p["name"] for p in data["agenda"][0]["papers"]] == ["Vorlage 0"]
    assert [f["name"] for f in data["agenda"][0]["files"]] == ["Anlage 0"]


def test_the_operations_are_in_the_openapi_schema(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert {"/api/v1/municipalities/{municipality_slug}/council/papers",
            "/api/v1/municipalities/{municipality_slug}/council/papers/{paper_id}",
            "/api/v1/municipalities/{municipality_slug}/council/meetings",
            "/api/v1/municipalities/{municipality_slug}/council/meetings/{meeting_id}"} <= set(paths)
