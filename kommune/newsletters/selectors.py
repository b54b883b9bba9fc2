"""Reads of the newsletters that the pages, the API, the search and the open data share."""

from django.db.models import Count, Q, QuerySet

from kommune.core.models import Municipality
from kommune.core.processes.models import Topic
from kommune.newsletters.models import District, Newsletter, Subscriber

ARCHIVE_PAGE_SIZE = 20


def sent_newsletters(municipality: Municipality) -> QuerySet[Newsletter]:
    """The public archive: sent issues, newest first."""
    return (Newsletter.objects.filter(municipality=municipality, status=Newsletter.Status.SENT)
            .select_related("municipality", "topic", "district").order_by("-sent_at", "-pk"))


def newsletters_for_staff(municipality: Municipality) -> QuerySet[Newsletter]:
    return (Newsletter.objects.filter(municipality=municipality).select_related("topic", "district", "author")
            .order_by("status", "-sent_at", "-updated_at", "-pk"))


def topics_of(municipality: Municipality) -> QuerySet[Topic]:
    return Topic.objects.filter(municipality=municipality).order_by("name")


def districts_of(municipality: Municipality) -> QuerySet[District]:
    return District.objects.filter(municipality=municipality).order_by("name")


def subscriber_counts(municipality: Municipality) -> dict[str, int]:
    counts = Subscriber.objects.filter(municipality=municipality).aggregate(
        confirmed=Count("pk", filter=Q(status=Subscriber.Status.CONFIRMED)),
        pending=Count("pk", filter=Q(status=Subscriber.Status.PENDING)),
        disabled=Count("pk", filter=Q(status=Subscriber.Status.DISABLED)))
    return {key: value or 0 for key, value in counts.items()}


def bounced_subscribers(municipality: Municipality, limit: int = 50) -> list[Subscriber]:
    return list(Subscriber.objects.filter(municipality=municipality, bounce_count__gt=0)
                .order_by("-bounce_count", "email")[:limit])


def readable_sections(sections: list[dict]) -> list[dict]:
    """Block sections as stored (dates as ISO text) with the dates parsed again, for the templates."""
    from datetime import date, datetime

    def parse(value: str | None) -> date | datetime | None:
        if not value:
            return None
        try:
            return datetime.fromisoformat(value) if "T" in value else date.fromisoformat(value)
        except ValueError:
            return None

    return [{**section, "items": [{**item, "date": parse(item.get("date")),
                                   "is_datetime": "T" in (item.get("date") or "")}
                                  for item in section.get("items", [])]} for section in sections]
