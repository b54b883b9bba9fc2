"""Input checks that the services of every app share: trimmed text within a length, and a collector that
cleans the given fields of a write and reports all problems at once, keyed by field name.

Control characters: C0 (U+0000-U+001F) except tab, line feed and carriage return, and C1 (U+0080-U+009F) are
refused in every text a person or a client writes, web and API alike. They are invisible, they come along when
text is copied from other programs, PostgreSQL cannot store NUL, and XML 1.0 (the Atom feeds) cannot carry C0 at
all. ``without_control_characters`` drops them on the way out, for data stored before this check existed.
"""

import re
from collections.abc import Callable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

_CONTROL_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x80-\x9f]")


def first_control_character(value: str) -> str | None:
    """The first refused character of ``value`` as its code point, e.g. "U+0001", or None."""
    found = _CONTROL_RE.search(value or "")
    return f"U+{ord(found.group()):04X}" if found else None


def refuse_control_characters(value: str) -> str:
    """``value`` unchanged, or a ValidationError naming the first control character; usable as a form validator."""
    code = first_control_character(value)
    if code:
        raise ValidationError(
            _("The text contains an invisible control character (%(code)s) that is not allowed. Please remove it; "
              "it often comes along when text is copied from another program.") % {"code": code},
            code="control_character")
    return value


def validate_no_control_characters(value: str) -> None:
    """refuse_control_characters as a Django form field validator."""
    refuse_control_characters(value)


def control_character_message(value: str) -> str | None:
    """The message of refuse_control_characters for ``value``, or None; for checks that collect messages."""
    try:
        refuse_control_characters(value)
    except ValidationError as error:
        return error.messages[0]
    return None


def without_control_characters(value: str) -> str:
    """``value`` without the characters refuse_control_characters refuses, for output of old data."""
    return _CONTROL_RE.sub("", value)


def clean_text(value: str | None, *, max_length: int, required: str | None = None) -> str:
    """``value`` stripped; ``required`` is the message for an empty value of a required field."""
    value = refuse_control_characters((value or "").strip())
    if required and not value:
        raise ValidationError(required, code="required")
    if len(value) > max_length:
        raise ValidationError(_("Please shorten this to at most %(max)d characters; it has %(length)d.")
                              % {"max": max_length, "length": len(value)}, code="max_length")
    return value


class FieldCleaner:
    """Cleans the fields present in ``data`` one by one; ``cleaned`` holds the good values, ``errors`` the
    messages of the bad ones, so a form or an API client learns every problem in one answer."""

    def __init__(self, data: Mapping[str, Any]) -> None:
        self.data = data
        self.cleaned: dict[str, Any] = {}
        self.errors: dict[str, list[str]] = {}

    def check(self, name: str, clean: Callable[[Any], Any]) -> None:
        if name in self.data:
            try:
                self.cleaned[name] = clean(self.data[name])
            except ValidationError as error:
                self.errors[name] = error.messages


def parse_id(value: str, *, max_digits: int = 18) -> int | None:
    """``value`` as a non-negative integer if it is one made of ASCII digits only (``"²".isdigit()`` is true, but
    ``int("²")`` fails) and short enough for a database key; otherwise None."""
    if value.isascii() and value.isdigit() and len(value) <= max_digits:
        return int(value)
    return None
