"""Adoptions of public green: importing assets, adopting, the care log with the cutting ban, photos without
EXIF, the pages, the open data and the personal-data export."""

import io
import json
from datetime import date

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from kommune.adoptions import records, services
from kommune.adoptions.models import Adoption, Asset, CareEntry, CareKind
from kommune.core.notifications.models import Notification
from kommune.core.privacy import export_sections
from tests.factories import UserFactory

HEDGE = {"type": "Feature", "id": "h1", "properties": {"kind": "Hecke", "name": "Hecke am Feldweg"},
         "geometry": {"type": "LineString", "coordinates": [[7.60, 51.97], [7.61, 51.971], [7.62, 51.972]]}}
TREE = {"type": "Feature", "id": "t1", "properties": {"kind": "tree", "name": "Linde am Markt"},
        "geometry": {"type": "Point", "coordinates": [7.6258, 51.9625]}}
JUNE = date(2026, 6, 15)


@pytest.fixture(autouse=True)
def _messages_in_english():
    # The services' messages are compared with their English source; the pages speak German.
    from django.utils import translation

    with translation.override("en"):
        yield


def collection(*features) -> str:
    return json.dumps({"type": "FeatureCollection", "features": list(features)})


@pytest.fixture
def assets(musterstadt, carol):
    services.do_import_assets(municipality=musterstadt, actor=carol, geojson=collection(HEDGE, TREE))
    return {asset.external_id: asset for asset in Asset.objects.filter(municipality=musterstadt)}


def jpeg_with_gps() -> SimpleUploadedFile:
    image = Image.new("RGB", (40, 30), (0, 128, 0))
    exif = Image.Exif()
    exif[0x010F] = "Kamerahersteller"  # Make
    exif[0x8825] = {2: (51.0, 58.0, 0.0), 1: "N"}  # GPSInfo
    output = io.BytesIO()
    image.save(output, format="JPEG", exif=exif)
    return SimpleUploadedFile("foto.jpg", output.getvalue(), content_type="image/jpeg")


# --- Import -----------------------------------------------------------------------------------------------------


def test_an_import_creates_points_and_lines_and_a_second_import_updates_them(musterstadt, carol, assets):
    hedge = assets["h1"]
    assert hedge.kind == "hedge" and hedge.is_line
    assert (float(hedge.latitude), float(hedge.longitude)) == (51.971, 7.61)  # the middle vertex
    renamed = dict(TREE, properties={"kind": "tree", "name": "Winterlinde am Markt"})
    result = services.do_import_assets(municipality=musterstadt, actor=carol, geojson=collection(HEDGE, renamed))
    assert (result.created, result.updated) == (0, 2)
    assert Asset.objects.get(external_id="t1").name == "Winterlinde am Markt"
    assert Asset.objects.count() == 2


@pytest.mark.parametrize("geojson, message", [
    ("{not json", "not valid GeoJSON"),
    ('{"type": "Feature"}', "FeatureCollection"),
    (collection(), "no features"),
    (collection(dict(TREE, geometry={"type": "Polygon", "coordinates": []})), "Point and LineString"),
    (collection(dict(TREE, properties={"kind": "castle", "name": "Burg"})), "kind"),
    (collection(dict(TREE, properties={"kind": "tree"})), "name"),
    (collection(dict(TREE, geometry={"type": "Point", "coordinates": [700, 51]})), "outside"),
    ("[" * 5000 + "]" * 5000, "not valid GeoJSON"),
])
def test_a_bad_import_names_the_problem_and_imports_nothing(musterstadt, carol, geojson, message):
    with pytest.raises(ValidationError) as error:
        services.do_import_assets(municipality=musterstadt, actor=carol, geojson=geojson)
    assert message in " ".join(error.value.messages)
    assert not Asset.objects.exists()


def test_one_bad_feature_rejects_the_whole_file(musterstadt, carol):
    with pytest.raises(ValidationError, match="Feature 2"):
        services.do_import_assets(municipality=musterstadt, actor=carol,
                                  geojson=collection(HEDGE, dict(TREE, geometry=None)))
    assert not Asset.objects.exists()


