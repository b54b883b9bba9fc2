"""Reading an action's parameters the way CKAN's validators do.

Parameters arrive as a JSON object (POST) or as query parameters (GET, all strings, a list where a key repeats),
so every reader accepts both the typed JSON value and its string form.
"""

import json
from typing import Any, overload

from django.utils.translation import gettext as _

from kommune.opendata.ckan.errors import ValidationError

_TRUE = {"true", "1", "yes", "on"}
_FALSE = {"false", "0", "no", "off", ""}
# The largest offset or count any action accepts: beyond it the database's integers overflow.
LARGEST_INTEGER = 2**31 - 1


class Params:
    def __init__(self, data: dict[str, Any]) -> None:
        self.data = data

    def raw(self, name: str) -> Any:
        return self.data.get(name)

    def string(self, name: str, default: str = "") -> str:
        value = self.data.get(name)
        if value is None:
            return default
        if isinstance(value, list):
            value = value[-1] if value else default
        if not isinstance(value, str | int | float) or isinstance(value, bool):
            raise ValidationError(name, _("Must be a string."))
        return _without_nul(name, str(value).strip())

    def required(self, name: str) -> str:
        value = self.string(name)
        if not value:
            raise ValidationError(name, _("Missing value"))
        return value

    @overload
    def integer(self, name: str, default: int, *, maximum: int | None = None) -> int: ...

    @overload
    def integer(self, name: str, default: None = None, *, maximum: int | None = None) -> int | None: ...

    def integer(self, name: str, default: int | None = None, *, maximum: int | None = None) -> int | None:
        value = self.data.get(name)
        if value is None or value == "":
            return default
        if isinstance(value, list) and value:
            value = value[-1]
        if isinstance(value, bool) or not isinstance(value, int | str):
            raise ValidationError(name, _("Invalid integer"))
        try:
            number = int(value)
        except ValueError:
            raise ValidationError(name, _("Invalid integer")) from None
        if number < 0:
            raise ValidationError(name, _("Must be a natural number"))
        if number > LARGEST_INTEGER:
            raise ValidationError(name, _("Must be at most %(maximum)d") % {"maximum": LARGEST_INTEGER})
        return min(number, maximum) if maximum is not None else number

    def boolean(self, name: str, default: bool = False) -> bool:
        value = self.data.get(name)
        if value is None:
            return default
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.strip().lower() in _TRUE | _FALSE:
            return value.strip().lower() in _TRUE
        raise ValidationError(name, _("Value must be one of: true, false"))

    def string_list(self, name: str) -> list[str] | None:
        """A list of strings: a JSON list, a JSON list as a string (CKAN's GET form) or a repeated query key."""
        value = self.data.get(name)
        if value is None or value == "":
            return None
        if isinstance(value, str):
            try:
                value = json.loads(value)
            except (ValueError, RecursionError):
                raise ValidationError(name, _("Could not parse as valid JSON")) from None
            if isinstance(value, str):
                value = [value]
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            raise ValidationError(name, _("Must be a list of strings"))
        return [_without_nul(name, item) for item in value]


def _without_nul(name: str, text: str) -> str:
    # No stored text contains NUL, and PostgreSQL refuses it even in a query's parameters.
    if "\x00" in text:
        raise ValidationError(name, _("Must not contain NUL characters"))
    return text
