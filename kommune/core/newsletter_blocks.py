"""The blocks a newsletter can pull in: what is coming up or new in other features (the events of the digital-help
calendar, running participation processes, new citizen proposals), without the newsletter importing them.

Each feature registers its block in its AppConfig.ready() with ``register_block(kind, label, render)``; ``render``
gets the municipality and the moment the newsletter is written or sent and returns at most a handful of
``BlockItem``s (title, absolute or site-relative URL, date, one-line summary), read with a constant number of
queries. The newsletter stores what a block gave when it was sent, so the archive shows what people received.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from django.utils.functional import Promise

from kommune.core.models import Municipality

MAX_ITEMS = 8


@dataclass(frozen=True)
class BlockItem:
    title: str
    url: str
    date: datetime | date | None = None
    summary: str = ""


Render = Callable[[Municipality, datetime], list[BlockItem]]


@dataclass(frozen=True)
class NewsletterBlock:
    kind: str  # short key stored with the newsletter, e.g. "events"
    label: str | Promise  # the block's heading
    render: Render
    order: int = 100


_blocks: dict[str, NewsletterBlock] = {}


def register_block(kind: str, label: str | Promise, render: Render, *, order: int = 100) -> None:
    """Register (or replace) the block ``kind``."""
    _blocks[kind] = NewsletterBlock(kind, label, render, order)


def blocks() -> list[NewsletterBlock]:
    return sorted(_blocks.values(), key=lambda block: (block.order, block.kind))


def block_for(kind: str) -> NewsletterBlock | None:
    return _blocks.get(kind)


def render_block(kind: str, municipality: Municipality, now: datetime) -> list[BlockItem]:
    """The items of one block, at most MAX_ITEMS; an unknown kind (its app was removed) gives none."""
    block = _blocks.get(kind)
    if block is None:
        return []
    return list(block.render(municipality, now))[:MAX_ITEMS]
