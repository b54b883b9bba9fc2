"""Writes of follows, activities and notifications. Keyword-only, one transaction each.

``record_event`` and ``notify_reporter`` handle the events (subscribers.py, a durable consumer): delivered from
the outbox after the publishing service's commit, each writes the Activity and the followers' Notifications in
a transaction of its own, and only after that commit enqueues the task that e-mails them. Nothing here sends
an e-mail inside a request. A service can name further recipients who do not
follow anything (staff who must act) with ``Event.data["notify_users"]``, a list of user ids, or with
``Event.data["notify_staff"] = True``: the municipality's active administrators and staff as they are at delivery,
so that a service need not look them up inside its transaction (a citizen proposal reaching its threshold does
so while it holds the proposal's row lock).
"""

import logging
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.mail import mailers
from django.db import IntegrityError, transaction
from django.db.models import Model, Q, QuerySet
from django.utils import timezone, translation
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from kommune.core.events import Event, Visibility
from kommune.core.models import Membership, Role
from kommune.core.notifications import selectors, verbs
from kommune.core.notifications.followables import content_type_id, followable_for
from kommune.core.notifications.mails import digest_message, notification_message
from kommune.core.notifications.models import Activity, Follow, Notification, NotificationSettings
from kommune.core.notifications.tokens import BadToken, user_id_from_token
from kommune.core.types import User

logger = logging.getLogger(__name__)

Email = NotificationSettings.Email
# A digest collects what has not been e-mailed yet, up to this old (a missed cron run is caught up; someone
# who switches from "no e-mails" to the digest does not get years of history).
DIGEST_MAX_AGE = timedelta(days=7)


# --- Events -> activities and notifications --------------------------------------------------------------------


def record_event(event: Event) -> None:
    """Handler of the notifications consumer (subscribers.py) for the event types with a verb or a visibility."""
    visibility = event.visibility
    if visibility in (Visibility.HIDDEN, Visibility.SHOWN):
        _activities_about(event.target).update(is_hidden=visibility is Visibility.HIDDEN)
        return
    if visibility is Visibility.WITHDRAWN:
        _activities_within(event.target).update(is_withdrawn=True)
        return
    if visibility is Visibility.PUBLISHED:
        _activities_within(event.target).update(is_withdrawn=False)
        if _activities_about(event.target).filter(verb=event.name).exists():
            return  # published again after a withdrawal: its history is back, it is not new
    registered = verbs.verb(type(event))
    if registered is None or not registered.public:
        return
    activity = _create_activity(event, registered)
    recipients = _followers(event, activity)
    ids = notify_users(recipients, activity=activity)
    if ids:
        transaction.on_commit(partial(_enqueue_immediate_emails, ids), robust=True)


def _key(obj: Model) -> Q:
    return Q(content_type_id=content_type_id(obj), object_id=obj.pk)


def _activities_about(target: Model) -> QuerySet[Activity]:
    return Activity.objects.filter(target_type_id=content_type_id(target), target_id=target.pk)


def _activities_within(container: Model) -> QuerySet[Activity]:
    ct = content_type_id(container)
    return Activity.objects.filter(Q(scope_type_id=ct, scope_id=container.pk)
                                   | Q(target_type_id=ct, target_id=container.pk))


def _public_actor(event: Event, registered: verbs.Verb) -> tuple[Any, str]:  # Any: what Event.actor holds
    """Who is named as having acted: a comment's author; for staff entering what a resident said, the name the
    resident chose (and nobody to follow); nobody where the municipality acts (a process is published)."""
    if not registered.names_actor:
        return None, ""
    assisted_name = getattr(event.target, "assisted_name", "")
    if assisted_name:
        return None, assisted_name
    if event.actor is None or not getattr(event.actor, "is_authenticated", False):
        return None, ""
    return event.actor, event.actor.display_name


def _scope_of(event: Event) -> Model | None:
    if event.scope is not None:
        return event.scope
    followable = followable_for(event.target)
    return followable.scope(event.target) if followable is not None else None


