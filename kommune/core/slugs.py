"""Addresses (slugs) from German names: umlauts and ß are spelled out before Django's slugify, which would drop
them ("Spielplätze" -> "spielplaetze", not "spielplatze"). Every slug the platform generates goes through here."""

from django.utils.text import slugify

_GERMAN_LETTERS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue",
                                 "ẞ": "Ss"})


def german_slug(text: str, *, max_length: int | None = None, fallback: str = "") -> str:
    """The slug of ``text``, cut to ``max_length`` without a trailing hyphen; ``fallback`` when nothing is left."""
    slug = slugify(str(text).translate(_GERMAN_LETTERS))
    if max_length is not None:
        slug = slug[:max_length].strip("-")
    return slug or fallback