def test_only_staff_import(musterstadt, alice, dave):
    for person in (alice, dave):
        with pytest.raises(PermissionDenied):
            services.do_import_assets(municipality=musterstadt, actor=person, geojson=collection(TREE))


# --- Adopting ---------------------------------------------------------------------------------------------------


def test_a_resident_adopts_a_free_asset_and_a_second_adoption_is_refused(assets, alice):
    tree = assets["t1"]
    adoption = services.do_adopt(asset=tree, actor=alice, public_name="Familie Sommer")
    assert adoption.is_running and adoption.public_name == "Familie Sommer"
    other = UserFactory()
    other.memberships.create(municipality=tree.municipality, role="resident")
    with pytest.raises(ValidationError, match="already adopted"):
        services.do_adopt(asset=tree, actor=other)
    assert Adoption.objects.count() == 1


def test_a_person_of_another_municipality_or_without_a_confirmed_address_cannot_adopt(assets, dave, alice):
    with pytest.raises(PermissionDenied):
        services.do_adopt(asset=assets["t1"], actor=dave)
    alice.email_confirmed_at = None
    alice.save()
    with pytest.raises(PermissionDenied):
        services.do_adopt(asset=assets["t1"], actor=alice)


def test_giving_back_frees_the_asset(assets, alice, carol):
    adoption = services.do_adopt(asset=assets["t1"], actor=alice)
    services.do_end_adoption(adoption=adoption, actor=alice)
    with pytest.raises(ValidationError, match="already ended"):
        services.do_end_adoption(adoption=adoption, actor=carol)
    assert services.do_adopt(asset=assets["t1"], actor=carol).is_running


# --- Care log and the cutting ban -------------------------------------------------------------------------------


@time_machine.travel("2026-06-20 10:00 +0200")
def test_cutting_back_a_hedge_in_june_is_refused_with_the_reason(assets, alice):
    adoption = services.do_adopt(asset=assets["h1"], actor=alice)
    with pytest.raises(ValidationError) as error:
        services.do_record_care(adoption=adoption, actor=alice, kind=CareKind.CUTTING, done_on=JUNE)
    assert "1 March to 30 September" in str(error.value.message_dict["kind"])
    assert not CareEntry.objects.exists()
    services.do_record_care(adoption=adoption, actor=alice, kind=CareKind.TRIMMING, done_on=JUNE)
    assert CareEntry.objects.get().kind == "trimming"


@time_machine.travel("2026-11-20 10:00 +0100")
def test_cutting_back_is_allowed_in_november_and_the_ban_does_not_touch_beds(musterstadt, carol, assets, alice):
    adoption = services.do_adopt(asset=assets["h1"], actor=alice)
    services.do_record_care(adoption=adoption, actor=alice, kind=CareKind.CUTTING, done_on=date(2026, 11, 2))
    assert services.cutting_ban_applies(assets["h1"], CareKind.CUTTING, date(2026, 3, 1))
    assert services.cutting_ban_applies(assets["h1"], CareKind.CUTTING, date(2026, 9, 30))
    assert not services.cutting_ban_applies(assets["h1"], CareKind.CUTTING, date(2026, 10, 1))
    bed = Asset(kind="bed")
    assert not services.cutting_ban_applies(bed, CareKind.CUTTING, JUNE)


@time_machine.travel("2026-06-20 10:00 +0200")
def test_a_watering_with_a_photo_is_stored_without_exif_and_shown(client, assets, alice):
    adoption = services.do_adopt(asset=assets["t1"], actor=alice)
    client.force_login(alice)
    url = reverse("adoptions:care", kwargs={"municipality_slug": "musterstadt", "asset_id": assets["t1"].pk})
    response = client.post(url, {"kind": "watering", "done_on": "2026-06-19", "note": "Zwei Kannen",
                                 "photo": jpeg_with_gps(), "photo_alt": "Gegossener Baum"})
    assert response.status_code == 302
    entry = CareEntry.objects.get(adoption=adoption)
    with Image.open(entry.photo) as stored:
        assert not stored.getexif()
    page = client.get(assets["t1"].get_absolute_url()).content.decode()
    assert "Zwei Kannen" in page and 'alt="Gegossener Baum"' in page
    photo = client.get(reverse("adoptions:photo", kwargs={"municipality_slug": "musterstadt",
                                                          "asset_id": assets["t1"].pk, "entry_id": entry.pk}))
    assert photo.status_code == 200 and photo["Content-Type"] == "image/jpeg"


