"""The e-mails to volunteers: the confirmation of a sign-up and of a cancellation (durable consumer
``volunteering_mail``, after the commit), and the reminder the day before (``manage.py send_volunteer_reminders``).
Each carries the signed cancellation link. People entered without an e-mail address get none: the organisers phone
them (the list shows the numbers)."""

from collections.abc import Mapping

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _

from kommune.core.events import Consumer, Event, Handler, register_consumer
from kommune.volunteering.models import SignUp
from kommune.volunteering.tokens import cancel_token


def cancel_url(sign_up: SignUp) -> str:
    return settings.SITE_URL + reverse("volunteering:cancel", kwargs={
        "municipality_slug": sign_up.municipality.slug, "token": cancel_token(sign_up)})


SUBJECTS = {
    "signed_up": lambda title: _("You are signed up: %(title)s") % {"title": title},
    "cancelled": lambda title: _("Sign-up cancelled: %(title)s") % {"title": title},
    "reminder": lambda title: _("Reminder for tomorrow: %(title)s") % {"title": title},
}


def _send(sign_up: SignUp, kind: str) -> None:
    if not sign_up.email:
        return
    shift = sign_up.shift
    body = render_to_string("volunteering/mail/sign_up.txt", {
        "kind": kind, "sign_up": sign_up, "shift": shift, "project": shift.project,
        "cancel_url": cancel_url(sign_up) if kind != "cancelled" else "",
        "page_url": settings.SITE_URL + shift.get_absolute_url(),
    })
    EmailMessage(subject=SUBJECTS[kind](shift.title), body=body, to=[sign_up.email],
                 headers={"Auto-Submitted": "auto-generated"}).send()


def send_reminder(sign_up: SignUp) -> None:
    _send(sign_up, "reminder")


def _on(kind: str):
    def handler(event: Event) -> None:
        target = event.target
        if isinstance(target, SignUp) and target.pk and target.municipality_id:
            found = SignUp.objects.select_related("municipality", "shift__project").filter(pk=target.pk).first()
            if found is not None:
                _send(found, kind)
    return handler


def handles() -> Mapping[type[Event], Handler]:
    from kommune.volunteering import events

    return {events.SignedUp: _on("signed_up"), events.SignUpCancelled: _on("cancelled")}


CONSUMER = Consumer("volunteering_mail", handles, durable=True,
                    description="e-mails volunteers who signed up for a shift: confirmation with the cancellation "
                                "link, and the cancellation")


def register() -> None:
    register_consumer(CONSUMER)
