"""Writes of the moderation: reports, hiding and showing contributions, blocks, answers to reports.

Every act of a moderator is recorded as a ModerationAct, which the public log lists with its reason and a
description of where it happened, never with the names of the people involved.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Model
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from kommune.core.cleaning import refuse_control_characters
from kommune.core.comments.events import CommentHidden, CommentUnhidden
from kommune.core.comments.models import Comment, Thread
from kommune.core.comments.registry import commentable_for
from kommune.core.events import publish
from kommune.core.models import Municipality, PageKind, Role
from kommune.core.moderation.events import DecisionTaken, ReportAnswered, ReviewDecided, UserBlocked, UserUnblocked
from kommune.core.moderation.models import Block, ModerationAct, Report, ReviewRequest
from kommune.core.moderation.netiquette import netiquette_rules
from kommune.core.moderation.reportables import Reportable, reportable_for
from kommune.core.moderation.selectors import BLOCKS
from kommune.core.roles import roles_in
from kommune.core.selectors import page_of
from kommune.core.types import User

MAX_REASON_LENGTH = 500
MAX_REPORT_TEXT_LENGTH = 2000
MAX_ANSWER_LENGTH = 2000
# People who run the municipality's platform cannot be blocked by a moderator; their roles are managed instead.
UNBLOCKABLE_ROLES = frozenset({Role.ADMIN, Role.STAFF, Role.MODERATOR})


def _clean(value: str | None, *, max_length: int, required_message: str | None = None) -> str:
    value = refuse_control_characters((value or "").strip())
    if required_message and not value:
        raise ValidationError(required_message, code="required")
    if len(value) > max_length:
        raise ValidationError(_("At most %(max)d characters are possible; this text has %(length)d.")
                              % {"max": max_length, "length": len(value)}, code="too_long")
    return value


def _clean_reason(reason: str | None) -> str:
    return _clean(reason, max_length=MAX_REASON_LENGTH,
                  required_message=_("Please give a reason. It appears in the public moderation log."))


def _check_moderator(user: User, municipality: Municipality) -> None:
    if not user.is_authenticated or not user.has_perm("moderation.moderate", municipality):
        raise PermissionDenied


def describe(target: Model | None) -> str:
    """Where a contribution is, for the public log, in the platform's language; no names of people."""
    with translation.override(settings.LANGUAGE_CODE):
        reportable = reportable_for(target) if target is not None else None
        if target is None or reportable is None:
            return str(_("A contribution"))
        return str(reportable.describe(target))


def _record(*, municipality: Municipality, moderator: User, action: str, reason: str, public_description: str,
            target: Model | None, rule: str = "", affected_user: User | None = None) -> ModerationAct:
    act = ModerationAct.objects.create(
        municipality=municipality, moderator=moderator, action=action, reason=reason, rule=rule,
        affected_user=affected_user, public_description=public_description[:300],
        content_type=ContentType.objects.get_for_model(target) if target is not None else None,
        object_id=target.pk if target is not None else None)
    if affected_user is not None and not affected_user.is_deleted:
        # The statement of reasons (Art. 17 DSA) reaches the person through the notifications consumer.
        publish(DecisionTaken(municipality, act, actor=moderator))
    return act


def _clean_rule(rule: str | None, municipality: Municipality) -> str:
    """A rule of the municipality's netiquette (kommune.core.moderation.netiquette), or nothing."""
    rule = (rule or "").strip()
    if rule and rule not in netiquette_rules(municipality, page_of(municipality, PageKind.NETIQUETTE)):
        raise ValidationError(_("Please choose a rule of the netiquette."), code="rule")
    return rule


def _scope_of(comment: Comment) -> Model | None:
    target = comment.thread.target
    commentable = commentable_for(type(target)) if target is not None else None
    return commentable.scope(target) if commentable and target is not None else None


# --- Reports --------------------------------------------------------------------------------------------------


def do_report(*, reporter: User, target: Model, reason: str, text: str = "") -> Report:
    if not reporter.is_authenticated:
        raise PermissionDenied
    reportable = reportable_for(target)
    if reportable is None or not reportable.is_reportable(target):
        raise ValidationError(_("This cannot be reported."), code="not_reportable")
    if reason not in Report.Reason.values:
        raise ValidationError(_("Please choose a reason."), code="reason")
    text = _clean(text, max_length=MAX_REPORT_TEXT_LENGTH)
    author = reportable.author(target)
    if author is not None and author.pk == reporter.pk:
        raise ValidationError(_("You cannot report your own contribution. You can change it for a short time "
                                "after posting."), code="own")
    if reportable.is_hidden(target):
        raise ValidationError(_("This contribution has already been hidden by the moderation."), code="hidden")
    try:
        with transaction.atomic():
            # Every reportable model is tenant-owned; Model does not declare the key.
            return Report.objects.create(municipality=target.municipality,  # type: ignore[attr-defined]
                                         target=target, reporter=reporter, reason=reason, text=text)
    except IntegrityError:
        raise ValidationError(_("You have already reported this contribution. The moderators will look at it and "
                                "answer you."), code="duplicate") from None


