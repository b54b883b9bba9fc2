"""The Jinja2 environment of the project's own templates (the admin keeps Django templates)."""

from django.conf import settings
from django.contrib.messages import get_messages
from django.templatetags.static import static
from django.urls import reverse
from django.utils import formats, timezone, translation
from jinja2 import Environment, pass_context


def url(name: str, *args, **kwargs) -> str:
    return reverse(name, args=args or None, kwargs=kwargs or None)


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


@pass_context
def messages(context) -> list:
    request = context.get("request")
    return list(get_messages(request)) if request is not None else []


def environment(**options) -> Environment:
    options.setdefault("autoescape", True)
    env = Environment(extensions=["jinja2.ext.i18n"], **options)
    env.install_gettext_translations(translation, newstyle=True)
    env.globals.update(
        url=url,
        static=static,
        messages=messages,
        languages=settings.LANGUAGES,
        get_language=translation.get_language,
        platform_name="Offene Kommune",
        operator={"name": settings.OPERATOR_NAME, "imprint_url": settings.OPERATOR_IMPRINT_URL,
                  "privacy_url": settings.OPERATOR_PRIVACY_URL},
    )
    env.filters.update(localtime=localtime, date=date, number=formats.number_format)
    return env