@time_machine.travel("2026-06-20 10:00 +0200")
def test_the_care_form_shows_the_reason_of_a_refused_cut_and_changes_nothing(client, assets, alice):
    services.do_adopt(asset=assets["h1"], actor=alice)
    client.force_login(alice)
    url = reverse("adoptions:care", kwargs={"municipality_slug": "musterstadt", "asset_id": assets["h1"].pk})
    response = client.post(url, {"kind": "cutting", "done_on": "2026-06-19"})
    assert response.status_code == 400
    assert "Bundesnaturschutzgesetz" in response.content.decode() or "Nature Conservation" in response.content.decode()
    assert not CareEntry.objects.exists()


@time_machine.travel("2026-06-20 10:00 +0200")
@pytest.mark.parametrize("fields, problem", [
    ({"kind": "watering", "done_on": "2026-06-30"}, "future"),
    ({"kind": "watering", "done_on": "2025-06-01"}, "outside the season"),
    ({"kind": "flying", "done_on": "2026-06-01"}, "choose"),
])
def test_bad_care_entries_are_refused(assets, alice, fields, problem):
    adoption = services.do_adopt(asset=assets["t1"], actor=alice)
    with pytest.raises(ValidationError, match=problem):
        services.do_record_care(adoption=adoption, actor=alice, kind=fields["kind"],
                                done_on=date.fromisoformat(fields["done_on"]))
    assert not CareEntry.objects.exists()


def test_a_broken_photo_or_one_without_description_is_refused(assets, alice):
    adoption = services.do_adopt(asset=assets["t1"], actor=alice)
    broken = SimpleUploadedFile("x.jpg", b"not an image", content_type="image/jpeg")
    with pytest.raises(ValidationError) as error:
        services.do_record_care(adoption=adoption, actor=alice, kind="watering", done_on=timezone.localdate(),
                                photo=broken)
    assert set(error.value.message_dict) == {"photo", "photo_alt"}
    assert not CareEntry.objects.exists()


def test_only_the_adopter_records_care(assets, alice, carol):
    adoption = services.do_adopt(asset=assets["t1"], actor=alice)
    with pytest.raises(PermissionDenied):
        services.do_record_care(adoption=adoption, actor=carol, kind="watering", done_on=timezone.localdate())


def test_followers_hear_of_new_care_entries(assets, alice, carol):
    from kommune.core.notifications.services import do_follow

    do_follow(user=carol, target=assets["t1"])
    adoption = services.do_adopt(asset=assets["t1"], actor=alice)
    services.do_record_care(adoption=adoption, actor=alice, kind="watering", done_on=timezone.localdate())
    assert Notification.objects.filter(user=carol).count() == 2  # adopted, care recorded


# --- Pages ------------------------------------------------------------------------------------------------------


def test_the_list_and_map_filter_free_and_adopted_assets(client, assets, alice):
    services.do_adopt(asset=assets["t1"], actor=alice, public_name="Familie Sommer")
    url = reverse("adoptions:list", kwargs={"municipality_slug": "musterstadt"})
    free = client.get(url, {"state": "free"}).content.decode()
    assert "Hecke am Feldweg" in free and "Linde am Markt" not in free
    adopted = client.get(reverse("adoptions:map", kwargs={"municipality_slug": "musterstadt"}),
                         {"state": "adopted"}).content.decode()
    assert "Linde am Markt" in adopted and "Familie Sommer" in adopted and "Hecke am Feldweg" not in adopted
    assert client.get(url, {"cursor": "garbage"}).status_code == 400


def test_the_list_costs_the_same_queries_for_many_assets(client, musterstadt, carol, django_assert_max_num_queries):
    features = [dict(TREE, id=f"t{n}", properties={"kind": "tree", "name": f"Baum {n}"}) for n in range(40)]
    services.do_import_assets(municipality=musterstadt, actor=carol, geojson=collection(*features))
    url = reverse("adoptions:list", kwargs={"municipality_slug": "musterstadt"})
    with django_assert_max_num_queries(6):
        assert client.get(url).status_code == 200


