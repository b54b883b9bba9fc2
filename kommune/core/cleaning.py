"""Input checks that the services of every app share: trimmed text within a length, and a collector that
cleans the given fields of a write and reports all problems at once, keyed by field name."""

from collections.abc import Callable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


def clean_text(value: str | None, *, max_length: int, required: str | None = None) -> str:
    """``value`` stripped; ``required`` is the message for an empty value of a required field."""
    value = (value or "").strip()
    if "\x00" in value:
        raise ValidationError(_("The text contains a character that is not allowed (NUL)."), code="invalid")
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
