"""The REST API of the digital-help network: reads, and registering with a token."""

import pytest

from kommune.core.api.services import do_create_access_token
from kommune.inclusion.models import Registration
from tests.factories_inclusion import EventFactory, PartnerFactory, inclusion_world


def test_places_and_coming_dates_are_read_without_a_token(client, musterstadt):
    objects = inclusion_world(musterstadt)
    places = client.get("/api/v1/municipalities/musterstadt/digital-help/places").json()
    assert [place["slug"] for place in places["items"]] == [objects.partner_slug]
    events = client.get("/api/v1/municipalities/musterstadt/digital-help/events?limit=2").json()
    assert len(events["items"]) == 2 and events["next"]
    rest = client.get(f"/api/v1/municipalities/musterstadt/digital-help/events?cursor={events['next']}").json()
    assert len(rest["items"]) == 3 and rest["next"] is None
    session = next(item for item in rest["items"] if item["course_id"])
    assert session["capacity"] == 8 and session["place"] == objects.partner_slug
    assert client.get("/api/v1/municipalities/musterstadt/digital-help/events?category=online_banking").json()[
        "items"][0]["course_id"] == objects.course_id
    assert client.get("/api/v1/municipalities/musterstadt/digital-help/places/gibt-es-nicht").status_code == 404


@pytest.mark.parametrize("body, status, code", [
    ({"name": "Erna", "email": "erna@example.org"}, 201, None),
    ({"name": "Erna"}, 422, "invalid"),
    ({"name": "Erna", "phone": "0421 1", "unknown": 1}, 422, None),
])
def test_registering_through_the_api(client, musterstadt, alice, body, status, code):
    event = EventFactory(partner=PartnerFactory(municipality=musterstadt))
    _token, secret = do_create_access_token(user=alice, name="Test", scope="write")
    response = client.post(f"/api/v1/municipalities/musterstadt/digital-help/events/{event.pk}/registrations",
                           body, content_type="application/json", headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == status, response.content
    if status == 201:
        assert response.json()["status"] == "confirmed"
        assert Registration.objects.get().user == alice
        again = client.post(f"/api/v1/municipalities/musterstadt/digital-help/events/{event.pk}/registrations",
                            body, content_type="application/json", headers={"Authorization": f"Bearer {secret}"})
        assert again.status_code == 422 and Registration.objects.count() == 1
    else:
        assert not Registration.objects.exists()
        if code:
            assert response.json()["error"]["code"] == code
