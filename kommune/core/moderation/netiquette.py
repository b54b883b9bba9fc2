"""The netiquette of a municipality: its own text (a Page of kind netiquette) or a sensible default."""

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from kommune.core.models import Municipality, Page
from kommune.core.richtext import render_markdown


def default_netiquette(municipality: Municipality) -> str:
    return _("""Here, residents, the administration and civil society talk with each other about the future of \
%(name)s. So that everyone can take part, we ask you to keep to these rules:

## Respectful and on topic

- Criticise ideas, not people. Insults, threats, discrimination and harassment are not allowed.
- Stay on the topic of the discussion. Advertising and spam are not allowed.
- Give reasons for your opinion; others may see things differently.

## Protect privacy

- Do not publish personal data of others (addresses, phone numbers, photos).
- You may use a pseudonym. Do not pretend to be someone else.

## Within the law

- Content that breaks the law is removed and may be reported to the authorities.
- Respect copyright: quote briefly and name your source.

## How we moderate

Anyone can report a contribution. Our moderators hide contributions that break these rules; the \
contribution then shows the reason in its place. People who break the rules repeatedly can be blocked for a \
time. Every act of moderation appears with its reason in the public moderation log.""") % {"name": municipality.name}


def netiquette_html(municipality: Municipality, page: Page | None) -> str:
    if page is not None and page.body_html:
        return page.body_html
    return render_markdown(default_netiquette(municipality))


def netiquette_rules(municipality: Municipality, page: Page | None) -> list[str]:
    """The rules a moderator can name in a decision: the second-level headings of the municipality's netiquette
    (its own text, or the default), without the closing section on how the moderation works. In the platform's
    language, like the public log, whoever reads the form."""
    with translation.override(settings.LANGUAGE_CODE):
        body = page.body if page is not None and page.body.strip() else default_netiquette(municipality)
        headings = [line[3:].strip() for line in body.splitlines() if line.startswith("## ")]
        rules = [heading for heading in headings if heading and heading != _("How we moderate")]
        return rules or [str(_("The netiquette as a whole"))]