def _create_activity(event: Event, registered: verbs.Verb) -> Activity:
    target, scope = event.target, _scope_of(event)
    followable = followable_for(target)
    actor, actor_name = _public_actor(event, registered)
    if followable is not None:
        title, url = followable.title(target), followable.url(target)
    else:
        title, url = str(target), getattr(target, "get_absolute_url", lambda: "")()
    # As the target is now: delivered by several workers, a hide may arrive before the post it hides.
    withdrawn = any(getattr(obj, "is_published", True) is False for obj in (target, scope) if obj is not None)
    hidden = getattr(target, "hidden_at", None) is not None
    return Activity.objects.create(
        municipality=event.municipality, verb=event.name, actor=actor, actor_name=actor_name,
        target_type_id=content_type_id(target), target_id=target.pk,
        scope_type_id=content_type_id(scope) if scope is not None else None,
        scope_id=scope.pk if scope is not None else None,
        summary=Truncator(title).chars(200), scope_title=Truncator(str(scope or "")).chars(200),
        url=url or event.municipality.get_absolute_url(), is_withdrawn=withdrawn, is_hidden=hidden,
    )


def _followers(event: Event, activity: Activity) -> list[int]:
    """The people who follow the target, what it belongs to (a comment's parent and discussed object), the
    process, or the named actor; never whoever acted. One query."""
    target, scope = event.target, _scope_of(event)
    keys = _key(target)
    followable = followable_for(target)
    for parent in (followable.parents(target) if followable else ()):
        keys |= Q(content_type_id=parent[0], object_id=parent[1]) if isinstance(parent, tuple) else _key(parent)
    if scope is not None:
        keys |= _key(scope)
    if activity.actor is not None:
        keys |= _key(activity.actor)
    excluded = {user.pk for user in (event.actor, activity.actor) if user is not None and user.pk is not None}
    followers = set(Follow.objects.filter(keys, user__is_active=True).exclude(user_id__in=excluded)
                    .values_list("user_id", flat=True).distinct())
    return sorted(followers | _also_notified(event, excluded | followers))


def _also_notified(event: Event, excluded: set[int]) -> set[int]:
    """People a service names in ``event.data["notify_users"]`` (user ids), and the municipality's staff when it
    says ``notify_staff``, who hear about the event whether or not they follow anything, e.g. a municipality's
    staff when a citizen proposal reaches its threshold."""
    User = get_user_model()

    wanted = {pk for pk in event.data.get("notify_users", ()) if isinstance(pk, int)}
    if event.data.get("notify_staff") is True:
        wanted |= _staff_ids(event)
    wanted -= excluded
    if not wanted:
        return set()
    return set(User.objects.filter(pk__in=wanted, is_active=True, deleted_at__isnull=True)
               .values_list("pk", flat=True))


def _staff_ids(event: Event) -> set[int]:
    return set(Membership.objects.filter(municipality=event.municipality, role__in=[Role.ADMIN, Role.STAFF])
               .values_list("user_id", flat=True))


def notify_users(user_ids: list[int], **fields: Any) -> list[int]:
    """One notification for each of these people; the ids of the new rows."""
    if not user_ids:
        return []
    now = timezone.now()
    created = Notification.objects.bulk_create(
        [Notification(user_id=user_id, created_at=now, **fields) for user_id in user_ids], batch_size=1000)
    selectors.forget_unread_counts(user_ids)
    return [notification.pk for notification in created]


def notify_reporter(event: Event) -> None:
    """Handler for ReportAnswered: the answer reaches the person who reported, and nobody else."""
    reporter = getattr(event.target, "reporter", None)
    if reporter is None or reporter == event.actor:
        return
    target = getattr(event.target, "target", None)
    url = getattr(target, "get_absolute_url", lambda: "")() if target is not None else ""
    ids = notify_users([reporter.pk], municipality=event.municipality, verb=event.name,
                       text=Truncator(str(event.data.get("answer", ""))).chars(2000),
                       url=url or event.municipality.get_absolute_url())
    transaction.on_commit(partial(_enqueue_immediate_emails, ids), robust=True)


# Notices the operator owes the person by law (Art. 17 DSA): e-mailed right away whatever the person chose for
# their notification e-mails (to a confirmed address).
LEGAL_NOTICE_VERBS = ("moderation.decision", "moderation.review_decided")


def notify_decision(event: Event) -> None:
    """Handler for DecisionTaken: the statement of reasons reaches the person the decision is about."""
    from kommune.core.moderation.models import ModerationAct
    from kommune.core.moderation.statements import review_url, statement_of_reasons

    act = event.target
    if not isinstance(act, ModerationAct) or act.pk is None:
        return
    user = act.affected_user
    if user is None or user.is_deleted:
        return
    with translation.override(user.language):
        text = statement_of_reasons(act)
    _private_notice(user, event, text=text, url=review_url(act))


