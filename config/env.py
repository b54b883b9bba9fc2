"""Tiny typed readers for settings that come from environment variables.

Each reader fails loudly with the variable's name when its value cannot be parsed,
so that a typo in a deployment shows up at start-up instead of as odd behaviour later.
"""

import os
from collections.abc import Mapping

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str = "", *, environ: Mapping[str, str] = os.environ) -> str:
    return environ.get(name, default)


def env_bool(name: str, default: bool = False, *, environ: Mapping[str, str] = os.environ) -> bool:
    raw = environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be one of {sorted(_TRUE | _FALSE - {''})}, not {raw!r}")


def env_int(name: str, default: int, *, environ: Mapping[str, str] = os.environ) -> int:
    raw = environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer, not {raw!r}") from None


def env_list(name: str, default: list[str], *, environ: Mapping[str, str] = os.environ) -> list[str]:
    raw = environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_url(name: str, default: str = "", *, schemes: tuple[str, ...], environ: Mapping[str, str] = os.environ) -> str:
    raw = environ.get(name, default)
    if raw and raw.split("://", 1)[0] not in schemes:
        prefixes = ", ".join(s + "://" for s in schemes)
        raise ImproperlyConfigured(f"{name} must start with one of {prefixes}, not {raw!r}")
    return raw


def env_urls(name: str, *, schemes: tuple[str, ...], environ: Mapping[str, str] = os.environ) -> list[str]:
    """A comma-separated list of URLs, each of one of ``schemes``; empty when unset."""
    urls = env_list(name, [], environ=environ)
    prefixes = ", ".join(s + "://" for s in schemes)
    for url in urls:
        if url.split("://", 1)[0] not in schemes:
            raise ImproperlyConfigured(f"{name} must list URLs that start with one of {prefixes}, not {url!r}")
    return urls


def env_choice(name: str, default: str, *, choices: tuple[str, ...], environ: Mapping[str, str] = os.environ) -> str:
    raw = environ.get(name, default)
    if raw not in choices:
        raise ImproperlyConfigured(f"{name} must be one of {', '.join(choices)}, not {raw!r}")
    return raw
