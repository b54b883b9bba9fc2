"""Demo content: Musterstadt's hedges along the field paths, street trees, beds and water points, some adopted by
the demo resident with a care log. Idempotent: assets are imported by their ids, adoptions and entries are only
added when missing."""

import io
import json
from datetime import date, timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from kommune.adoptions import services
from kommune.adoptions.models import Adoption, Asset, CareEntry, CareKind
from kommune.core.demo import DemoData


def _line(*points: tuple[float, float]) -> dict:
    return {"type": "LineString", "coordinates": [[lng, lat] for lat, lng in points]}


def _point(lat: float, lng: float) -> dict:
    return {"type": "Point", "coordinates": [lng, lat]}


ASSETS = [
    ("hecke-muehlenbach", "hedge", "Hecke am Feldweg Mühlenbach",
     "Schlehen- und Weißdornhecke, etwa 180 m, Lebensraum für Neuntöter und Goldammer.",
     _line((51.9702, 7.6052), (51.9709, 7.6071), (51.9716, 7.6090))),
    ("hecke-kirchpfad", "hedge", "Hecke am Kirchpfad", "Gemischte Feldhecke mit Hasel und Holunder, etwa 120 m.",
     _line((51.9583, 7.6402), (51.9590, 7.6415), (51.9594, 7.6431))),
    ("hecke-sportplatz", "hedge", "Hecke hinter dem Sportplatz", "Liguster und Hainbuche, etwa 90 m.",
     _line((51.9649, 7.6178), (51.9652, 7.6196))),
    ("hecke-obstwiese", "hedge", "Benjeshecke an der Obstwiese", "Totholzhecke, 2024 von der Grundschule angelegt.",
     _line((51.9531, 7.6301), (51.9536, 7.6322))),
    ("baum-linde-markt", "tree", "Linde am Marktplatz", "Winterlinde, gepflanzt 1998.", _point(51.9625, 7.6258)),
    ("baum-ahorn-schule", "tree", "Ahorn vor der Grundschule", "Spitzahorn, junger Straßenbaum.",
     _point(51.9661, 7.6213)),
    ("baum-eiche-park", "tree", "Eiche im Stadtpark", "Stieleiche, Jungbaum von 2023.", _point(51.9557, 7.6325)),
    ("baum-kirsche-nord", "tree", "Kirschbaum Nordviertel", "Vogelkirsche am Spielplatz.", _point(51.9753, 7.6199)),
    ("beet-rathaus", "bed", "Staudenbeet am Rathaus", "Insektenfreundliches Beet, etwa 20 m².",
     _point(51.9617, 7.6281)),
    ("beet-bahnhof", "bed", "Blühstreifen am Bahnhof", "Wildblumen, etwa 60 m².", _point(51.9569, 7.6354)),
    ("bank-promenade", "bench", "Bank an der Promenade", "Holzbank mit Blick auf den Teich.",
     _point(51.9598, 7.6229)),
    ("wasser-friedhof", "water_point", "Wasserstelle am Friedhof", "Zapfstelle für Gießkannen, April bis Oktober.",
     _point(51.9677, 7.6337)),
]


def _geojson() -> str:
    return json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "id": key, "geometry": geometry,
         "properties": {"kind": kind, "name": name, "description": description}}
        for key, kind, name, description, geometry in ASSETS]})


def _photo() -> SimpleUploadedFile:
    """A small green picture (the demo has no real photos)."""
    from PIL import Image

    output = io.BytesIO()
    Image.new("RGB", (320, 200), (76, 140, 60)).save(output, format="JPEG")
    return SimpleUploadedFile("giessen.jpg", output.getvalue(), content_type="image/jpeg")


def _day(days_ago: int) -> date:
    today = timezone.localdate()
    return max(date(today.year, 1, 1), today - timedelta(days=days_ago))


def seed_adoptions(data: DemoData) -> None:
    municipality = data.municipality
    known = set(Asset.objects.filter(municipality=municipality).values_list("external_id", flat=True))
    if not {key for key, *_rest in ASSETS} <= known:
        services.do_import_assets(municipality=municipality, actor=data.staff, geojson=_geojson())
    season = timezone.localdate().year
    for key, public_name in (("hecke-muehlenbach", "Familie Yilmaz"), ("baum-linde-markt", "Nachbarschaft Markt"),
                             ("beet-rathaus", "")):
        asset = Asset.objects.get(municipality=municipality, external_id=key)
        if Adoption.objects.filter(asset=asset, season=season).exists():
            continue
        adoption = services.do_adopt(asset=asset, actor=data.resident, public_name=public_name, season=season)
        if CareEntry.objects.filter(adoption=adoption).exists():
            continue
        services.do_record_care(adoption=adoption, actor=data.resident, kind=CareKind.WATERING, done_on=_day(40),
                                note="Zwei Kannen, der Boden war sehr trocken.", photo=_photo(),
                                photo_alt="Frisch gegossener Boden am Fuß der Pflanzen")
        services.do_record_care(adoption=adoption, actor=data.resident, kind=CareKind.CLEANING, done_on=_day(20),
                                note="Müll aufgesammelt: ein halber Sack.")
    _seed_assisted_adoption(data, season)


def _seed_assisted_adoption(data: DemoData, season: int) -> None:
    """The senior group that phoned the town hall: adopted and cared for through staff (assisted entry)."""
    asset = Asset.objects.get(municipality=data.municipality, external_id="hecke-kirchpfad")
    if Adoption.objects.filter(asset=asset, season=season).exists():
        return
    adoption = services.do_adopt_for_resident(asset=asset, actor=data.staff, public_name="Seniorentreff Kirchpfad",
                                              contact="0251 987654", channel="phone", season=season)
    services.do_record_care(adoption=adoption, actor=data.staff, kind=CareKind.CLEANING, done_on=_day(10),
                            note="Laub und Äste vom Weg geräumt (telefonisch gemeldet).", channel="phone")
