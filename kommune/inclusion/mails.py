"""The e-mails to people who registered: confirmation, waiting list, moved up, cancelled, reminder. Sent by the
durable consumer ``inclusion_mail`` after the commit of the registration's write (and by the reminder command).
People registered without an e-mail address get none; the organisers phone them (the participant list shows the
numbers)."""

from collections.abc import Mapping

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _

from kommune.core.events import Consumer, Event, Handler, register_consumer
from kommune.inclusion.models import Course, Registration
from kommune.inclusion.models import Event as CalendarEvent
from kommune.inclusion.tokens import cancel_token


def cancel_url(registration: Registration) -> str:
    return settings.SITE_URL + reverse("inclusion:cancel", kwargs={
        "municipality_slug": registration.municipality.slug, "token": cancel_token(registration)})


SUBJECTS = {
    "confirmed": lambda title: _("Your registration: %(title)s") % {"title": title},
    "waiting": lambda title: _("On the waiting list: %(title)s") % {"title": title},
    "moved_up": lambda title: _("A place became free for you: %(title)s") % {"title": title},
    "cancelled": lambda title: _("Registration cancelled: %(title)s") % {"title": title},
    "reminder": lambda title: _("Reminder for tomorrow: %(title)s") % {"title": title},
    "event_cancelled": lambda title: _("Cancelled: %(title)s") % {"title": title},
}


def _send(registration: Registration, kind: str, event: CalendarEvent | None = None) -> None:
    if not registration.email:
        return
    target = registration.target
    if event is not None:
        dates = [event]
    elif isinstance(target, Course):
        dates = list(target.sessions.order_by("starts_at"))
    else:
        dates = [target]
    body = render_to_string("inclusion/mail/registration.txt", {
        "kind": kind, "registration": registration, "target": target, "dates": dates,
        "cancel_url": cancel_url(registration) if kind != "cancelled" else "",
        "page_url": settings.SITE_URL + target.get_absolute_url(),
    })
    EmailMessage(subject=SUBJECTS[kind](target.title), body=body, to=[registration.email],
                 headers={"Auto-Submitted": "auto-generated"}).send()


def send_reminder(registration: Registration, event: CalendarEvent) -> None:
    _send(registration, "reminder", event)


def _on_registration(kind: str):
    def handler(event: Event) -> None:
        registration = event.target
        if isinstance(registration, Registration) and registration.pk and registration.municipality_id:
            _send(Registration.objects.select_related("municipality", "event__partner", "course__partner")
                  .get(pk=registration.pk), kind)
    return handler


def _on_event_cancelled(event: Event) -> None:
    target = event.target
    field = "course" if target.__class__.__name__ == "Course" else "event"
    for registration in Registration.objects.filter(**{field: target.pk}).exclude(
            status=Registration.Status.CANCELLED).select_related("municipality"):
        _send(registration, "event_cancelled")


def handles() -> Mapping[type[Event], Handler]:
    from kommune.inclusion import events

    return {
        events.RegistrationConfirmed: _on_registration("confirmed"),
        events.RegistrationWaiting: _on_registration("waiting"),
        events.RegistrationMovedUp: _on_registration("moved_up"),
        events.RegistrationCancelled: _on_registration("cancelled"),
        events.EventCancelled: _on_event_cancelled,
    }


CONSUMER = Consumer("inclusion_mail", handles, durable=True,
                    description="e-mails the people who registered for an event of the digital-help network: "
                                "confirmation, waiting list, moved up, cancellation, event called off")


def register() -> None:
    register_consumer(CONSUMER)