def notify_review_outcome(event: Event) -> None:
    """Handler for ReviewDecided: the person who asked for the review hears the outcome."""
    from kommune.core.moderation.models import ReviewRequest
    from kommune.core.moderation.statements import review_outcome, review_url

    review = event.target
    if not isinstance(review, ReviewRequest) or review.pk is None:
        return
    user = review.requester
    if user is None or user.is_deleted:
        return
    with translation.override(user.language):
        text = review_outcome(review)
    _private_notice(user, event, text=text, url=review_url(review.act))


def _private_notice(user: User, event: Event, *, text: str, url: str) -> None:
    ids = notify_users([user.pk], municipality=event.municipality, verb=event.name,
                       text=Truncator(text).chars(2000), url=url)
    transaction.on_commit(partial(_enqueue_immediate_emails, ids), robust=True)


def _enqueue_immediate_emails(notification_ids: list[int]) -> None:
    from kommune.core.notifications.tasks import send_immediate_emails

    send_immediate_emails.enqueue(notification_ids)


# --- Following ------------------------------------------------------------------------------------------------


def do_follow(*, user: User, target: Model) -> Follow:
    followable = followable_for(target)
    if followable is None or not followable.is_visible(target):
        raise ValidationError(_("This cannot be followed."))
    if target == user:
        raise ValidationError(_("You cannot follow yourself."))
    ct = ContentType.objects.get_for_model(target, for_concrete_model=False)
    try:
        with transaction.atomic():
            follow, _created = Follow.objects.get_or_create(user=user, content_type=ct, object_id=target.pk)
    except IntegrityError:  # a double click raced us; the follow exists
        follow = Follow.objects.get(user=user, content_type=ct, object_id=target.pk)
    return follow


def do_unfollow(*, user: User, target: Model) -> None:
    Follow.objects.filter(user=user, content_type_id=content_type_id(target), object_id=target.pk).delete()


# --- The inbox --------------------------------------------------------------------------------------------------


def do_mark_read(*, user: User, notification: Notification) -> None:
    if notification.user_id != user.pk:
        raise ValidationError(_("This notification is not yours."))
    Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=timezone.now())
    selectors.forget_unread_counts([user.pk])


def do_mark_all_read(*, user: User) -> int:
    marked = Notification.objects.filter(user=user, read_at__isnull=True).update(read_at=timezone.now())
    selectors.forget_unread_counts([user.pk])
    return marked


def do_update_settings(*, user: User, email: str) -> NotificationSettings:
    if email not in Email.values:
        raise ValidationError(_("Please choose how often you want e-mails."))
    settings_row, _created = NotificationSettings.objects.update_or_create(user=user, defaults={"email": email})
    return settings_row


class UnsubscribeError(Exception):
    pass


def unsubscribe_user(token: str) -> User:
    """The person an unsubscribe token names; UnsubscribeError with a message for the page otherwise."""
    User = get_user_model()

    try:
        user_id = user_id_from_token(token)
    except BadToken as error:
        if error.expired:
            raise UnsubscribeError(_("This unsubscribe link has expired. Please use the link in a more recent "
                                     "e-mail, or log in and change your notification settings.")) from error
        raise UnsubscribeError(_("This unsubscribe link is not valid. It may have been cut off when it was "
                                 "copied. Please open the link from the e-mail again, or log in and change "
                                 "your notification settings.")) from error
    user = User.objects.filter(pk=user_id, is_active=True, deleted_at__isnull=True).first()
    if user is None:
        raise UnsubscribeError(_("The account of this unsubscribe link no longer exists, so it gets no e-mails."))
    return user


def do_unsubscribe(*, token: str) -> User:
    user = unsubscribe_user(token)
    do_update_settings(user=user, email=Email.OFF)
    return user


# --- E-mail (run by the worker) --------------------------------------------------------------------------------


def _mailable() -> Q:
    return (Q(user__is_active=True, user__deleted_at__isnull=True, user__email_confirmed_at__isnull=False)
            & (Q(activity__isnull=True) | Q(activity__is_hidden=False, activity__is_withdrawn=False)))


