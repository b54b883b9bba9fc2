"""The statement of reasons (Art. 17 DSA) that a person receives when the moderation hides their contribution
or blocks them, and the answer to their request for a review. The notifications consumer delivers both."""

from django.urls import reverse
from django.utils import formats, timezone
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from kommune.core.moderation.models import ModerationAct, ReviewRequest
from kommune.core.moderation.reportables import reportable_for

EXCERPT_LENGTH = 300


def review_url(act: ModerationAct) -> str:
    return reverse("moderation:request_review", kwargs={"municipality_slug": act.municipality.slug,
                                                        "act_id": act.pk})


def _what(act: ModerationAct) -> str:
    target = act.target
    if act.action == ModerationAct.Action.BLOCK:
        until = getattr(target, "until", None)
        if until is None:
            return _("You were blocked from taking part in %(name)s.") % {"name": act.municipality.name}
        return _("You were blocked from taking part in %(name)s until %(until)s.") % {
            "name": act.municipality.name,
            "until": formats.date_format(timezone.localtime(until), "DATETIME_FORMAT")}
    reportable = reportable_for(target) if target is not None else None
    excerpt = ""
    if target is not None and reportable is not None:
        excerpt = Truncator(" ".join(reportable.text(target).split())).chars(EXCERPT_LENGTH)
    return _("Your contribution was hidden: %(where)s. It read: “%(excerpt)s”") % {
        "where": act.public_description, "excerpt": excerpt}


def statement_of_reasons(act: ModerationAct) -> str:
    """What was decided, why, under which rule, whether automatically, and how to ask for a review; in the
    active language."""
    lines = [
        _what(act),
        _("Reason: %(reason)s") % {"reason": act.reason},
        _("Rule of the netiquette: %(rule)s") % {"rule": act.rule or _("no single rule named")},
        _("Automated decision: yes, this decision was taken by automated means.") if act.automated else
        _("Automated decision: no. A moderator of %(name)s took this decision; no automated means were used to "
          "detect or decide.") % {"name": act.municipality.name},
        _("If you think the decision is wrong, you can ask the moderators to review it (once per decision) "
          "through the link of this notice. You may also turn to an out-of-court dispute settlement body or to "
          "a court."),
    ]
    return "\n\n".join(lines)


def review_outcome(review: ReviewRequest) -> str:
    if review.status == ReviewRequest.Status.REVERSED:
        outcome = _("The moderators reversed their decision.")
        if review.act.action == ModerationAct.Action.BLOCK:
            outcome += " " + _("Your block has been lifted.")
        else:
            outcome += " " + _("Your contribution is shown again.")
    else:
        outcome = _("The moderators upheld their decision.")
    return "\n\n".join([outcome, _("Their explanation: %(answer)s") % {"answer": review.answer}])
