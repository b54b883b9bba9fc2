"""The e-mails of the newsletters: the confirmation link (double opt-in) and an issue. An issue carries the
one-click unsubscribe of RFC 8058: ``List-Unsubscribe`` with the HTTPS link and ``List-Unsubscribe-Post:
List-Unsubscribe=One-Click``; the mail provider POSTs to that link without a session, and the address is deleted."""

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from kommune.core.notifications.mails import NotificationEmail
from kommune.newsletters.models import Newsletter, Subscriber
from kommune.newsletters.tokens import confirm_url, unsubscribe_url


def confirmation_message(subscriber: Subscriber) -> EmailMessage:
    municipality = subscriber.municipality
    body = render_to_string("newsletters/mail/confirm.txt", {
        "subscriber": subscriber, "municipality": municipality, "confirm_url": confirm_url(subscriber),
        "assisted": subscriber.entered_by_id is not None,
    })
    return EmailMessage(subject=_("Please confirm: newsletter of %(name)s") % {"name": municipality.name},
                        body=body, to=[subscriber.email], headers={"Auto-Submitted": "auto-generated"})


def newsletter_message(newsletter: Newsletter, subscriber: Subscriber) -> EmailMessage:
    link = unsubscribe_url(subscriber)
    body = render_to_string("newsletters/mail/issue.txt", {
        "newsletter": newsletter, "municipality": newsletter.municipality, "sections": newsletter.block_snapshot,
        "site_url": settings.SITE_URL, "unsubscribe_url": link,
        "issue_url": settings.SITE_URL + newsletter.get_absolute_url(),
    })
    return NotificationEmail(
        subject=f"{newsletter.municipality.name}: {newsletter.title}", body=body, to=[subscriber.email],
        headers={"List-Unsubscribe": f"<{link}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
                 "List-Id": f"<newsletter.{newsletter.municipality.slug}.{settings.SITE_URL.split('//')[-1]}>",
                 "Precedence": "bulk"},
    )
