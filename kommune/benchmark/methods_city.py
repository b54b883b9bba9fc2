"""The methods library of the generated city (generate_city): 30 methods (a tenth of the proposals at small
scales, 10 at least), written by the municipalities (the larger ones write more), each with one to four saved
versions, and their uses in the participation processes of the municipalities (a process per 25 proposals of a
municipality, 3 to 40, published; three of them running now, the others earlier or later). Measured: the library
list ``/methoden/`` (bench: "methods library").

Methods and processes (few rows) with bulk_create, versions and uses through the generator's bulk loader;
``Method.version`` is the number of its newest version, and the methods' and processes' search documents are
made by their registered searchables.
"""

from datetime import timedelta
from typing import Any

from kommune.benchmark.processes_city import index_documents, json_value, published_processes
from kommune.core.perspectives import Perspective
from kommune.core.processes.models import Phase
from kommune.core.richtext import render_markdown
from kommune.core.slugs import german_slug
from kommune.methods.models import CONTENT_FIELDS, Method, MethodUse, MethodVersion

MAX_METHODS = 30
PROPOSALS_PER_PROCESS = 25
RUNNING = 3  # processes per municipality that run now (the home page lists three)
NAMES = ["Bürgerrat", "Planungszelle", "World Café", "Zukunftswerkstatt", "Open Space", "Bürgerhaushalt",
         "Stadtteilspaziergang", "Open-Data-Hackday", "Co-Design-Workshop", "Runder Tisch", "Bürgerforum",
         "Fishbowl-Diskussion", "Kiezkonferenz", "Jugendparlament", "Online-Dialog", "Planspiel",
         "Aktivierende Befragung", "Fokusgruppe", "Charrette", "Dynamic Facilitation", "Kinderstadtplan",
         "Repair-Café", "Ideenwettbewerb", "Stammtisch mit der Verwaltung", "Bürgerpanel", "Design Thinking Sprint",
         "Beteiligungsbus", "Nachbarschaftsfest mit Ideenwand", "Konsensuskonferenz", "Fotostreifzug"]
PURPOSES = ["Bringt Menschen zusammen, die sonst selten mitreden.", "Macht unterschiedliche Sichtweisen sichtbar.",
            "Führt in kurzer Zeit zu konkreten Vorschlägen.", "Schafft Vertrauen zwischen Verwaltung und Bürgerschaft."]
STEPS = ["Frage klären und Rahmen festlegen.", "Einladen, auch gezielt die Stillen.", "Durchführen mit Moderation.",
         "Ergebnisse dokumentieren und veröffentlichen.", "Öffentlich sagen, was daraus wird."]
NOTES = ["Schritte ergänzt", "Rechtschreibung", "Materialliste erweitert", "Erfahrungen aus der Praxis ergänzt"]


def method_count(proposals: int) -> int:
    return min(MAX_METHODS, max(10, proposals // 10))


def methods_tables(table: Any) -> dict[str, Any]:
    """The loader's tables (``table`` is generate_city.Table), in the order of their foreign keys."""
    return {
        "method_version": table(MethodVersion, ["municipality_id", "method_id", "number", "content", "note",
                                                "edited_at"]),
        "method_use": table(MethodUse, ["municipality_id", "method_id", "process_id", "created_at"]),
    }


def generate_methods(generator: Any) -> int:
    """Called by generate_city's Generator inside its bulk-loading transaction; returns the number of uses."""
    rnd, now, tables, add = generator.random, generator.now, generator.tables, generator.loader.add
    processes = []
    for place in generator.places:
        count = min(40, max(RUNNING, place.proposals // PROPOSALS_PER_PROCESS))
        plans = []
        for n in range(count):
            # The first ones run now, so the home page shows as many running processes at every scale.
            starts = now - timedelta(days=rnd.randint(1, 20) if n < RUNNING else rnd.randint(-30, 1500))
            ends = starts + timedelta(days=rnd.randint(30, 240))
            plans.append((f"verfahren-{n + 1}", f"Beteiligung {n + 1}: {rnd.choice(NAMES)}",
                          "Ein Beteiligungsverfahren der Kommune.", [(Phase.Kind.DIALOGUE, starts, ends, ())]))
        processes += published_processes(place.municipality, plans)
        for process in processes[-count:]:
            process.municipality = place.municipality
    total = method_count(generator.scale.proposals)
    weights = [len(place.people) for place in generator.places]
    methods = []
    for name in NAMES[:total]:
        author = rnd.choices(generator.places, weights)[0].municipality
        perspectives = rnd.sample(list(Perspective.values), rnd.randint(1, 3))
        content = {"title": name, "kind": rnd.choice(list(Method.Kind.values)),
                   "summary": f"{name}: {rnd.choice(PURPOSES)}", "purpose": " ".join(rnd.sample(PURPOSES, 2)),
                   "perspectives": "," + ",".join(perspectives) + ",",
                   "effort": rnd.choice(list(Method.Effort.values)), "group_size_min": rnd.randint(5, 20),
                   "group_size_max": rnd.randint(25, 200), "duration": rnd.choice(["ein Abend", "ein Tag",
                                                                                 "drei Samstage"]),
                   "steps": "\n".join(f"{i}. {step}" for i, step in enumerate(rnd.sample(STEPS, 4), start=1)),
                   "materials": "- Moderationskoffer\n- barrierefreier Raum", "pitfalls": rnd.choice(PURPOSES)}
        versions = rnd.randint(1, 4)
        method = Method(municipality=author, slug=german_slug(name), version=versions,
                        purpose_html=render_markdown(content["purpose"]), steps_html=render_markdown(content["steps"]),
                        materials_html=render_markdown(content["materials"]),
                        pitfalls_html=render_markdown(content["pitfalls"]),
                        **{field: content[field] for field in CONTENT_FIELDS})
        method.history = (content, versions, now - timedelta(days=rnd.randint(400, 1500)))  # type: ignore[attr-defined]
        methods.append(method)
    Method.objects.bulk_create(methods)
    uses = 0
    for method in methods:
        content, versions, written = method.history  # type: ignore[attr-defined]
        for number in range(1, versions + 1):
            edited = written + timedelta(days=(number - 1) * rnd.randint(20, 120))
            add(tables["method_version"], (method.municipality_id, method.pk, number, json_value(content),
                                           "" if number == 1 else rnd.choice(NOTES), edited))
        for process in rnd.sample(processes, min(len(processes), rnd.randint(0, 12))):
            add(tables["method_use"], (process.municipality.pk, method.pk, process.pk, process.starts_at))
            uses += 1
    index_documents(generator, [*processes, *methods])
    generator.out(f"  {len(methods)} methods, {uses:,} uses in {len(processes):,} processes")
    return uses
