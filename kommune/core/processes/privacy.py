"""The processes app's part of a person's data export: the news items they wrote as staff."""

from kommune.core.processes.models import ProcessNews


def export_news(user) -> list[dict]:
    news = ProcessNews.objects.filter(author=user).select_related("municipality", "process").order_by("published_at")
    return [
        {"municipality": item.municipality.name, "process": item.process.title, "title": item.title,
         "text": item.text, "published_at": item.published_at.isoformat()}
        for item in news
    ]
