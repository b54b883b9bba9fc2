"""Every tenant-owned row carries its municipality (docs/code-style.md, "Models"), so that scoping a query never
needs a join chain: a model that reaches Municipality through foreign keys must also point to it directly.

And the migration that gave phases, news and reactions their key filled it from their parents."""

import pytest
from django.apps import apps
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.models import Model
from django.utils import timezone

from kommune.core.comments.models import Reaction
from kommune.core.models import Municipality
from kommune.core.processes.models import Phase, ProcessNews

# Rows that belong to a municipality only through something else, on purpose. Each entry says why.
NOT_TENANT_OWNED = {
    # A fine-dust reading (kommune/sensors): hundreds of millions of compact rows, always read per sensor (which
    # carries the municipality); a municipality key would add a fifth of the row for nothing.
    "sensors.Reading",
    # Django's table behind Lab.organisations: which organisations take part in a lab. The row belongs to the lab
    # (which spans several municipalities), not to the organisation's municipality.
    "core.Lab_organisations",
    # The event outbox's note that one consumer applied one entry (kommune/core/events.py): bookkeeping of the
    # delivery, never read or shown per municipality, deleted with its entry (which carries the municipality).
    "core.OutboxDelivery",
}


def _foreign_keys(model: type[Model]) -> list:
    return [field for field in model._meta.get_fields()
            if (field.many_to_one or field.one_to_one) and field.concrete and field.related_model is not None]


def _path_to_municipality(model: type[Model], seen: frozenset = frozenset()) -> list[str] | None:
    """The foreign keys that lead from ``model`` to Municipality (the first path found), or None."""
    for field in _foreign_keys(model):
        target = field.related_model
        if target is Municipality:
            return [f"{model.__name__}.{field.name}"]
        if target in seen or target is model:
            continue
        rest = _path_to_municipality(target, seen | {model})
        if rest:
            return [f"{model.__name__}.{field.name}", *rest]
    return None


def _tenant_owned() -> dict[str, list[str]]:
    """Every concrete model (also Django's many-to-many tables) with a foreign-key path to Municipality."""
    found = {}
    for model in apps.get_models(include_auto_created=True):
        if model is Municipality or model._meta.proxy:
            continue
        path = _path_to_municipality(model)
        if path:
            found[model._meta.label] = path
    return found


def _has_direct_key(model: type[Model]) -> bool:
    return any(field.name == "municipality" and field.related_model is Municipality
               for field in _foreign_keys(model))


def test_the_walk_finds_rows_that_reach_a_municipality_only_through_a_parent():
    owned = _tenant_owned()

    assert owned["processes.Phase"][0] in {"Phase.municipality", "Phase.process"}
    assert {"processes.Phase", "processes.ProcessNews", "comments.Reaction", "proposals.Support",
            "core.Lab_organisations", "core.Lab_municipalities"} <= set(owned)
    assert "accounts.User" not in owned and "core.Lab" not in owned


def test_every_tenant_owned_model_carries_its_municipality():
    missing = {label: " → ".join(path) for label, path in _tenant_owned().items()
               if label not in NOT_TENANT_OWNED and not _has_direct_key(apps.get_model(label))}

    assert missing == {}, "These models reach a municipality only through another row; give them a " \
                          "`municipality` foreign key (or explain the exception in NOT_TENANT_OWNED)."


def test_the_exceptions_are_still_real():
    owned = _tenant_owned()
    for label in NOT_TENANT_OWNED:
        assert label in owned and not _has_direct_key(apps.get_model(label)), label


# --- The data migration ------------------------------------------------------------------------------------------

BEFORE = [("processes", "0002_news_and_published_at"), ("comments", "0002_comment_comment_top_level_page")]


def _migrate(targets) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor


@pytest.mark.django_db(transaction=True)
def test_the_migration_fills_the_municipality_of_phases_news_and_reactions_from_their_parents():
    executor = _migrate(BEFORE)
    graph, applied = executor.loader.graph, set(BEFORE)
    later = {node for target in BEFORE for node in graph.forwards_plan(graph.leaf_nodes(target[0])[0])} - {
        node for target in BEFORE for node in graph.forwards_plan(target)}
    # The other apps as far as they do not need a later migration of processes or comments (the feature apps
    # built on processes were unapplied with them).
    others = [node for node in graph.leaf_nodes() if node[0] not in dict(applied)
              and not set(graph.forwards_plan(node)) & later]
    old = executor.loader.project_state([*BEFORE, *others]).apps
    rows = {}
    for slug, key in (("nord", "05000001"), ("sued", "05000002")):
        municipality = old.get_model("core", "Municipality").objects.create(
            name=slug, slug=slug, official_key=key, kind="stadt", federal_state="05")
        process = old.get_model("processes", "Process").objects.create(
            municipality=municipality, title="Marktplatz", slug="marktplatz", summary="…")
        now = timezone.now()
        phase = old.get_model("processes", "Phase").objects.create(
            process=process, kind="dialogue", starts_at=now, ends_at=now + timezone.timedelta(days=1))
        news = old.get_model("processes", "ProcessNews").objects.create(
            process=process, title="Neu", text="…", published_at=now)
        user = old.get_model("accounts", "User").objects.create(email=f"{slug}@example.invalid", password="!")
        content_type = old.get_model("contenttypes", "ContentType").objects.get(app_label="processes",
                                                                                model="process")
        thread = old.get_model("comments", "Thread").objects.create(
            municipality=municipality, content_type=content_type, object_id=process.pk)
        comment = old.get_model("comments", "Comment").objects.create(
            municipality=municipality, thread=thread, author=user, text="…", text_html="<p>…</p>")
        reaction = old.get_model("comments", "Reaction").objects.create(comment=comment, user=user, value=1)
        rows[municipality.pk] = (phase.pk, news.pk, reaction.pk)

    _migrate(executor.loader.graph.leaf_nodes())

    for municipality_id, (phase, news, reaction) in rows.items():
        assert Phase.objects.get(pk=phase).municipality_id == municipality_id
        assert ProcessNews.objects.get(pk=news).municipality_id == municipality_id
        assert Reaction.objects.get(pk=reaction).municipality_id == municipality_id


# --- Lab-owned rows ---------------------------------------------------------------------------------------------


def test_every_lab_owned_model_carries_its_lab():
    """A row that reaches a Lab through another row (a task through its sub-project) points to the lab directly,
    so that the lab workspace scopes every query by lab (kommune/labs)."""
    from kommune.core.models import Lab

    def reaches_lab(model, seen=frozenset()) -> bool:
        for field in _foreign_keys(model):
            target = field.related_model
            if target is Lab or (target not in seen and target is not model and reaches_lab(target, seen | {model})):
                return True
        return False

    def has_lab_key(model) -> bool:
        return any(field.name == "lab" and field.related_model is Lab for field in _foreign_keys(model))

    missing = [model._meta.label for model in apps.get_models() if model._meta.app_label == "labs"
               and not has_lab_key(model)]
    assert missing == []
    assert not [model._meta.label for model in apps.get_models(include_auto_created=True)
                if model._meta.app_label == "labs" and reaches_lab(model) and not has_lab_key(model)
                and not model._meta.auto_created]
