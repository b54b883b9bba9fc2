"""Factories for follows, activities and notifications, plus the processes and comments they are about
(written directly, independent of the services of those apps)."""

import factory
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from kommune.core.comments.models import Comment, Thread
from kommune.core.notifications.models import Activity, Follow, Notification, NotificationSettings
from kommune.core.processes.models import Process
from tests.factories import MunicipalityFactory, UserFactory


class PublishedProcessFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Process

    municipality = factory.SubFactory(MunicipalityFactory)
    title = factory.Sequence(lambda n: f"Spielplatz Nord {n}")
    slug = factory.Sequence(lambda n: f"spielplatz-nord-{n}")
    summary = "Wie soll der neue Spielplatz aussehen?"
    is_published = True


def thread_for(target) -> Thread:
    thread, _created = Thread.objects.get_or_create(
        content_type=ContentType.objects.get_for_model(target), object_id=target.pk,
        defaults={"municipality": target.municipality})
    return thread


class CommentFactory(factory.django.DjangoModelFactory):
    """A comment on ``thread`` (build one with thread_for(process))."""

    class Meta:
        model = Comment

    thread = None
    municipality = factory.LazyAttribute(lambda c: c.thread.municipality)
    author = factory.SubFactory(UserFactory)
    text = "Mehr Schatten bitte, die Sonne brennt im Sommer."
    text_html = "<p>Mehr Schatten bitte, die Sonne brennt im Sommer.</p>"


def follow(user, target) -> Follow:
    return Follow.objects.create(user=user, content_type=ContentType.objects.get_for_model(target),
                                 object_id=target.pk)


def activity_for(process, *, verb: str = "process.updated", created_at=None, **fields) -> Activity:
    """An activity row written directly (for stream tests that need many)."""
    ct = ContentType.objects.get_for_model(process)
    values = {"summary": process.title, "scope_title": process.title,
              "url": f"/{process.municipality.slug}/verfahren/{process.slug}/", **fields}
    return Activity(municipality=process.municipality, verb=verb, target_type=ct, target_id=process.pk,
                    scope_type=ct, scope_id=process.pk, created_at=created_at or timezone.now(), **values)


class NotificationFactory(factory.django.DjangoModelFactory):
    """A private notification (no activity), enough for inbox and access tests."""

    class Meta:
        model = Notification

    user = factory.SubFactory(UserFactory)
    municipality = factory.SubFactory(MunicipalityFactory)
    verb = "report.answered"
    text = "Danke, wir haben den Beitrag geprüft."
    url = "/"


def email_setting(user, email: str) -> NotificationSettings:
    return NotificationSettings.objects.update_or_create(user=user, defaults={"email": email})[0]
