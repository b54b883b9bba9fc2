"""The newsletters in a person's data export and account deletion.

Exported: the subscriptions of the account (address, status, chosen topics and districts, bounces). On account
deletion they are deleted, also a subscription of the account's address made without logging in. A subscriber
without an account deletes the address with the unsubscribe link of every issue (or the page of the archive).
"""

from kommune.core import privacy
from kommune.newsletters.models import Subscriber


def export_subscriptions(user) -> list[dict]:
    rows = (Subscriber.objects.filter(user=user).select_related("municipality")
            .prefetch_related("topic_rows__topic", "district_rows__district").order_by("created_at", "pk"))
    return [{"municipality": row.municipality.name, "email": row.email, "name": row.name, "status": row.status,
             "topics": [r.topic.name for r in row.topic_rows.all()],
             "districts": [r.district.name for r in row.district_rows.all()],
             "bounces": row.bounce_count, "subscribed_at": row.created_at.isoformat(),
             "confirmed_at": row.confirmed_at.isoformat() if row.confirmed_at else None} for row in rows]


def register() -> None:
    from kommune.newsletters import services

    privacy.register_exporter("newsletter_subscriptions", export_subscriptions,
                              covers=["newsletters.Subscriber.user"])
    privacy.register_anonymiser("newsletter_subscriptions", services.delete_subscriptions_of)
    privacy.NOT_EXPORTED.update({
        "newsletters.Newsletter.author": "staff act: writing a newsletter of the municipality",
        "newsletters.Newsletter.sent_by": "staff act: sending a newsletter of the municipality (audited)",
        "newsletters.Subscriber.entered_by": "staff act: entering a person who phoned (audited)",
    })
