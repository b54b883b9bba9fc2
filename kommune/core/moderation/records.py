"""The public moderation log as an open-data record set (kommune.core.records).

The same facts as the log page: what was done, when, why and where, never who moderated or whom it concerned.
Blocks concern a person, so their rows name no target; hidden comments are named by their number, which the
comments record set marks as hidden.
"""

from collections.abc import Iterator
from typing import Any

from django.utils.translation import gettext_lazy as _

from kommune.core.comments.events import CommentHidden, CommentUnhidden
from kommune.core.models import Municipality
from kommune.core.moderation.events import ReportAnswered, UserBlocked, UserUnblocked
from kommune.core.moderation.models import ModerationAct
from kommune.core.records import Column, register_record_set

CHANGED_BY = (CommentHidden, CommentUnhidden, ReportAnswered, UserBlocked, UserUnblocked)
# Targets that are people, or stand for one, are never named.
PERSONAL_TARGETS = frozenset({("moderation", "block"), ("accounts", "user")})

COLUMNS = (
    Column("id", "integer", _("Number of the entry in the moderation log."), required=True),
    Column("created_at", "datetime", _("When the moderation acted (UTC)."), required=True),
    Column("action", "string",
           _("What was done: hide, unhide, block, unblock, answer_report or dismiss_report."), required=True),
    Column("action_label", "string", _("What was done, in words."), required=True),
    Column("description", "string", _("Where it happened, without names of people."), required=True),
    Column("reason", "string", _("The reason the moderation gave.")),
    Column("target_type", "string", _("Kind of the moderated contribution, for example comments.comment.")),
    Column("target_id", "integer", _("Number of the moderated contribution in its own record set.")),
)


def moderation_rows(municipality: Municipality) -> Iterator[dict[str, Any]]:
    acts = (ModerationAct.objects.filter(municipality=municipality).order_by("created_at", "id")
            .values("id", "created_at", "action", "public_description", "reason", "content_type__app_label",
                    "content_type__model", "object_id"))
    labels = {value: str(label) for value, label in ModerationAct.Action.choices}
    for act in acts.iterator(chunk_size=2000):
        target = (act["content_type__app_label"], act["content_type__model"])
        named = act["content_type__model"] is not None and target not in PERSONAL_TARGETS
        yield {
            "id": act["id"],
            "created_at": act["created_at"],
            "action": act["action"],
            "action_label": labels.get(act["action"], act["action"]),
            "description": act["public_description"],
            "reason": act["reason"] or None,
            "target_type": ".".join(target) if named else None,
            "target_id": act["object_id"] if named else None,
        }


def register() -> None:
    register_record_set(
        key="moderation_log", title=_("Moderation log"),
        description=_("Every act of the moderation of the discussions with its reason, as in the public "
                      "moderation log: hidden and shown contributions, blocks, answered reports. It names neither "
                      "the moderators nor the people concerned."),
        columns=COLUMNS, rows=moderation_rows, changed_by=CHANGED_BY,
        themes=("GOVE",), keywords=("Bürgerbeteiligung", "Moderation", "Transparenz"))
