"""The notification e-mails: one per notification, or one digest a day; each with a one-click unsubscribe
(RFC 8058: List-Unsubscribe plus List-Unsubscribe-Post, answered by the unsubscribe URL without a login)."""

import email.policy
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from kommune.core.notifications.models import Notification
from kommune.core.notifications.tokens import unsubscribe_url

SUBJECT_LENGTH = 150


def absolute(url: str) -> str:
    return settings.SITE_URL + url if url.startswith("/") else url


def _one_line(text: str) -> str:
    return Truncator(" ".join(str(text).split())).chars(SUBJECT_LENGTH)


class NotificationEmail(EmailMessage):
    """Headers are folded at 998 characters (RFC 5322's hard limit) instead of 78: Python would otherwise
    encode the long unsubscribe URL of List-Unsubscribe as RFC 2047 words, which mail providers cannot use."""

    def message(self, *, policy=email.policy.default):
        msg = super().message(policy=policy)  # the body is encoded with the usual 78-character lines
        msg.policy = policy.clone(max_line_length=998)  # used when the headers are serialised
        return msg


def _message(user, subject: str, template: str, context: dict) -> EmailMessage:
    link = unsubscribe_url(user)
    body = render_to_string(template, {
        "user": user, "unsubscribe_url": link, "site_url": settings.SITE_URL,
        "settings_url": settings.SITE_URL + reverse("notifications:settings"), **context,
    })
    return NotificationEmail(
        subject=_one_line(subject), body=body, to=[user.email],
        headers={
            "List-Unsubscribe": f"<{link}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "Auto-Submitted": "auto-generated",
        },
    )


def notification_message(notification: Notification) -> EmailMessage:
    """The e-mail for one notification, in its recipient's language."""
    user = notification.user
    with translation.override(user.language):
        municipality = notification.activity.municipality if notification.activity else notification.municipality
        sentence = notification.sentence
        subject = f"{municipality.name}: {sentence}" if municipality else sentence
        return _message(user, subject, "notifications/email/notification.txt", {
            "notification": notification, "sentence": sentence, "municipality": municipality,
            "link": absolute(notification.link), "text": notification.text,
        })


@dataclass
class DigestGroup:
    title: str
    items: list = field(default_factory=list)


def digest_groups(notifications: Sequence[Notification]) -> list[DigestGroup]:
    """The day's notifications grouped by the process they belong to (in order of first appearance);
    anything without a process (a person's activity elsewhere, an answered report) comes last."""
    groups: dict[tuple, DigestGroup] = {}
    other = DigestGroup(title="")
    for notification in notifications:
        activity = notification.activity
        if activity is not None and activity.scope_id is not None:
            key = (activity.scope_type_id, activity.scope_id)
            group = groups.setdefault(key, DigestGroup(title=activity.scope_title or activity.summary))
        else:
            group = other
        group.items.append(notification)
    return [*groups.values(), *([other] if other.items else [])]


def digest_message(user, notifications: Sequence[Notification]) -> EmailMessage:
    with translation.override(user.language):
        subject = ngettext(
            "Your daily summary: %(count)d new notification",
            "Your daily summary: %(count)d new notifications", len(notifications)) % {"count": len(notifications)}
        groups = [
            {"title": group.title or _("Other notifications"),
             "items": [{"sentence": n.sentence, "link": absolute(n.link), "text": n.text,
                        "created_at": n.created_at} for n in group.items]}
            for group in digest_groups(notifications)
        ]
        return _message(user, subject, "notifications/email/digest.txt", {"groups": groups,
                                                                             "count": len(notifications)})
