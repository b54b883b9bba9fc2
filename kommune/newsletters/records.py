"""The record set "newsletters": the sent issues as open data (title, date, topic, district, number of
recipients), never an address or any other personal data."""

from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from kommune.core.models import Municipality
from kommune.core.records import Column, register_record_set
from kommune.newsletters import events
from kommune.newsletters.models import Newsletter

COLUMNS = (
    Column("id", "integer", _("Number of the newsletter on this platform."), required=True),
    Column("title", "string", _("Subject."), required=True),
    Column("sent_at", "datetime", _("When it was sent."), required=True),
    Column("topic", "string", _("Topic it was sent for; empty: all topics.")),
    Column("district", "string", _("District it was sent for; empty: the whole municipality.")),
    Column("recipients", "integer", _("Number of subscribers it was sent to."), required=True),
    Column("url", "string", _("Address of the newsletter in the archive."), required=True),
)


def rows(municipality: Municipality) -> Iterator[dict[str, Any]]:
    issues = (Newsletter.objects.filter(municipality=municipality, status=Newsletter.Status.SENT)
              .values("id", "title", "sent_at", "topic__name", "district__name", "recipient_count")
              .order_by("sent_at", "id"))
    site = settings.SITE_URL.rstrip("/")
    for row in issues.iterator(chunk_size=2000):
        yield {"id": row["id"], "title": row["title"], "sent_at": row["sent_at"], "topic": row["topic__name"] or "",
               "district": row["district__name"] or "", "recipients": row["recipient_count"],
               "url": site + reverse("newsletters:issue", kwargs={"municipality_slug": municipality.slug,
                                                                  "newsletter_id": row["id"]})}


def register() -> None:
    register_record_set(
        key="newsletters", title=_("Newsletters"),
        description=_("The newsletters the municipality sent, with their topic and the number of recipients. "
                      "Without personal data: no addresses."),
        columns=COLUMNS, rows=rows, changed_by=(events.NewsletterSent,), themes=("GOVE",),
        keywords=("Newsletter", "Bürgerinformation"),
    )