def test_an_asset_of_another_municipality_is_not_found(client, assets, anderstadt):
    url = reverse("adoptions:asset", kwargs={"municipality_slug": "anderstadt", "asset_id": assets["t1"].pk})
    assert client.get(url).status_code == 404


def test_staff_import_a_file_through_the_page(client, musterstadt, carol):
    client.force_login(carol)
    url = reverse("adoptions:import", kwargs={"municipality_slug": "musterstadt"})
    upload = SimpleUploadedFile("gruen.geojson", collection(TREE).encode(), content_type="application/geo+json")
    assert client.post(url, {"file": upload}).status_code == 302
    bad = SimpleUploadedFile("gruen.geojson", b"{", content_type="application/geo+json")
    response = client.post(url, {"file": bad})
    assert response.status_code == 400 and Asset.objects.count() == 1


# --- Open data and privacy --------------------------------------------------------------------------------------


@time_machine.travel("2026-11-20 10:00 +0100")
def test_the_season_summary_counts_care_without_personal_data(musterstadt, assets, alice):
    adoption = services.do_adopt(asset=assets["h1"], actor=alice, public_name="Hecken-AG")
    for day in (3, 5):
        services.do_record_care(adoption=adoption, actor=alice, kind="watering", done_on=date(2026, 11, day),
                                note="privat")
    services.do_record_care(adoption=adoption, actor=alice, kind="cutting", done_on=date(2026, 11, 10))
    rows = {row["id"]: row for row in records.rows(musterstadt)}
    hedge = rows[f"{assets['h1'].pk}-2026"]
    assert hedge["adopted"] and hedge["adopted_by"] == "Hecken-AG"
    assert (hedge["watering_count"], hedge["cutting_count"], hedge["last_care_on"]) == (2, 1, date(2026, 11, 10))
    assert rows[f"{assets['t1'].pk}-2026"]["adopted"] is False
    assert "privat" not in json.dumps(list(rows.values()), default=str)
    assert alice.email not in json.dumps(list(rows.values()), default=str)
    columns = [column.name for column in records.COLUMNS]
    assert all(set(row) == set(columns) for row in rows.values())


def test_the_export_holds_the_adoptions_and_deletion_frees_the_asset(assets, alice):
    from kommune.core.privacy import run_anonymisers

    adoption = services.do_adopt(asset=assets["t1"], actor=alice)
    services.do_record_care(adoption=adoption, actor=alice, kind="watering", done_on=timezone.localdate(),
                            note="Gegossen")
    sections = export_sections(alice)
    assert sections["adoptions"][0]["asset"] == "Linde am Markt"
    assert sections["adoption_care_entries"][0]["note"] == "Gegossen"
    run_anonymisers(alice)
    assert not Adoption.objects.get(pk=adoption.pk).is_running


# --- REST API ---------------------------------------------------------------------------------------------------


def test_the_api_lists_and_reads_assets_and_a_resident_adopts_one(assets, alice, dave):
    from tests.factories_api import ApiClient, api_token, error_of

    anonymous = ApiClient()
    listed = anonymous.get("municipalities/musterstadt/adoption-assets?kind=tree")
    assert listed.status_code == 200
    assert [item["name"] for item in listed.json()["items"]] == ["Linde am Markt"]
    tree = assets["t1"]
    path = f"municipalities/musterstadt/adoption-assets/{tree.pk}"
    assert anonymous.get(path).json()["adopted"] is False
    created = ApiClient(api_token(alice)).post(path + "/adoptions", {"public_name": "Familie Sommer"})
    assert created.status_code == 201 and created.json()["public_name"] == "Familie Sommer"
    detail = anonymous.get(path).json()
    assert detail["adopted"] and detail["adopted_by"] == "Familie Sommer" and detail["care_log"] == []
    again = ApiClient(api_token(dave)).post(path + "/adoptions", {})
    assert again.status_code == 403 and error_of(again)
    assert anonymous.get(f"municipalities/anderstadt/adoption-assets/{tree.pk}").status_code == 404
    assert error_of(anonymous.get("municipalities/musterstadt/adoption-assets?cursor=kaputt"))["code"]
    assert Adoption.objects.count() == 1