def do_answer_report(*, moderator: User, report: Report, answer: str, dismiss: bool = False) -> Report:
    _check_moderator(moderator, report.municipality)
    answer = _clean(answer, max_length=MAX_ANSWER_LENGTH,
                    required_message=None if dismiss else _("Please write an answer to the person who reported."))
    with transaction.atomic():
        report = Report.objects.select_for_update().get(pk=report.pk)
        if report.status != Report.Status.OPEN:
            raise ValidationError(_("This report has already been dealt with."), code="closed")
        report.status = Report.Status.DISMISSED if dismiss else Report.Status.ANSWERED
        report.answer, report.answered_at, report.answered_by = answer, timezone.now(), moderator
        report.save(update_fields=["status", "answer", "answered_at", "answered_by"])
        with translation.override(settings.LANGUAGE_CODE):
            reason = str(Report.Reason(report.reason).label)
        _record(municipality=report.municipality, moderator=moderator,
                action=ModerationAct.Action.DISMISS_REPORT if dismiss else ModerationAct.Action.ANSWER_REPORT,
                reason=reason, public_description=describe(report.target), target=report.target)
        publish(ReportAnswered(report.municipality, report, actor=moderator,
                               data={"answer": answer, "dismissed": dismiss}))
    return report


def _close_reports_on(target: Model, *, moderator: User, answer: str) -> None:
    """Open reports on a contribution that was just hidden are answered with the moderator's reason."""
    open_reports = list(Report.objects.select_for_update().filter(
        content_type=ContentType.objects.get_for_model(target), object_id=target.pk, status=Report.Status.OPEN))
    now = timezone.now()
    for report in open_reports:
        report.status, report.answer, report.answered_at, report.answered_by = (
            Report.Status.ANSWERED, answer, now, moderator)
        report.save(update_fields=["status", "answer", "answered_at", "answered_by"])
        publish(ReportAnswered(report.municipality, report, actor=moderator,
                               data={"answer": answer, "dismissed": False}))


# --- Hiding ---------------------------------------------------------------------------------------------------


def _lock(comment: Comment) -> Comment:
    # The comment and its top-level parent, in ascending id like the comment services, so nobody deadlocks.
    ids = sorted({comment.pk, comment.parent_id or comment.pk})
    locked = {c.pk: c for c in Comment.objects.select_for_update().filter(pk__in=ids).order_by("pk")}
    return locked[comment.pk]


def _move_counts(comment: Comment, delta: int) -> None:
    if comment.parent_id is None:
        Thread.objects.filter(pk=comment.thread_id).update(comment_count=F("comment_count") + delta,
                                                           top_level_count=F("top_level_count") + delta)
    else:
        Comment.objects.filter(pk=comment.parent_id).update(reply_count=F("reply_count") + delta)
        Thread.objects.filter(pk=comment.thread_id).update(comment_count=F("comment_count") + delta)


def do_hide(*, moderator: User, comment: Comment, reason: str, rule: str = "") -> Comment:
    """Hide a comment in place ("hidden by moderation: reason"); the counters count visible comments."""
    _check_moderator(moderator, comment.municipality)
    reason = _clean_reason(reason)
    rule = _clean_rule(rule, comment.municipality)
    with transaction.atomic():
        current = _lock(comment)
        if current.hidden_at is not None:
            raise ValidationError(_("This comment is already hidden."), code="already_hidden")
        now = timezone.now()
        Comment.objects.filter(pk=comment.pk).update(hidden_at=now, hidden_reason=reason)
        _move_counts(current, -1)
        comment.hidden_at, comment.hidden_reason = now, reason
        _record(municipality=comment.municipality, moderator=moderator, action=ModerationAct.Action.HIDE,
                reason=reason, rule=rule, public_description=describe(comment), target=comment,
                affected_user=None if comment.is_assisted else comment.author)
        with translation.override(settings.LANGUAGE_CODE):
            answer = _("The contribution has been hidden. Reason: %(reason)s") % {"reason": reason}
        _close_reports_on(comment, moderator=moderator, answer=answer)
        publish(CommentHidden(comment.municipality, comment, actor=moderator, scope=_scope_of(comment),
                              data={"reason": reason}))
    return comment


