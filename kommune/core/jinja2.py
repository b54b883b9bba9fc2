"""The Jinja2 environment of the project's own templates (the admin keeps Django templates)."""

from collections.abc import Callable
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.contrib.messages import get_messages
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.templatetags.static import static
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import formats, timezone, translation
from django.utils.text import capfirst
from jinja2 import Environment, nodes, pass_context
from jinja2.ext import Extension
from markupsafe import Markup

from kommune.core.form_html import choice_options, input_html
from kommune.core.frame import site_frame
from kommune.core.pagecache import fill_personal, personal_mark, shared_fragment


def url(name: str, *args, **kwargs) -> str:
    """reverse() for templates, remembered per process: the header alone reverses a dozen addresses on every page,
    and the same name and arguments always give the same address under one URLconf and script prefix."""
    values = (*args, *kwargs.values())
    if not all(type(value) in (str, int) for value in values):
        return reverse(name, args=args or None, kwargs=kwargs or None)
    return _reversed(get_urlconf() or settings.ROOT_URLCONF, get_script_prefix(), name, args,
                     tuple(kwargs.items()))


@lru_cache(maxsize=8192)
def _reversed(urlconf: str, _prefix: str, name: str, args: tuple, kwargs: tuple) -> str:
    return reverse(name, urlconf=urlconf, args=args or None, kwargs=dict(kwargs) or None)


def localtime(value, format_name: str = "DATETIME_FORMAT") -> str:
    if value is None:
        return ""
    return formats.date_format(timezone.localtime(value), format_name)


def date(value, format_name: str = "DATE_FORMAT") -> str:
    if value is None:
        return ""
    if hasattr(value, "tzinfo"):
        value = timezone.localtime(value)
    return formats.date_format(value, format_name)


# Globals that apps above core offer to every template (comments/embed.html, the header's badge), registered in
# their AppConfig.ready() so that core imports none of them. Environments are built after every app is ready.
_app_globals: dict[str, Callable] = {}


def register_template_global(name: str, function: Callable) -> None:
    _app_globals[name] = function


@lru_cache(maxsize=1024)
def static_url(path: str) -> str:
    """``static(path)``, worked out once per process: the manifest of hashed names is read once too, and the six
    files of every page took 9 % of a logged-in search page (issue 16)."""
    return static(path)


@receiver(setting_changed)
def _forget_static_urls(setting: str, **kwargs) -> None:
    if setting in {"STATIC_URL", "STATIC_ROOT", "STORAGES"}:
        static_url.cache_clear()


def tile_layer() -> dict:
    """The tiles of every map (macros/map.html), read per call so that a changed setting applies at once."""
    return {"url": settings.MAP_TILE_URL, "attribution": settings.MAP_TILE_ATTRIBUTION}


@pass_context
def messages(context) -> list:
    request = context.get("request")
    return list(get_messages(request)) if request is not None else []


def number(value, decimal_pos: int | None = None) -> str:
    """A number in the active language's format, with thousands grouped (248.300 in German)."""
    return formats.number_format(value, decimal_pos, force_grouping=True)


class Operator:
    """The operator's name and legal pages for the templates, read from the settings when a page renders."""

    @property
    def name(self) -> str:
        return settings.OPERATOR_NAME

    @property
    def imprint_url(self) -> str:
        return settings.OPERATOR_IMPRINT_URL

    @property
    def privacy_url(self) -> str:
        return settings.OPERATOR_PRIVACY_URL


class SharedFragmentExtension(Extension):
    """``{% shared "name" %}…{% endshared %}``: a part of the page that is the same for every visitor, rendered
    only when the cache (kommune.core.pagecache.shared_fragment) does not hold it. Personal marks in it
    (``personal_mark(kind, pk)``) are filled from the template's ``personal`` (kind: function of the ids), or
    from the functions given after the name: ``{% shared "name", fills %}``. A part that depends on less than
    the whole address names what it depends on, and is shared by every address of the page that agrees on it:
    ``{% shared "name" by value %}``."""

    tags = {"shared"}

    def parse(self, parser):
        lineno = next(parser.stream).lineno
        args = [nodes.ContextReference(), parser.parse_expression()]
        if parser.stream.skip_if("comma"):  # {% shared "name", fills %}: the personal functions of this fragment
            args.append(parser.parse_expression())
        keywords = []
        if parser.stream.skip_if("name:by"):
            keywords.append(nodes.Keyword("by", parser.parse_expression()))
        body = parser.parse_statements(("name:endshared",), drop_needle=True)
        return nodes.CallBlock(self.call_method("_render", args, keywords), [], [], body).set_lineno(lineno)

    def _render(self, context, name: str, fills: dict | None = None, *, by: Any = None, caller) -> Markup:
        request = context.get("request")
        html = shared_fragment(request, name, caller, by=by) if request is not None else str(caller())
        return Markup(fill_personal(html, context.get("personal") or {} if fills is None else fills))


def environment(**options) -> Environment:
    options.setdefault("autoescape", True)
    env = Environment(extensions=["jinja2.ext.i18n", SharedFragmentExtension], **options)
    env.install_gettext_translations(translation, newstyle=True)  # type: ignore[attr-defined]  # added by jinja2.ext.i18n
    env.globals.update(
        url=url,
        static=static_url,
        messages=messages,
        tile_layer=tile_layer,
        languages=settings.LANGUAGES,
        get_language=translation.get_language,
        personal_mark=lambda kind, pk: Markup(personal_mark(kind, pk)),
        platform_name="Offene Kommune",
        operator=Operator(),
        site_frame=site_frame,
        choice_options=choice_options,
        input_html=input_html,
    )
    env.globals.update(_app_globals)
    env.filters.update(localtime=localtime, date=date, number=number, capfirst=capfirst)
    return env
