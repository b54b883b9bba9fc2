"""Reads of issue reports that the pages, the REST API and the Open311 interface share. Every list is one query
per page (select_related), paginated with kommune/core/cursor.py."""

import math
from datetime import datetime, timedelta
from decimal import Decimal

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from kommune.core.cursor import KeysetPage, keyset_page
from kommune.core.models import Municipality
from kommune.reports.models import ApiKey, Department, Report, ReportSettings, Service, hash_key

PAGE_SIZE = 20
MAP_LIMIT = 500
METRES_PER_DEGREE = 111_320


def get_settings(municipality: Municipality) -> ReportSettings:
    """The municipality's settings row, or the defaults (unsaved) when staff never changed them."""
    found = ReportSettings.objects.filter(municipality=municipality).first()
    return found or ReportSettings(municipality=municipality)


def services_of(municipality: Municipality, *, active_only: bool = True) -> QuerySet[Service]:
    services = Service.objects.filter(municipality=municipality)
    return services.filter(is_active=True) if active_only else services


def service_by_code(municipality: Municipality, code: str) -> Service | None:
    if not code or len(code) > 60:
        return None
    return (services_of(municipality).filter(code=code).select_related("department")
            .prefetch_related("attributes").first())


def departments_of(municipality: Municipality) -> QuerySet[Department]:
    return Department.objects.filter(municipality=municipality)


def reports_of(municipality: Municipality) -> QuerySet[Report]:
    return Report.objects.filter(municipality=municipality).select_related("municipality", "service", "department")


def _filtered(municipality: Municipality, *, status: str = "", service: Service | None = None) -> QuerySet[Report]:
    reports = reports_of(municipality)
    if status:
        reports = reports.filter(status=status)
    if service is not None:
        reports = reports.filter(service=service)
    return reports


def report_page(municipality: Municipality, *, status: str = "", service: Service | None = None,
                cursor: str | None = None, size: int = PAGE_SIZE) -> KeysetPage:
    """Newest first. Raises kommune.core.cursor.InvalidCursor."""
    return keyset_page(_filtered(municipality, status=status, service=service), field="created_at", cursor=cursor,
                       size=size)


def report_count(municipality: Municipality, *, status: str = "", service: Service | None = None) -> int:
    reports = Report.objects.filter(municipality=municipality)
    if status:
        reports = reports.filter(status=status)
    if service is not None:
        reports = reports.filter(service=service)
    return reports.count()


def status_counts(municipality: Municipality) -> dict[str, int]:
    rows = Report.objects.filter(municipality=municipality).values("status").annotate(n=Count("id"))
    return {row["status"]: row["n"] for row in rows}


def mapped_reports(reports: list[Report]) -> dict:
    """A GeoJSON FeatureCollection of the reports with a point (macros/map.html)."""
    return {"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [float(r.longitude), float(r.latitude)]},
         "properties": {"title": r.title, "url": r.get_absolute_url(), "text": r.get_status_display()}}
        for r in reports if r.latitude is not None and r.longitude is not None]}


def nearby_open_reports(municipality: Municipality, *, service: Service, latitude: Decimal | None,
                        longitude: Decimal | None, radius: int, limit: int = 5) -> list[Report]:
    """Open reports of the same service within ``radius`` metres of the point, nearest first: offered as "this
    is the same" before a new report is sent. A bounding box in the query, the exact distance here."""
    if latitude is None or longitude is None:
        return []
    lat, lng = float(latitude), float(longitude)
    dlat = radius / METRES_PER_DEGREE
    dlng = radius / (METRES_PER_DEGREE * max(math.cos(math.radians(lat)), 0.01))
    candidates = list(reports_of(municipality).filter(
        service=service, status__in=Report.OPEN_STATES, duplicate_of__isnull=True,
        latitude__range=(Decimal(f"{lat - dlat:.6f}"), Decimal(f"{lat + dlat:.6f}")),
        longitude__range=(Decimal(f"{lng - dlng:.6f}"), Decimal(f"{lng + dlng:.6f}")))[:50])
    with_distance = [(distance_m(lat, lng, float(r.latitude), float(r.longitude)), r) for r in candidates
                     if r.latitude is not None and r.longitude is not None]
    return [report for distance, report in sorted(with_distance, key=lambda pair: pair[0]) if distance <= radius
            ][:limit]


def distance_m(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    """Haversine distance in metres."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi, dlmb = phi2 - phi1, math.radians(lng2 - lng1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlmb / 2) ** 2
    return 2 * 6_371_000 * math.asin(min(1.0, math.sqrt(a)))


# --- Staff ------------------------------------------------------------------------------------------------------


def overdue_q(municipality: Municipality, now: datetime) -> Q:
    """Open reports of ``municipality`` without any answer for longer than its set time."""
    days = get_settings(municipality).answer_days
    return Report.unanswered_q() & Q(municipality=municipality, created_at__lt=now - timedelta(days=days))


def manage_page(municipality: Municipality, *, status: str = "", overdue: bool = False,
                department: Department | None = None, cursor: str | None = None,
                size: int = PAGE_SIZE) -> KeysetPage:
    reports = _filtered(municipality, status=status)
    if overdue:
        reports = reports.filter(overdue_q(municipality, timezone.now()))
    if department is not None:
        reports = reports.filter(department=department)
    return keyset_page(reports, field="created_at", cursor=cursor, size=size)


def overdue_count(municipality: Municipality) -> int:
    return Report.objects.filter(overdue_q(municipality, timezone.now())).count()


def api_keys_of(municipality: Municipality) -> QuerySet[ApiKey]:
    return ApiKey.objects.filter(municipality=municipality)


def api_key_for(municipality: Municipality, raw: str) -> ApiKey | None:
    """The active key of ``municipality`` that ``raw`` is, or None (unknown, revoked, another municipality's)."""
    if not raw or len(raw) > 200:
        return None
    return ApiKey.objects.filter(municipality=municipality, key_hash=hash_key(raw), revoked_at__isnull=True).first()
