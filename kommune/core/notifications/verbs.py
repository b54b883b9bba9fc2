"""The sentences of the activity stream, one per event verb, composed in the reader's language when shown.

A verb that is registered here with ``public=True`` becomes an Activity (stream, feed, notifications of the
followers); ``public=False`` verbs only reach one person (a report was answered). Verbs that are not
registered (comment.edited, user.blocked, …) leave no trace here. Every app above notifications registers its
own verbs in AppConfig.ready() with ``register_verb`` (processes, proposals, opendata).
"""

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Verb:
    name: str
    # Placeholders: %(actor)s (public display name), %(title)s (summary), %(scope)s (the process's title).
    sentence: str | Promise
    public: bool = True
    # Whether the person who acted is named (a comment's author) or the municipality acts (a process).
    names_actor: bool = False


_verbs: dict[str, Verb] = {}


def register_verb(name: str, sentence: str | Promise, *, public: bool = True, names_actor: bool = False) -> None:
    _verbs[name] = Verb(name, sentence, public, names_actor)


def verb(name: str) -> Verb | None:
    return _verbs.get(name)


def describe(name: str, *, actor: str = "", title: str = "", scope: str = "") -> str:
    registered = _verbs.get(name)
    if registered is None:
        return name
    return str(registered.sentence) % {"actor": actor or _("Someone"), "title": title, "scope": scope}


# The verbs of the apps below notifications; every app above registers its own (processes, proposals, opendata).
register_verb("comment.posted", _("%(actor)s commented on “%(title)s”"), names_actor=True)
register_verb("report.answered", _("The moderators answered your report"), public=False)