def do_unhide(*, moderator: User, comment: Comment, reason: str) -> Comment:
    _check_moderator(moderator, comment.municipality)
    reason = _clean_reason(reason)
    with transaction.atomic():
        current = _lock(comment)
        if current.hidden_at is None:
            raise ValidationError(_("This comment is not hidden."), code="not_hidden")
        Comment.objects.filter(pk=comment.pk).update(hidden_at=None, hidden_reason="")
        _move_counts(current, +1)
        comment.hidden_at, comment.hidden_reason = None, ""
        _record(municipality=comment.municipality, moderator=moderator, action=ModerationAct.Action.UNHIDE,
                reason=reason, public_description=describe(comment), target=comment)
        publish(CommentUnhidden(comment.municipality, comment, actor=moderator, scope=_scope_of(comment),
                                data={"reason": reason}))
    return comment


# --- Blocks ---------------------------------------------------------------------------------------------------


def can_be_blocked(user: User | None, municipality: Municipality) -> bool:
    return user is not None and not user.is_deleted and not (roles_in(user, municipality) & UNBLOCKABLE_ROLES)


def do_block(*, moderator: User, municipality: Municipality, user: User | None, until: datetime,
             reason: str, rule: str = "") -> Block:
    _check_moderator(moderator, municipality)
    reason = _clean_reason(reason)
    rule = _clean_rule(rule, municipality)
    if user is None or user.is_deleted:
        raise ValidationError(_("This account no longer exists."), code="deleted")
    if user.pk == moderator.pk:
        raise ValidationError(_("You cannot block yourself."), code="self")
    if roles_in(user, municipality) & UNBLOCKABLE_ROLES:
        raise ValidationError(_("Administrators, staff and moderators of %(name)s cannot be blocked; an "
                                "administrator can change their role instead.") % {"name": municipality.name},
                              code="team")
    if until <= timezone.now():
        raise ValidationError(_("The end of the block must lie in the future."), code="until")
    with transaction.atomic():
        block = Block.objects.create(municipality=municipality, user=user, until=until, reason=reason,
                                     created_by=moderator)
        with translation.override(settings.LANGUAGE_CODE):
            description = _("A person was blocked from taking part until %(until)s.") % {
                "until": formats.date_format(timezone.localtime(until), "DATETIME_FORMAT")}
        _record(municipality=municipality, moderator=moderator, action=ModerationAct.Action.BLOCK, reason=reason,
                rule=rule, public_description=description, target=block, affected_user=user)
        publish(UserBlocked(municipality, block, actor=moderator,
                            data={"user_id": user.pk, "until": until.isoformat(), "reason": reason}))
    return block


def do_unblock(*, moderator: User, block: Block, reason: str = "") -> Block:
    """End a block now (the row stays as the record); other active blocks of the person there end too."""
    _check_moderator(moderator, block.municipality)
    reason = _clean(reason, max_length=MAX_REASON_LENGTH)
    now = timezone.now()
    with transaction.atomic():
        ended = Block.objects.filter(municipality=block.municipality, user_id=block.user_id,
                                     until__gt=now).update(until=now)
        if not ended:
            raise ValidationError(_("This block has already ended."), code="ended")
        BLOCKS.changed_with_this_transaction(block.user_id)  # an update sends no signal
        block.until = now
        with translation.override(settings.LANGUAGE_CODE):
            description = str(_("The block of a person was lifted."))
        _record(municipality=block.municipality, moderator=moderator, action=ModerationAct.Action.UNBLOCK,
                reason=reason, public_description=description, target=block)
        publish(UserUnblocked(block.municipality, block, actor=moderator,
                              data={"user_id": block.user_id, "reason": reason}))
    return block


# --- Other contributions (registered reportables that hide themselves, e.g. proposals) ---------------------------


@dataclass(frozen=True)
class _Hiding:
    reportable: Reportable[Any]
    hide: Callable[..., None]
    unhide: Callable[..., None]


def _registered_hiding(target: Model) -> _Hiding:
    reportable = reportable_for(target)
    if reportable is None or reportable.hide is None or reportable.unhide is None:
        raise ValidationError(_("This cannot be hidden."), code="not_hideable")
    return _Hiding(reportable, reportable.hide, reportable.unhide)


def _person(candidate: object) -> User | None:
    """A reportable's author as the affected person: an account, or nobody (a deleted one)."""
    return cast("User", candidate) if isinstance(candidate, User) else None


def _municipality_of(target: Model) -> Municipality:
    municipality = getattr(target, "municipality", None)
    if not isinstance(municipality, Municipality):
        raise ValidationError(_("This cannot be hidden."), code="not_hideable")
    return municipality