def _with_email_setting(choice: str) -> Q:
    if choice == Email.IMMEDIATELY:  # the default for people who never saved their settings
        return (Q(user__notification_settings__isnull=True) | Q(user__notification_settings__email=choice)
                | Q(activity__isnull=True, verb__in=LEGAL_NOTICE_VERBS))
    return Q(user__notification_settings__email=choice)


def do_send_immediate_emails(*, notification_ids: list[int]) -> int:
    """One e-mail per notification to the people who want them right away. A notification is claimed
    (emailed_at set) before it is sent, so a retried task or a second worker never sends it twice."""
    rows = list(Notification.objects.filter(_mailable(), _with_email_setting(Email.IMMEDIATELY),
                                            pk__in=notification_ids, emailed_at__isnull=True)
                .select_related("user", "activity", "activity__municipality", "municipality").order_by("pk"))
    sent = 0
    mailer = mailers.default
    for notification in rows:
        now = timezone.now()
        if not Notification.objects.filter(pk=notification.pk, emailed_at__isnull=True).update(emailed_at=now):
            continue
        try:
            mailer.send_messages([notification_message(notification)])
        except Exception:
            Notification.objects.filter(pk=notification.pk).update(emailed_at=None)
            raise
        sent += 1
    return sent


def do_send_daily_digests(*, now: datetime | None = None) -> int:
    """One e-mail per person who chose the daily digest, with everything not e-mailed yet, grouped by process.
    Returns the number of digests sent."""
    now = now or timezone.now()
    pending = (Notification.objects.filter(_mailable(), _with_email_setting(Email.DAILY), emailed_at__isnull=True,
                                           created_at__lte=now, created_at__gt=now - DIGEST_MAX_AGE)
               .select_related("user", "activity", "municipality").order_by("user_id", "created_at", "id"))
    by_user: dict[int, list[Notification]] = {}
    for notification in pending.iterator(chunk_size=2000):
        by_user.setdefault(notification.user_id, []).append(notification)
    sent = 0
    mailer = mailers.default
    for notifications in by_user.values():
        with transaction.atomic():
            claimed = set(Notification.objects.select_for_update()
                          .filter(pk__in=[n.pk for n in notifications], emailed_at__isnull=True)
                          .values_list("pk", flat=True))
            Notification.objects.filter(pk__in=claimed).update(emailed_at=now)
        items = [n for n in notifications if n.pk in claimed]  # another run may have taken some
        if not items:
            continue
        try:
            mailer.send_messages([digest_message(items[0].user, items)])
        except Exception:
            Notification.objects.filter(pk__in=claimed).update(emailed_at=None)
            raise
        sent += 1
    return sent


# --- Privacy: export and account deletion -----------------------------------------------------------------------


def export_follows(user: User) -> list[dict]:
    return [{"type": f.content_type.model, "id": f.object_id, "since": f.created_at.isoformat()}
            for f in user.follows.select_related("content_type").order_by("created_at", "id")]


def export_notifications(user: User) -> dict:
    settings_row = NotificationSettings.objects.filter(user=user).first()
    return {
        "email": settings_row.email if settings_row else Email.IMMEDIATELY,
        "notifications": [
            {"what": n.sentence, "url": n.link, "text": n.text, "created_at": n.created_at.isoformat(),
             "read_at": n.read_at.isoformat() if n.read_at else None,
             "emailed_at": n.emailed_at.isoformat() if n.emailed_at else None}
            for n in user.notifications.select_related("activity").order_by("created_at", "id").iterator()
        ],
    }


def export_activities(user: User) -> list[dict[str, object]]:
    """What the stream shows the person did under their name."""
    return [{"what": activity.sentence, "url": activity.url, "at": activity.created_at.isoformat(),
             "hidden": activity.is_hidden}
            for activity in Activity.objects.filter(actor=user).order_by("created_at", "id").iterator()]


def delete_personal_data(user: User) -> None:
    """Account deletion: follows (by and of the person), notifications and settings go; the person's public
    activities stay, without their name."""
    Follow.objects.filter(Q(user=user) | _key(user)).delete()
    Notification.objects.filter(user=user).delete()
    selectors.forget_unread_counts([user.pk])
    NotificationSettings.objects.filter(user=user).delete()
    Activity.objects.filter(actor=user).update(actor=None, actor_name="")
