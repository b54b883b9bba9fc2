"""Sent newsletters in the site search (kind ``newsletter``); drafts are never indexed."""

from django.utils.translation import gettext_lazy as _

from kommune.core.search.registry import SearchDocumentData, register_searchable
from kommune.newsletters import events
from kommune.newsletters.models import Newsletter


def newsletter_document(newsletter: Newsletter) -> SearchDocumentData | None:
    if not newsletter.is_sent:
        return None
    items = [item["title"] for section in newsletter.block_snapshot for item in section.get("items", [])]
    body = "\n".join(part for part in [newsletter.intro, newsletter.body, *items] if part)
    return SearchDocumentData(municipality=newsletter.municipality, title=newsletter.title, body=body,
                              url=newsletter.get_absolute_url(), context=str(_("Newsletter")))


def register() -> None:
    register_searchable(Newsletter, kind="newsletter", label=_("Newsletter"), document=newsletter_document,
                        queryset=lambda: Newsletter.objects.filter(status=Newsletter.Status.SENT)
                        .select_related("municipality"),
                        index_on=(events.NewsletterSent,))
