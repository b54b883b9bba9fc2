"""A paragraph as HTML, with the commented passages marked. Rendered from the stored plain text and structure
on every request, so a highlight is computed from the passage's offsets each time and survives any re-rendering;
if the text at the offsets no longer is the quote, the quote is looked up in the text instead."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    passage_id: int
    comment_id: int


def locate(text: str, quote: str, start: int, end: int) -> tuple[int, int] | None:
    """Where the quote is in ``text``: at its offsets if it is still there, else its first occurrence."""
    if quote and text[start:end] == quote:
        return start, end
    found = text.find(quote) if quote else -1
    return (found, found + len(quote)) if found >= 0 else None


def spans(text: str, passages: Iterable) -> list[Span]:
    result = []
    for passage in passages:
        where = locate(text, passage.quote, passage.start, passage.end)
        if where is not None:
            result.append(Span(where[0], where[1], passage.pk, passage.comment_id))
    return sorted(result, key=lambda span: (span.start, span.end))


def _marked(segment: str, offset: int, marks: Sequence[Span], anchor_prefix: str) -> Markup:
    """``segment`` (which starts at ``offset`` of the paragraph's text) escaped, with <mark> around the parts that
    passages cover. Overlapping passages are merged into one mark naming all of them."""
    end_of_segment = offset + len(segment)
    boundaries = {0, len(segment)}
    for span in marks:
        if span.end > offset and span.start < end_of_segment:
            boundaries.add(max(span.start, offset) - offset)
            boundaries.add(min(span.end, end_of_segment) - offset)
    points = sorted(boundaries)
    parts = []
    for left, right in zip(points, points[1:], strict=False):
        piece = escape(segment[left:right])
        covering = [span for span in marks if span.start <= offset + left and span.end >= offset + right]
        if covering:
            ids = " ".join(f"{anchor_prefix}{span.comment_id}" for span in covering)
            parts.append(Markup('<mark class="passage" data-comments="{}">{}</mark>').format(ids, piece))
        else:
            parts.append(piece)
    return Markup("").join(parts)


def render_paragraph(paragraph, passages: Iterable = (), *, heading_shift: int = 0,
                     anchor_prefix: str = "comment-") -> Markup:
    """The HTML of ``paragraph`` with ``passages`` (objects with quote, start, end, pk, comment_id) marked."""
    marks = spans(paragraph.text, passages)
    kind, data = paragraph.kind, paragraph.data or {}
    if kind == "heading":
        level = min(6, max(2, int(data.get("level", 2)) + heading_shift))
        return Markup('<h{0} class="draft__heading">{1}</h{0}>').format(
            level, _marked(paragraph.text, 0, marks, anchor_prefix))
    if kind == "list":
        tag = "ol" if data.get("ordered") else "ul"
        offset, items = 0, []
        for item in data.get("items", []):
            items.append(Markup("<li>{}</li>").format(_marked(item, offset, marks, anchor_prefix)))
            offset += len(item) + 1
        return Markup('<{0} class="draft__list">{1}</{0}>').format(tag, Markup("").join(items))
    if kind == "table":
        offset, rows = 0, []
        for index, row in enumerate(data.get("rows", [])):
            cells = []
            for cell in row:
                content = _marked(cell, offset, marks, anchor_prefix)
                cells.append(Markup('<th scope="col">{}</th>').format(content) if index == 0
                             else Markup("<td>{}</td>").format(content))
                offset += len(cell) + 1
            rows.append(Markup("<tr>{}</tr>").format(Markup("").join(cells)))
        head, body = rows[:1], rows[1:]
        return Markup('<div class="draft__table-wrap"><table class="kern-table draft__table"><thead>{}</thead>'
                      '<tbody>{}</tbody></table></div>').format(Markup("").join(head), Markup("").join(body))
    return Markup('<p class="draft__text">{}</p>').format(_marked(paragraph.text, 0, marks, anchor_prefix))
