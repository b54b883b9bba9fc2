"""What changed between two versions of a draft, paragraph by paragraph (difflib), with a word diff inside a
changed paragraph. A change is named by ``key``: "<old paragraph id or 0>-<new paragraph id or 0>", which the
change reasons (models.ChangeReason) refer to."""

import difflib
from collections.abc import Sequence
from dataclasses import dataclass, field

from markupsafe import Markup, escape


@dataclass
class Change:
    kind: str  # "changed", "added", "removed", "same"
    old: object | None
    new: object | None
    words: Markup = Markup("")
    comments: list = field(default_factory=list)

    @property
    def key(self) -> str:
        return f"{getattr(self.old, 'pk', 0) or 0}-{getattr(self.new, 'pk', 0) or 0}"


def _signature(paragraph) -> str:
    return f"{paragraph.kind}\x00{paragraph.text}"


def word_diff(old: str, new: str) -> Markup:
    """``new`` with the words taken out of ``old`` in <del> and the words put in in <ins>."""
    before, after = old.split(" "), new.split(" ")
    parts = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=before, b=after, autojunk=False).get_opcodes():
        if op == "equal":
            parts.append(escape(" ".join(before[i1:i2])))
            continue
        if i2 > i1:
            parts.append(Markup("<del>{}</del>").format(" ".join(before[i1:i2])))
        if j2 > j1:
            parts.append(Markup("<ins>{}</ins>").format(" ".join(after[j1:j2])))
    return Markup(" ").join(parts)


def compare(old: Sequence, new: Sequence, *, include_same: bool = False) -> list[Change]:
    """The changes from the paragraphs ``old`` to ``new`` (each in reading order)."""
    changes: list[Change] = []
    matcher = difflib.SequenceMatcher(a=[_signature(p) for p in old], b=[_signature(p) for p in new],
                                      autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            if include_same:
                changes.extend(Change("same", a, b) for a, b in zip(old[i1:i2], new[j1:j2], strict=True))
            continue
        removed, added = list(old[i1:i2]), list(new[j1:j2])
        paired = min(len(removed), len(added)) if op == "replace" else 0
        for a, b in zip(removed[:paired], added[:paired], strict=True):
            changes.append(Change("changed", a, b, word_diff(a.text, b.text)))
        changes.extend(Change("removed", a, None, Markup("<del>{}</del>").format(a.text)) for a in removed[paired:])
        changes.extend(Change("added", None, b, Markup("<ins>{}</ins>").format(b.text)) for b in added[paired:])
    return changes
