"""Factories of the comments and the moderation. The commentable target of the tests is a published process
(tests.factories_processes.published_process) whose running phase opens comments."""

from datetime import timedelta

import factory
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from kommune.core.comments.models import Comment, Thread
from kommune.core.moderation.models import Block, Report
from tests.factories import MunicipalityFactory, UserFactory


def thread_for(target) -> Thread:
    thread, _created = Thread.objects.get_or_create(
        content_type=ContentType.objects.get_for_model(target), object_id=target.pk,
        defaults={"municipality": target.municipality})
    return thread


class CommentFactory(factory.django.DjangoModelFactory):
    """A comment written straight into the database (the counters are not moved: use the services for that)."""

    class Meta:
        model = Comment

    thread = None
    municipality = factory.LazyAttribute(lambda c: c.thread.municipality)
    author = factory.SubFactory(UserFactory)
    text = factory.Sequence(lambda n: f"Kommentar {n}")
    text_html = factory.LazyAttribute(lambda c: f"<p>{c.text}</p>")


def bulk_thread(target, *, top_level: int, replies_per: int = 0, authors=None) -> Thread:
    """A thread with ``top_level`` comments and ``replies_per`` replies to each, inserted in bulk, with exact
    counters."""
    thread = thread_for(target)
    authors = authors or [UserFactory() for _ in range(5)]
    tops = Comment.objects.bulk_create([
        Comment(municipality=thread.municipality, thread=thread, author=authors[i % len(authors)],
                text=f"Beitrag {i}", text_html=f"<p>Beitrag {i}</p>", reply_count=replies_per)
        for i in range(top_level)], batch_size=1000)
    if replies_per:
        Comment.objects.bulk_create([
            Comment(municipality=thread.municipality, thread=thread, parent=top, author=authors[j % len(authors)],
                    text=f"Antwort {j}", text_html=f"<p>Antwort {j}</p>")
            for top in tops for j in range(replies_per)], batch_size=1000)
    Thread.objects.filter(pk=thread.pk).update(comment_count=top_level * (1 + replies_per), top_level_count=top_level)
    thread.refresh_from_db()
    return thread


class ReportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Report

    class Params:
        target = None

    municipality = factory.LazyAttribute(lambda r: r.target.municipality)
    content_type = factory.LazyAttribute(lambda r: ContentType.objects.get_for_model(r.target))
    object_id = factory.LazyAttribute(lambda r: r.target.pk)
    reporter = factory.SubFactory(UserFactory)
    reason = Report.Reason.INSULT


class BlockFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Block

    municipality = factory.SubFactory(MunicipalityFactory)
    user = factory.SubFactory(UserFactory)
    until = factory.LazyFunction(lambda: timezone.now() + timedelta(days=7))
    reason = "Wiederholte Beleidigungen"