def do_hide_contribution(*, moderator: User, target: Model, reason: str, rule: str = "") -> Model:
    """Hide a contribution of another app through its registered reportable; comments use do_hide."""
    municipality = _municipality_of(target)
    _check_moderator(moderator, municipality)
    hiding = _registered_hiding(target)
    reason = _clean_reason(reason)
    rule = _clean_rule(rule, municipality)
    with transaction.atomic():
        current = type(target)._default_manager.select_for_update().get(pk=target.pk)
        if hiding.reportable.is_hidden(current):
            raise ValidationError(_("This contribution is already hidden."), code="already_hidden")
        hiding.hide(current, reason=reason, moderator=moderator)
        _record(municipality=municipality, moderator=moderator, action=ModerationAct.Action.HIDE,
                reason=reason, rule=rule, public_description=describe(current), target=current,
                affected_user=_person(hiding.reportable.author(current)))
        with translation.override(settings.LANGUAGE_CODE):
            answer = _("The contribution has been hidden. Reason: %(reason)s") % {"reason": reason}
        _close_reports_on(current, moderator=moderator, answer=answer)
    return current


def do_unhide_contribution(*, moderator: User, target: Model, reason: str) -> Model:
    municipality = _municipality_of(target)
    _check_moderator(moderator, municipality)
    hiding = _registered_hiding(target)
    reason = _clean_reason(reason)
    with transaction.atomic():
        current = type(target)._default_manager.select_for_update().get(pk=target.pk)
        if not hiding.reportable.is_hidden(current):
            raise ValidationError(_("This contribution is not hidden."), code="not_hidden")
        hiding.unhide(current, reason=reason, moderator=moderator)
        _record(municipality=municipality, moderator=moderator, action=ModerationAct.Action.UNHIDE,
                reason=reason, public_description=describe(current), target=current)
    return current


# --- Review of a decision (Art. 17 and 20 DSA) -------------------------------------------------------------------

REVIEWABLE_ACTIONS = (ModerationAct.Action.HIDE, ModerationAct.Action.BLOCK)
MAX_REVIEW_TEXT_LENGTH = 2000


def do_request_review(*, user: User, act: ModerationAct, text: str) -> ReviewRequest:
    """The affected person asks for a decision to be looked at again; once per decision."""
    if not user.is_authenticated or act.affected_user_id != user.pk or act.action not in REVIEWABLE_ACTIONS:
        raise PermissionDenied
    text = _clean(text, max_length=MAX_REVIEW_TEXT_LENGTH,
                  required_message=_("Please tell the moderators why the decision should be reviewed."))
    try:
        with transaction.atomic():
            return ReviewRequest.objects.create(municipality=act.municipality, act=act, requester=user, text=text)
    except IntegrityError:
        raise ValidationError(_("You have already asked for a review of this decision."), code="duplicate") from None


def _reverse(act: ModerationAct, *, moderator: User, reason: str) -> None:
    target = act.target
    if target is None:
        return  # the contribution or block no longer exists: nothing to undo
    if act.action == ModerationAct.Action.BLOCK:
        if target.is_active:
            do_unblock(moderator=moderator, block=target, reason=reason)
    elif isinstance(target, Comment):
        if target.hidden_at is not None:
            do_unhide(moderator=moderator, comment=target, reason=reason)
    else:
        reportable = reportable_for(target)
        if reportable is not None and reportable.is_hidden(target):
            do_unhide_contribution(moderator=moderator, target=target, reason=reason)


def do_decide_review(*, moderator: User, review: ReviewRequest, uphold: bool, answer: str) -> ReviewRequest:
    """Uphold the decision, or reverse it (the contribution is shown again, the block lifted); the person who
    asked is told the outcome."""
    _check_moderator(moderator, review.municipality)
    answer = _clean(answer, max_length=MAX_ANSWER_LENGTH,
                    required_message=_("Please explain the outcome to the person who asked for the review."))
    with transaction.atomic():
        review = ReviewRequest.objects.select_for_update().select_related("act").get(pk=review.pk)
        if review.status != ReviewRequest.Status.OPEN:
            raise ValidationError(_("This review request has already been decided."), code="closed")
        if not uphold:
            with translation.override(settings.LANGUAGE_CODE):
                reason = _("Reversed after a review: %(answer)s") % {"answer": answer}
            _reverse(review.act, moderator=moderator, reason=reason[:MAX_REASON_LENGTH])
        review.status = ReviewRequest.Status.UPHELD if uphold else ReviewRequest.Status.REVERSED
        review.answer, review.decided_at, review.decided_by = answer, timezone.now(), moderator
        review.save(update_fields=["status", "answer", "decided_at", "decided_by"])
        publish(ReviewDecided(review.municipality, review, actor=moderator, data={"upheld": uphold}))
    return review
