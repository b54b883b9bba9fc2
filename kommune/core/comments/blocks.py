"""Whether a person is blocked from taking part in a municipality's discussions.

Blocks are the moderation's (kommune/core/moderation), which sits above the comments: it registers its lookup in
AppConfig.ready() with ``register_block_lookup``, so the comments ask without importing it. Without a lookup
nobody is blocked.
"""

from collections.abc import Callable
from datetime import datetime
from typing import Any, Protocol

from kommune.core.models import Municipality


class ActiveBlock(Protocol):
    until: datetime
    reason: str


BlockLookup = Callable[[Any, Municipality, datetime | None], ActiveBlock | None]

_lookup: BlockLookup | None = None


def register_block_lookup(lookup: BlockLookup) -> None:
    global _lookup
    _lookup = lookup


def active_block(user, municipality: Municipality, now: datetime | None = None) -> ActiveBlock | None:
    """The block that ends last among the person's active blocks in ``municipality``, or None."""
    return _lookup(user, municipality, now) if _lookup is not None else None
