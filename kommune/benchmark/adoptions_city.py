"""Adoptions of public green in the generated city (generate_city): the largest municipality offers 3,000 assets
(trees, hedges, beds, benches, water points; half a proposal each at small scales, 50 at least) around its
centre, two in five adopted this season by a resident (some entered by staff for someone who phoned), one in ten
adopted last season and given back, and the adopters' care entries of this season. Measured: the list of assets
``/<slug>/patenschaften/`` (bench: "adoptions: assets").

Assets, adoptions and care entries go in through the generator's bulk loader; at most one running adoption per
asset and season (the app's constraint), the assets' search documents made by the registered searchable.
"""

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db import models
from django.utils import timezone

from kommune.adoptions.models import Adoption, Asset, AssetKind, AssistedChannel, CareEntry, CareKind
from kommune.benchmark.processes_city import json_value

MODELS_WITH_IDS: list[type[models.Model]] = [Asset, Adoption]
MAX_ASSETS = 3_000
ADOPTED_SHARE, PAST_SHARE, ASSISTED_SHARE = 0.4, 0.1, 0.05
STREETS = ["Lindenallee", "Hauptstraße", "Schulstraße", "Am Stadtpark", "Bahnhofstraße", "Kirchplatz", "Mühlenweg",
           "Gartenstraße", "Marktplatz", "Rosenweg"]
NAMES = {AssetKind.TREE: "Baum", AssetKind.HEDGE: "Hecke", AssetKind.BED: "Beet", AssetKind.BENCH: "Bank",
         AssetKind.WATER_POINT: "Wasserstelle"}
PUBLIC_NAMES = ["Familie {last}", "Kita Sonnenschein", "{first} aus der Nachbarschaft", "Hausgemeinschaft Nr. 12",
                "Grundschule am Park", "{first} und {first2}"]
FIRST, LAST = ["Anna", "Jonas", "Ayşe", "Piotr", "Lena", "Mehmet", "Klaus"], ["Yılmaz", "Weber", "Nowak", "Schulz"]


def asset_count(proposals: int) -> int:
    return min(MAX_ASSETS, max(50, proposals // 2))


def adoption_tables(table: Any) -> dict[str, Any]:
    """The loader's tables (``table`` is generate_city.Table), in the order of their foreign keys."""
    return {
        "adoption_asset": table(Asset, ["id", "municipality_id", "kind", "name", "description", "geometry",
                                        "latitude", "longitude", "external_id", "created_at", "updated_at"]),
        "adoption_adoption": table(Adoption, ["id", "municipality_id", "asset_id", "season", "user_id",
                                              "public_name", "adopted_at", "ended_at", "channel", "contact"]),
        "adoption_care": table(CareEntry, ["municipality_id", "adoption_id", "asset_id", "author_id", "kind",
                                           "done_on", "note", "channel", "created_at"]),
    }


def generate_adoptions(generator: Any) -> int:
    """Called by generate_city's Generator inside its bulk-loading transaction; returns the number of assets."""
    rnd, now, tables, add = generator.random, generator.now, generator.tables, generator.loader.add
    place = generator.places[0]
    municipality, people = place.municipality, place.people
    searchable, content_type = _searchable()
    season, today = now.year, now.date()
    season_start = date(season, 3, 1) if today >= date(season, 3, 1) else date(season, 1, 1)
    first_asset, next_adoption = _next_id(Asset), _next_id(Adoption)
    asset = Asset(municipality=municipality)  # refilled per row for the search document
    total, adopted, entries = asset_count(generator.scale.proposals), 0, 0
    for n in range(total):
        kind = rnd.choices(list(NAMES), [6, 2, 2, 1, 0.5])[0]
        latitude = Decimal(f"{place.center[0] + rnd.uniform(-0.03, 0.03):.6f}")
        longitude = Decimal(f"{place.center[1] + rnd.uniform(-0.05, 0.05):.6f}")
        name = f"{NAMES[kind]} {rnd.choice(STREETS)} {n + 1}"
        created = now - timedelta(days=rnd.randint(30, 900))
        asset.pk, asset.kind, asset.name, asset.description = first_asset + n, kind, name, ""
        add(tables["adoption_asset"], (
            asset.pk, municipality.pk, kind, name, "", json_value({"type": "Point",
                                                                  "coordinates": [float(longitude), float(latitude)]}),
            latitude, longitude, f"gruenflaechen-{n + 1}", created, created))
        generator._document(searchable, content_type, asset)
        draw = rnd.random()
        if draw < PAST_SHARE:  # last season's adopters gave it back at the end of the year
            adopted_at = now.replace(year=season - 1, month=4, day=1) + timedelta(days=rnd.randint(0, 60))
            add(tables["adoption_adoption"], (next_adoption, municipality.pk, asset.pk, season - 1,
                                              rnd.randrange(people.start, people.stop), _public_name(rnd),
                                              adopted_at, now.replace(year=season - 1, month=12, day=31), "", ""))
            next_adoption += 1
        elif draw < PAST_SHARE + ADOPTED_SHARE:
            assisted = rnd.random() < ASSISTED_SHARE
            user = None if assisted else rnd.randrange(people.start, people.stop)
            adopted_at = min(now, now.replace(month=1, day=1) + timedelta(days=rnd.randint(0, 200)))
            add(tables["adoption_adoption"], (
                next_adoption, municipality.pk, asset.pk, season, user, _public_name(rnd), adopted_at, None,
                AssistedChannel.PHONE if assisted else "", "0171 2345678" if assisted else ""))
            since = max(season_start, timezone.localtime(adopted_at).date())  # the day in Germany, as shown
            for _ in range(rnd.randint(0, 5)):
                done = since + timedelta(days=rnd.randrange(max(1, (today - since).days + 1)))
                add(tables["adoption_care"], (
                    municipality.pk, next_adoption, asset.pk, user, rnd.choice(list(CareKind.values)), done,
                    "Alles in Ordnung." if rnd.random() < 0.3 else "", AssistedChannel.PHONE if assisted else "", now))
                entries += 1
            next_adoption += 1
            adopted += 1
    generator.out(f"  {total:,} assets to adopt, {adopted:,} adopted this season, {entries:,} care entries")
    return total


def _public_name(rnd: Any) -> str:
    return rnd.choice(PUBLIC_NAMES).format(first=rnd.choice(FIRST), first2=rnd.choice(FIRST), last=rnd.choice(LAST))


def _searchable() -> tuple[Any, Any]:
    from django.contrib.contenttypes.models import ContentType

    from kommune.core.search.registry import searchable_for

    return searchable_for(Asset), ContentType.objects.get_for_model(Asset)


def _next_id(model: type[models.Model]) -> int:
    return (model._default_manager.aggregate(top=models.Max("pk"))["top"] or 0) + 1
