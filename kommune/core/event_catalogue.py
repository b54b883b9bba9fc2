"""Who publishes which event and who reacts to it, read from the declarations (kommune.core.events).

Publishers are found in the source: every ``publish(SomeEvent(...))`` call under ``kommune/``. The table in
docs/events.md is generated from here (``python manage.py event_table --write``) and tests/test_events.py checks
both the table and the rules: every declared event is published and reacted to, every event a consumer names is
published, and every consumer an event requires handles it.
"""

import ast
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from kommune.core.events import Consumer, Event, consumers_of, event_types

SOURCE = Path(settings.BASE_DIR) / "kommune"
DOC = Path(settings.BASE_DIR) / "docs" / "events.md"
BEGIN, END = "<!-- event table: begin -->", "<!-- event table: end -->"


def _published_names(call: ast.Call) -> set[str]:
    """The class names an argument of ``publish(...)`` is built from: ``X(...)`` or ``(X if a else Y)(...)``."""
    names = set()
    for argument in call.args:
        if isinstance(argument, ast.Call):
            names |= {node.id for node in ast.walk(argument.func) if isinstance(node, ast.Name)}
    return names


def publishers() -> dict[str, list[str]]:
    """Event class name -> the modules (paths under the project) that publish it."""
    found: dict[str, set[str]] = defaultdict(set)
    for path in sorted(SOURCE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "publish":
                for name in _published_names(node):
                    found[name].add(str(path.relative_to(settings.BASE_DIR)))
    return {name: sorted(paths) for name, paths in found.items()}


@dataclass(frozen=True)
class Reaction:
    event: type[Event]
    published_in: list[str]
    durable: list[Consumer]
    after_commit: list[Consumer]


def reactions() -> list[Reaction]:
    published = publishers()
    rows = []
    for event_type in sorted(event_types().values(), key=lambda t: t.name):
        handling = consumers_of(event_type)
        rows.append(Reaction(event_type, published.get(event_type.__name__, []),
                             [c for c in handling if c.durable], [c for c in handling if not c.durable]))
    return rows


def problems() -> list[str]:
    """What is wrong with the declarations; empty when every rule holds."""
    found = []
    for row in reactions():
        name = f"{row.event.__name__} ({row.event.name})"
        if not row.published_in:
            found.append(f"{name} is declared or handled but nobody publishes it")
        if not row.durable and not row.after_commit:
            found.append(f"{name} has no consumer")
        handled_by = {consumer.name for consumer in row.durable + row.after_commit}
        for required in row.event.requires:
            if required not in handled_by:
                found.append(f"{name} requires the consumer {required!r}, which does not handle it")
        if handled_by == {"pagecache"} and not row.event.requires:
            found.append(f"{name} only empties caches: declare which consumer needs it, or drop it")
    return found


def table() -> str:
    lines = ["| event | stored name | published in | from the outbox (durable) | after the commit | required |",
             "| --- | --- | --- | --- | --- | --- |"]
    for row in reactions():
        lines.append("| " + " | ".join([
            f"`{row.event.__module__}.{row.event.__name__}`",
            f"`{row.event.name}`",
            "<br>".join(f"`{path}`" for path in row.published_in) or "—",
            ", ".join(consumer.name for consumer in row.durable) or "—",
            ", ".join(consumer.name for consumer in row.after_commit) or "—",
            ", ".join(row.event.requires) or "—",
        ]) + " |")
    return "\n".join(lines)


def consumer_table() -> str:
    lines = ["| consumer | delivery | what it does |", "| --- | --- | --- |"]
    from kommune.core.events import consumers

    for consumer in consumers():
        delivery = "outbox, after the commit, at least once" if consumer.durable else "after the commit"
        lines.append(f"| {consumer.name} | {delivery} | {consumer.description} |")
    return "\n".join(lines)


def generated_section() -> str:
    return f"{BEGIN}\n{consumer_table()}\n\n{table()}\n{END}"


def document_with_table(document: str) -> str:
    before, _, rest = document.partition(BEGIN)
    _, _, after = rest.partition(END)
    return before + generated_section() + after
