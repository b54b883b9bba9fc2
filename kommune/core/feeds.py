"""The base of every Atom feed: plain text stays plain text, and no stored character can break the XML.

Atom readers treat ``<summary type="html">`` as markup. A feed says per class whether its item descriptions
are HTML (``description_is_html``: sanitised HTML rendered from Markdown when it was written); everything else,
such as a process summary or an activity sentence with a person's display name, goes out as
``<summary type="text">`` and is only XML-escaped, so a reader shows ``<b>`` as the characters it is.

XML 1.0 cannot carry C0 control characters, and Django's generator answers them with an exception (a 500).
They are refused on input (kommune.core.cleaning), but older rows may hold them: the writer drops them, and
the C1 range with them, from every text and attribute it writes.
"""

from typing import Any

from django.contrib.syndication.views import Feed
from django.utils.feedgenerator import Atom1Feed
from django.utils.xmlutils import SimplerXMLGenerator

from kommune.core.cleaning import without_control_characters


class _CleanXMLGenerator(SimplerXMLGenerator):
    def characters(self, content: str) -> None:
        super().characters(without_control_characters(content) if isinstance(content, str) else content)

    def startElement(self, name: str, attrs: Any) -> None:  # noqa: N802 - SAX's name; Django passes a dict
        cleaned: Any = {key: without_control_characters(value) if isinstance(value, str) else value
                        for key, value in attrs.items()}
        super().startElement(name, cleaned)


class CleanAtom1Feed(Atom1Feed):
    """Atom 1.0 whose summaries are typed per item, written without control characters."""

    def write(self, outfile, encoding: str) -> None:
        handler = _CleanXMLGenerator(outfile, encoding, short_empty_elements=True)
        handler.startDocument()
        handler.startElement("feed", self.root_attributes())
        self.add_root_elements(handler)
        self.write_items(handler)
        handler.endElement("feed")

    def add_item_elements(self, handler: SimplerXMLGenerator, item: dict[str, Any]) -> None:
        description = item.get("description")
        super().add_item_elements(handler, {**item, "description": None})
        if description is not None:
            summary_type = "html" if item.get("description_is_html") else "text"
            handler.addQuickElement("summary", description, {"type": summary_type})


class AtomFeed(Feed):
    """Base class of the platform's feeds; set ``description_is_html`` where item_description returns HTML."""

    feed_type = CleanAtom1Feed
    description_is_html = False

    def item_extra_kwargs(self, item: Any) -> dict[str, Any]:
        return {**super().item_extra_kwargs(item), "description_is_html": self.description_is_html}
