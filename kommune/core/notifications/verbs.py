"""The sentences of the activity stream, one per event type, composed in the reader's language when shown.

An event type (kommune.core.events) registered here with ``public=True`` becomes an Activity (stream, feed,
notifications of the followers) whose ``verb`` is the event's stable name; ``public=False`` ones only reach one
person (a report was answered). Event types that are not registered (CommentEdited, UserBlocked, …) leave no
trace here. Every app above notifications registers its own in AppConfig.ready() with ``register_verb``
(processes, proposals, opendata).
"""

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from kommune.core.comments.events import CommentPosted
from kommune.core.events import Event
from kommune.core.moderation.events import DecisionTaken, ReportAnswered, ReviewDecided


@dataclass(frozen=True)
class Verb:
    name: str
    # Placeholders: %(actor)s (public display name), %(title)s (summary), %(scope)s (the process's title).
    sentence: str | Promise
    public: bool = True
    # Whether the person who acted is named (a comment's author) or the municipality acts (a process).
    names_actor: bool = False


_verbs: dict[str, Verb] = {}
_event_types: dict[type[Event], Verb] = {}


def register_verb(event_type: type[Event], sentence: str | Promise, *, public: bool = True,
                  names_actor: bool = False) -> None:
    registered = Verb(event_type.name, sentence, public, names_actor)
    _verbs[event_type.name] = _event_types[event_type] = registered


def verb(event_type: type[Event]) -> Verb | None:
    return _event_types.get(event_type)


def event_types_with_verbs() -> list[type[Event]]:
    return list(_event_types)


def describe(name: str, *, actor: str = "", title: str = "", scope: str = "") -> str:
    registered = _verbs.get(name)
    if registered is None:
        return name
    return str(registered.sentence) % {"actor": actor or _("Someone"), "title": title, "scope": scope}


# The verbs of the apps below notifications; every app above registers its own (processes, proposals, opendata).
register_verb(CommentPosted, _("%(actor)s commented on “%(title)s”"), names_actor=True)
register_verb(ReportAnswered, _("The moderators answered your report"), public=False)
register_verb(DecisionTaken, _("The moderators took a decision about you or your contribution"), public=False)
register_verb(ReviewDecided, _("The moderators reviewed their decision"), public=False)
