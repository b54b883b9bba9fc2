"""Plain text for the index, and highlighted text for the results page (escaped first, then marked)."""

import html
import re
import unicodedata
from functools import lru_cache

from markupsafe import Markup, escape

from kommune.core.search.german import STOP_WORDS, WORD_CHARACTER, stem

# Block elements separate words; inline elements (<em>, <a>, …) do not.
_BLOCK_TAG_RE = re.compile(r"</?(?:p|div|br|li|ul|ol|h[1-6]|blockquote|pre|table|thead|tbody|tr|td|th|hr)\b[^>]*>",
                           re.IGNORECASE)
_TAG_RE = re.compile(r"<[^>]*>")
_SPACE_RE = re.compile(r"\s+")
# A snippet looks for the first match this far into the body, and shows about this many characters.
SNIPPET_SCAN = 20_000
SNIPPET_LENGTH = 240


def plain_text(markup: str) -> str:
    """The text of sanitised HTML (as rendered by kommune.core.richtext), tags replaced by spaces."""
    text = _TAG_RE.sub("", _BLOCK_TAG_RE.sub(" ", markup))
    return _SPACE_RE.sub(" ", html.unescape(text)).strip()


# How a letter of a Snowball stem can be written in the word it came from: the German stemmer reads "ae", "oe",
# "ue" as umlauts, writes umlauts without dots and "ß" as "ss", and otherwise only cuts endings.
_SPELLINGS = {"a": "(?:ae?|ä)", "o": "(?:oe?|ö)", "u": "(?:ue?|ü)", "s": "(?:s|ß)"}


def _stem_pattern(stem_: str) -> str:
    parts, index = [], 0
    while index < len(stem_):
        if stem_.startswith("ss", index):
            parts.append("(?:ss|ß)")
            index += 2
            continue
        parts.append(_SPELLINGS.get(stem_[index], re.escape(stem_[index])))
        index += 1
    return "".join(parts)


@lru_cache(maxsize=256)
def _candidates(stems: frozenset[str]) -> re.Pattern[str]:
    """The words that begin like one of the stems: a superset of the words with one of the stems, found without
    stemming every word of the text (which took half of a results page)."""
    alternatives = "|".join(sorted(map(_stem_pattern, stems), key=len, reverse=True))
    return re.compile(rf"(?<!{WORD_CHARACTER})(?:{alternatives}){WORD_CHARACTER}*", re.IGNORECASE)


def _matches(text: str, stems: frozenset[str], end: int | None = None):
    for match in _candidates(stems).finditer(text, 0, len(text) if end is None else end):
        word = match.group().lower()
        if word not in STOP_WORDS and stem(word) in stems:
            yield match


# Where a mark begins and ends while the text is still unescaped: two characters of Unicode's private use area,
# which escaping leaves alone and which are taken out of the text first. So a text is escaped once, not once per
# piece between marks (per piece, markupsafe's escape and Markup objects were a fifth of a results page).
_MARK_START, _MARK_END = "\ue000", "\ue001"


def highlight(text: str, stems: frozenset[str]) -> Markup:
    """``text`` escaped, with every word whose stem is searched for wrapped in <mark>."""
    text = unicodedata.normalize("NFC", text).replace(_MARK_START, "").replace(_MARK_END, "")
    if not stems:
        return escape(text)
    parts, last = [], 0
    for match in _matches(text, stems):
        parts += [text[last:match.start()], _MARK_START, match.group(), _MARK_END]
        last = match.end()
    if not parts:
        return escape(text)
    parts.append(text[last:])
    marked = str(escape("".join(parts)))
    return Markup(marked.replace(_MARK_START, "<mark>").replace(_MARK_END, "</mark>"))


def snippet(text: str, stems: frozenset[str], length: int = SNIPPET_LENGTH) -> Markup:
    """About ``length`` characters of ``text`` around its first match (or its beginning), highlighted.

    Line breaks separate the parts of a document's body (a process's summary and description): shown as " · ".
    """
    # split() and join collapse the white space as _SPACE_RE would, in a third of its time.
    text = " ".join(unicodedata.normalize("NFC", text.strip()).replace("\n", " · ").split())
    if len(text) <= length:
        return highlight(text, stems)
    first = next(_matches(text, stems, SNIPPET_SCAN), None) if stems else None
    start = 0 if first is None else max(0, first.start() - length // 3)
    if start:
        space = text.find(" ", start)
        start = space + 1 if first and 0 <= space < first.start() else start
    end = min(len(text), start + length)
    if end < len(text):
        space = text.rfind(" ", start, end)
        end = space if space > start + length // 2 else end
    return Markup("").join([
        Markup("… ") if start else Markup(""),
        highlight(text[start:end], stems),
        Markup(" …") if end < len(text) else Markup(""),
    ])
