"""Full-text search with German stemming: the same tests on SQLite (FTS5 + Snowball) and PostgreSQL (german).

Processes are created as rows and published, commented on, changed and moderated through their services,
whose events keep the index current.
"""

import io
import itertools
import re

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kommune.core import jinja2 as jinja2_module
from kommune.core import pagecache
from kommune.core.comments.models import Comment
from kommune.core.comments.registry import commentable_for, register_commentable
from kommune.core.comments.services import do_edit_comment, do_post_comment
from kommune.core.models import Role
from kommune.core.moderation.services import do_hide, do_unhide
from kommune.core.processes.models import Process
from kommune.core.processes.services import do_publish_process, do_unpublish_process, do_update_process
from kommune.core.search import backends, selectors
from kommune.core.search.german import parse_query, stem, stemmed
from kommune.core.search.models import SearchDocument
from kommune.core.search.text import highlight, snippet
from tests.factories import MembershipFactory, UserFactory
from tests.factories_processes import PhaseFactory

_slugs = itertools.count()


@pytest.fixture(autouse=True)
def _process_commentable():
    # The processes app registers this in its ready(); make sure, without depending on it.
    if commentable_for(Process) is None:
        register_commentable(Process, is_open=lambda process, now: True)


def make_process(municipality, title: str, *, summary: str = "Worum es geht.", description: str = "",
                 published: bool = True) -> Process:
    process = Process.objects.create(
        municipality=municipality, title=title, slug=f"verfahren-{next(_slugs)}", summary=summary,
        description=description, description_html=f"<p>{description}</p>" if description else "",
    )
    PhaseFactory(process=process)
    if published:
        do_publish_process(process=process, actor=staff_of(municipality))
    return process


def staff_of(municipality):
    membership = municipality.memberships.filter(role=Role.STAFF).select_related("user").first()
    return membership.user if membership else MembershipFactory(municipality=municipality, role=Role.STAFF).user


def make_comment(process: Process, text: str, author=None) -> Comment:
    return do_post_comment(actor=author or UserFactory(), target=process, text=text)


def found(query: str, **filters) -> list[tuple[str, int]]:
    """(kind, object id) of every match, best first."""
    hits = backends.search(query, limit=100, **filters)
    docs = SearchDocument.objects.in_bulk([doc_id for doc_id, _ in hits.ranked])
    return [(docs[doc_id].kind, docs[doc_id].object_id) for doc_id, _ in hits.ranked]


def process_hits(query: str, **filters) -> set[int]:
    return {object_id for kind, object_id in found(query, **filters) if kind == "process"}


def comment_hits(query: str, **filters) -> set[int]:
    return {object_id for kind, object_id in found(query, **filters) if kind == "comment"}


# --- German words ---------------------------------------------------------------------------------------------


def test_the_snowball_stemmer_joins_inflected_forms():
    assert stem("spielplätze") == stem("spielplatz") == "spielplatz"
    assert stem("bäume") == stem("baum")
    assert stem("gemeinden") == stem("gemeinde")
    assert stemmed("Der neue Spielplatz, die Bäume!") == "neu spielplatz baum"  # stop words left out


@pytest.mark.parametrize("hostile", ['"', "*", "AND (", "NEAR(", "NEAR(a b, 3)", "title:foo", "a OR", "^x", "'",
                                     "x\" OR \"y", "\\", "-", "--", "()", "{}", "a:b:c", "\x00", "🙂",
                                     "'; DROP TABLE search_searchdocument; --", "1=1 OR 1=1", "x" * 10_000])
def test_a_query_becomes_quoted_stems_only(hostile):
    expression = parse_query(hostile).fts5()
    # Every word sits inside double quotes; outside them only the operators and parentheses built by us.
    outside = "".join(part for i, part in enumerate(expression.split('"')) if i % 2 == 0)
    assert set(outside.replace("AND", "").replace("OR", "").replace("NOT", "")) <= set("() ")


def test_highlighting_escapes_before_marking():
    stems = parse_query("Spielplatz").highlight_stems
    assert highlight("<b>Spielplätze</b> & mehr", stems) == (
        "&lt;b&gt;<mark>Spielplätze</mark>&lt;/b&gt; &amp; mehr")
    long_text = "Anfang " + "Wort " * 200 + "Der Spielplatz am Markt " + "Ende " * 200
    result = snippet(long_text, stems)
    assert "<mark>Spielplatz</mark>" in result and result.startswith("… ") and result.endswith(" …")
    assert len(result) < 400


def test_highlighting_ignores_the_markers_it_uses_inside():
    stems = parse_query("Spielplatz").highlight_stems
    assert highlight("\ue000<i>\ue001 Spielplatz \ue001", stems) == "&lt;i&gt; <mark>Spielplatz</mark> "
    assert highlight("\ue000 ohne Treffer \ue001", stems) == " ohne Treffer "
    assert highlight("ohne Suchwort", frozenset()) == "ohne Suchwort"


# Words whose stem is not a plain prefix of the word: umlauts, "ß", "ae"/"oe"/"ue" read as umlauts, vowels before
# "ue" (which stay), capitals.
TRICKY_WORDS = [
    "Spielplätze", "Straße", "STRASSE", "Füße", "Fuß", "Häuser", "Bäume", "Größere", "Öle", "Äpfel",
    "aktuell", "Aktuelle", "zuerst", "Feuerwehr", "dauerhaft", "Steuer", "Bayern", "Mädchen", "Schlüssel",
    "übermäßig", "Kindergärten", "Bürgerinnen", "Queue", "Poesie", "Maße", "Gemeinden", "Bauausschuss",
    "Fußgängerüberweg", "2026", "A7",
]


@pytest.mark.parametrize("word", TRICKY_WORDS)
def test_highlighting_marks_every_form_of_a_searched_word(word):
    """The highlighter looks only at words that begin like a searched stem: none with that stem may slip past."""
    stems = parse_query(word).highlight_stems
    text = f"Vor ({word}), nach {word.lower()}; {word.upper()}!"
    assert highlight(text, stems).count("<mark>") == 3
    assert highlight("Unverwandte Wörter bleiben ohne Markierung", stems).count("<mark>") == 0

# --- Finding inflected words ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_plural_finds_singular_and_back(musterstadt):
    market = make_process(musterstadt, "Neuer Spielplatz am Markt")
    many = make_process(musterstadt, "Drei Spielplätze für die Altstadt")
    assert process_hits("Spielplätze") == {market.pk, many.pk}
    assert process_hits("Spielplatz") == {market.pk, many.pk}
    assert process_hits("spielplatz markt") == {market.pk}


@pytest.mark.django_db
def test_baeume_finds_baum_in_the_description(musterstadt):
    process = make_process(musterstadt, "Grün in der Stadt", description="Ein Baum für jedes neugeborene Kind.")
    assert process_hits("Bäume") == {process.pk}
    assert process_hits("Kinder") == {process.pk}


@pytest.mark.django_db
def test_title_matches_rank_above_body_matches(musterstadt):
    in_body = make_process(musterstadt, "Verkehrsplanung", description="Auch ein Spielplatz wird verlegt.")
    in_title = make_process(musterstadt, "Spielplatz Nord")
    assert [object_id for _, object_id in found("Spielplatz")] == [in_title.pk, in_body.pk]


@pytest.mark.django_db
def test_phrases_alternatives_and_exclusions(musterstadt):
    market = make_process(musterstadt, "Neuer Spielplatz am Markt")
    park = make_process(musterstadt, "Spielplatz im Park")
    trees = make_process(musterstadt, "Bäume für die Allee")
    assert process_hits('"Spielplatz am Markt"') == {market.pk}
    assert process_hits('"Markt Spielplatz"') == set()
    assert process_hits("Spielplatz -Markt") == {park.pk}
    assert process_hits("Markt or Baum") == {market.pk, trees.pk}
    assert process_hits("Markt oder Baum") == {market.pk, trees.pk}
    assert process_hits("der die das") == set()  # only stop words


# --- Visibility follows the events ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_an_unpublished_process_is_not_found(musterstadt):
    draft = make_process(musterstadt, "Spielplatz Entwurf", published=False)
    do_update_process(process=draft, actor=staff_of(musterstadt), summary="Noch geheim.")  # an update is indexed
    assert process_hits("Spielplatz") == set()

    process = make_process(musterstadt, "Spielplatz Süd")
    assert process_hits("Spielplatz") == {process.pk}
    do_unpublish_process(process=process, actor=staff_of(musterstadt))
    assert process_hits("Spielplatz") == set()


@pytest.mark.django_db
def test_an_updated_process_is_found_by_its_new_words(musterstadt):
    process = make_process(musterstadt, "Radweg an der Bahn")
    do_update_process(process=process, actor=staff_of(musterstadt), title="Fahrradstraße an der Bahn")
    assert process_hits("Radweg") == set()
    assert process_hits("Fahrradstraßen") == {process.pk}


@pytest.mark.django_db
def test_a_hidden_comment_is_gone_and_comes_back_when_unhidden(musterstadt, alice, bob):
    process = make_process(musterstadt, "Haushalt 2027")
    comment = make_comment(process, "Bitte mehr Geld für Spielplätze!", author=alice)
    doc = SearchDocument.objects.get(kind="comment", object_id=comment.pk)
    assert doc.url == process.get_absolute_url() + f"#comment-{comment.pk}"
    assert doc.context == "Haushalt 2027" and doc.title == ""
    assert comment_hits("Spielplatz") == {comment.pk}

    do_hide(moderator=bob, comment=comment, reason="Spam")
    assert comment_hits("Spielplatz") == set()

    do_unhide(moderator=bob, comment=comment, reason="Doch kein Spam")
    assert comment_hits("Spielplatz") == {comment.pk}


@pytest.mark.django_db
def test_an_edited_comment_is_found_by_its_new_text(musterstadt):
    process = make_process(musterstadt, "Haushalt")
    comment = make_comment(process, "Mehr Bänke am Ufer")
    do_edit_comment(actor=comment.author, comment=comment, text="Mehr Laternen am Ufer")
    assert comment_hits("Bank") == set()
    assert comment_hits("Laterne") == {comment.pk}


@pytest.mark.django_db
def test_comments_follow_their_process(musterstadt):
    process = make_process(musterstadt, "Marktplatz")
    comment = make_comment(process, "Mehr Schatten durch Bäume")
    assert comment_hits("Baum") == {comment.pk}

    staff = staff_of(musterstadt)
    do_unpublish_process(process=process, actor=staff)
    assert comment_hits("Baum") == set()

    do_publish_process(process=process, actor=staff)
    assert comment_hits("Baum") == {comment.pk}

    do_update_process(process=process, actor=staff, title="Neuer Marktplatz")
    assert SearchDocument.objects.get(kind="comment", object_id=comment.pk).context == "Neuer Marktplatz"


@pytest.mark.django_db
def test_a_comment_on_an_unpublished_process_is_not_found(musterstadt, bob):
    process = make_process(musterstadt, "Entwurf")
    comment = make_comment(process, "Spielplatz bitte")
    do_unpublish_process(process=process, actor=staff_of(musterstadt))
    do_hide(moderator=bob, comment=comment, reason="Spam")
    do_unhide(moderator=bob, comment=comment, reason="Doch kein Spam")  # indexed again, and not found
    assert comment_hits("Spielplatz") == set()


# --- Filters --------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_filter_by_municipality_and_type(musterstadt, anderstadt):
    ours = make_process(musterstadt, "Spielplatz Musterstadt")
    theirs = make_process(anderstadt, "Spielplatz Anderstadt")
    comment = make_comment(ours, "Der Spielplatz braucht Schatten")
    assert process_hits("Spielplatz", municipality=musterstadt) == {ours.pk}
    assert process_hits("Spielplatz", municipality=anderstadt) == {theirs.pk}
    assert comment_hits("Spielplatz", municipality=anderstadt) == set()
    assert set(found("Spielplatz", kinds=["comment"])) == {("comment", comment.pk)}
    assert set(found("Spielplatz", kinds=["process"])) == {("process", ours.pk), ("process", theirs.pk)}


# --- The pages ------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_municipality_search_page_shows_only_its_results(client, musterstadt, anderstadt):
    ours = make_process(musterstadt, "Neuer Spielplatz am Markt")
    make_process(anderstadt, "Spielplatz Anderstadt")
    make_comment(ours, "Ein schöner Spielplatz")
    response = client.get("/musterstadt/suche/", {"q": "Spielplätze"})
    html = response.content.decode()
    assert response.status_code == 200
    assert f'href="{ours.get_absolute_url()}"' in html
    assert "Neuer <mark>Spielplatz</mark> am Markt" in html
    assert "Anderstadt" not in html.split('id="results-heading"')[1]
    assert "Ein schöner <mark>Spielplatz</mark>" in html

    response = client.get("/musterstadt/suche/", {"q": "Spielplatz", "kind": "comment"})
    assert f'href="{ours.get_absolute_url()}"' not in response.content.decode()


@pytest.mark.django_db
def test_global_search_page_with_municipality_filter(client, musterstadt, anderstadt):
    make_process(musterstadt, "Spielplatz Musterstadt")
    theirs = make_process(anderstadt, "Spielplatz Anderstadt")
    everywhere = client.get("/suche/", {"q": "Spielplatz"}).content.decode()
    assert "Spielplatz</mark> Musterstadt" in everywhere and "Spielplatz</mark> Anderstadt" in everywhere
    response = client.get("/suche/", {"q": "Spielplatz", "municipality": "anderstadt"})
    html = response.content.decode().split('id="results-heading"')[1]
    assert theirs.get_absolute_url() in html and "Musterstadt" not in html
    assert client.get("/suche/", {"q": "Spielplatz", "municipality": "gibt-es-nicht"}).status_code == 400


@pytest.mark.django_db
def test_search_page_without_query_shows_the_form(client, musterstadt):
    response = client.get("/suche/")
    assert response.status_code == 200
    assert 'name="q"' in response.content.decode() and 'role="search"' in response.content.decode()
    assert client.get("/musterstadt/suche/").status_code == 200
    assert client.get("/gibt-es-nicht/suche/").status_code == 404


@pytest.mark.django_db
def test_the_type_filter_is_folded_until_a_type_is_chosen(client, musterstadt):
    """23 types would push the results below a phone's first screen; the chosen ones stay in view."""
    folded = client.get("/musterstadt/suche/", {"q": "Spielplatz"}).content.decode()
    assert '<details class="search-kinds">' in folded and "Nach Inhaltsart eingrenzen</summary>" in folded
    chosen = client.get("/musterstadt/suche/", {"q": "Spielplatz", "kind": ["comment", "process"]}).content.decode()
    assert '<details class="search-kinds" open>' in chosen and "(2 ausgewählt)" in chosen
    refused = client.get("/musterstadt/suche/", {"q": "Spielplatz", "kind": "gibt-es-nicht"})
    assert refused.status_code == 400 and '<details class="search-kinds" open>' in refused.content.decode()


def _kinds_list(page: str) -> str:
    return re.search(r'<details class="search-kinds".*?</details>', page, re.DOTALL).group()


@pytest.mark.django_db
def test_the_type_list_is_kept_once_for_every_query_that_chooses_the_same(client, musterstadt, settings,
                                                                          monkeypatch):
    """No cache holds a search nobody asked before; its list of 23 types is the same for every query, though."""
    settings.PAGE_CACHE_SECONDS = 300
    rendered = []

    def spying(request, name, render, **options):
        return pagecache.shared_fragment(request, name, lambda: rendered.append(name) or render(), **options)

    monkeypatch.setattr(jinja2_module, "shared_fragment", spying)
    first = client.get("/musterstadt/suche/", {"q": "Spielplatz"}).content.decode()
    second = client.get("/musterstadt/suche/", {"q": "Schule"}).content.decode()
    assert rendered.count("kinds") == 1 and rendered.count("results") == 2
    assert _kinds_list(first) == _kinds_list(second) and 'value="comment"' in _kinds_list(second)

    chosen = client.get("/musterstadt/suche/", {"q": "Schule", "kind": "comment"}).content.decode()
    refused = client.get("/musterstadt/suche/", {"q": "Schule", "kind": "gibt-es-nicht"}).content.decode()
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get("/musterstadt/suche/", {"q": "Schule"}).content.decode()
    assert rendered.count("kinds") == 4
    assert 'value="comment" checked' in _kinds_list(chosen) and "checked" not in _kinds_list(refused)
    assert "„gibt-es-nicht“" in _kinds_list(refused)
    assert "Narrow by type" in _kinds_list(english)


@pytest.mark.django_db
def test_empty_and_too_long_queries_get_a_clear_message(client, musterstadt):
    response = client.get("/musterstadt/suche/", {"q": "  "})
    assert response.status_code == 400 and "error-summary" in response.content.decode()
    response = client.get("/musterstadt/suche/", {"q": "Spielplatz " * 1000})
    assert response.status_code == 400
    summary = re.search(r'id="error-summary".*?</ul>', response.content.decode(), re.DOTALL).group()
    assert "200" in summary


@pytest.mark.django_db
def test_no_results_gives_tips(client, musterstadt):
    response = client.get("/musterstadt/suche/", {"q": "Raumstation"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "<mark>" not in html and "/suche/?q=Raumstation" in html  # the link to search everywhere


HOSTILE = ['"', "*", "AND (", "NEAR(", "NEAR(Spielplatz Markt, 2)", "title:Spielplatz", "Spielplatz*", "^Spielplatz",
           "'", "\\", "-", "or", "- or -", "\"Spielplatz", "Spielplatz\" OR \"", "()", "%", "_", "%%s", "%s",
           "'; DROP TABLE search_searchdocument; --", "1' OR '1'='1", "<script>alert(1)</script>", "\x00", "\u202e",
           "ä" * 199, "🙂 Spielplatz", "x" * 10_000, "Spielplatz " * 1000]


@pytest.mark.django_db
@pytest.mark.parametrize("query", HOSTILE)
def test_hostile_queries_never_fail(client, musterstadt, query):
    make_process(musterstadt, "Neuer Spielplatz am Markt <b>fett</b>")
    backends.search(query, municipality=musterstadt)  # must not raise
    for url in ("/suche/", "/musterstadt/suche/"):
        response = client.get(url, {"q": query, "kind": ["process", "comment"]})
        assert response.status_code in (200, 400)
        html = response.content.decode()
        assert "<script>alert" not in html and "<b>fett" not in html


@pytest.mark.django_db
@pytest.mark.parametrize("params", [{"page": "0"}, {"page": "11"}, {"page": "x"}, {"page": "-1"},
                                    {"kind": "nonsense"}, {"page": "1" * 50}])
def test_bad_filters_and_pages_are_refused_clearly(client, musterstadt, params):
    response = client.get("/musterstadt/suche/", {"q": "Spielplatz", **params})
    assert response.status_code == 400
    assert 'role="alert"' in response.content.decode()


@pytest.mark.django_db
def test_results_are_paginated(client, musterstadt):
    for n in range(25):
        make_process(musterstadt, f"Spielplatz Nummer {n}")
    first = client.get("/musterstadt/suche/", {"q": "Spielplatz"}).content.decode()
    assert "25 results" in first or "25 Ergebnisse" in first
    assert first.count('class="search-result"') == 20
    assert "page=2" in first
    second = client.get("/musterstadt/suche/", {"q": "Spielplatz", "page": "2"}).content.decode()
    assert second.count('class="search-result"') == 5
    assert 'start="21"' in second


@pytest.mark.django_db
def test_matches_are_counted_up_to_the_limit(client, musterstadt, monkeypatch):
    for n in range(6):
        make_process(musterstadt, f"Spielplatz Nummer {n}")
    monkeypatch.setattr(backends, "COUNT_LIMIT", 5)
    hits = backends.search("Spielplätze", municipality=musterstadt)
    assert (hits.total, hits.more, len(hits.ranked)) == (5, True, 6)  # every match can still be ranked
    page = client.get("/musterstadt/suche/", {"q": "Spielplatz"}).content.decode()
    assert "Mehr als 5 Ergebnisse" in page or "More than 5 results" in page
    monkeypatch.setattr(backends, "COUNT_LIMIT", 6)
    assert (backends.search("Spielplatz", municipality=musterstadt).more) is False


@pytest.mark.django_db
def test_postgresql_ranks_a_bounded_number_of_candidates(musterstadt, monkeypatch):
    """A word in a tenth of a million-city's documents must not make PostgreSQL rank all of them: it ranks the
    first CANDIDATES matches it finds. Fewer matches are ranked exactly; the count stays right up to COUNT_LIMIT,
    which lies below CANDIDATES."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite's FTS5 ranks with bm25 inside its own index")
    assert backends.COUNT_LIMIT < backends.CANDIDATES and selectors.MAX_PAGES * 20 < backends.CANDIDATES
    in_bodies = [make_process(musterstadt, f"Verkehr {n}", description="Auch ein Spielplatz wird verlegt.")
                 for n in range(5)]
    in_title = make_process(musterstadt, "Spielplatz Nord")
    monkeypatch.setattr(backends, "COUNT_LIMIT", 2)
    monkeypatch.setattr(backends, "CANDIDATES", 10)
    assert [object_id for _, object_id in found("Spielplatz")][0] == in_title.pk  # exact: 6 of at most 10

    monkeypatch.setattr(backends, "CANDIDATES", 3)
    hits = backends.search("Spielplatz", municipality=musterstadt, limit=100)
    assert (hits.total, hits.more, len(hits.ranked)) == (2, True, 3)
    every = {doc.pk for doc in SearchDocument.objects.filter(
        object_id__in=[process.pk for process in [*in_bodies, in_title]], kind="process")}
    assert {doc_id for doc_id, _ in hits.ranked} <= every
    assert [score for _, score in hits.ranked] == sorted((score for _, score in hits.ranked), reverse=True)


@pytest.mark.django_db
def test_query_count_does_not_depend_on_the_number_of_results(client, musterstadt):
    def queries_for(url: str) -> int:
        with CaptureQueriesContext(connection) as context:
            assert client.get(url, {"q": "Spielplatz"}).status_code == 200
        return len(context)

    process = make_process(musterstadt, "Spielplatz")
    make_comment(process, "Spielplatz!")
    few = queries_for("/musterstadt/suche/"), queries_for("/suche/")
    for n in range(30):
        other = make_process(musterstadt, f"Spielplatz {n}")
        make_comment(other, f"Noch ein Spielplatz {n}")
    assert (queries_for("/musterstadt/suche/"), queries_for("/suche/")) == few


# --- Rebuilding -----------------------------------------------------------------------------------------------


def _snapshot() -> list[tuple]:
    return list(SearchDocument.objects.order_by("pk").values_list(
        "pk", "kind", "object_id", "municipality_id", "title", "body", "url", "context", "updated_at"))


@pytest.mark.django_db
def test_rebuild_is_idempotent_and_repairs_the_index(musterstadt, anderstadt):
    market = make_process(musterstadt, "Neuer Spielplatz am Markt")
    comment = make_comment(market, "Bäume pflanzen")
    make_process(anderstadt, "Spielplatz Anderstadt")
    draft = make_process(musterstadt, "Spielplatz Entwurf", published=False)

    call_command("rebuild_search_index", stdout=io.StringIO())
    first = _snapshot()
    results = found("Spielplatz"), found("Baum")
    call_command("rebuild_search_index", stdout=io.StringIO())
    assert _snapshot() == first  # nothing rewritten, not even the dates
    assert (found("Spielplatz"), found("Baum")) == results
    assert draft.pk not in process_hits("Spielplatz")

    # Rows written without events (a restored backup, a bulk import): the rebuild catches up.
    Process.objects.filter(pk=draft.pk).update(is_published=True)
    Process.objects.filter(pk=market.pk).update(is_published=False)
    Comment.objects.filter(pk=comment.pk).delete()
    call_command("rebuild_search_index", stdout=io.StringIO())
    assert process_hits("Spielplatz", municipality=musterstadt) == {draft.pk}
    assert found("Baum") == []


@pytest.mark.django_db
def test_rebuild_fills_an_empty_index(musterstadt):
    process = make_process(musterstadt, "Spielplätze")
    SearchDocument.objects.all().delete()
    backends.rebuild()
    assert process_hits("Spielplatz") == set()
    call_command("rebuild_search_index", stdout=io.StringIO())
    assert process_hits("Spielplatz") == {process.pk}


# --- Cached results: the same answer for everyone until an index write of the municipality commits -------------


@pytest.mark.django_db
def test_cached_results_follow_every_index_write_of_their_municipality(client, musterstadt, anderstadt, alice,
                                                                        bob, settings):
    from django.test import Client

    settings.PAGE_CACHE_SECONDS = 300
    process = make_process(musterstadt, "Haushalt 2027")
    path = "/musterstadt/suche/?q=Spielpl%C3%A4tze"
    logged_in = Client()
    logged_in.force_login(bob)

    def results(visitor) -> str:
        response = visitor.get(path)
        assert response.status_code == 200
        return response.content.decode().split('id="results-heading"', 1)[1]

    assert "Keine Ergebnisse" in results(client) and "Keine Ergebnisse" in results(logged_in)
    assert client.get(path)["X-Page-Cache"] == "hit"
    make_process(anderstadt, "Spielplatz in Anderstadt")  # another municipality's write changes nothing here
    assert client.get(path)["X-Page-Cache"] == "hit"

    comment = make_comment(process, "Bitte mehr Geld für Spielplätze!", author=alice)
    assert "Bitte mehr Geld für <mark>Spielplätze</mark>!" in results(client)
    assert "Bitte mehr Geld für <mark>Spielplätze</mark>!" in results(logged_in)
    do_hide(moderator=bob, comment=comment, reason="Spam")
    assert "Keine Ergebnisse" in results(client) and "Keine Ergebnisse" in results(logged_in)


def test_the_kept_search_form_shows_each_address_its_own_query_and_errors(musterstadt, bob, settings):
    """The form is a shared fragment of the address: each query keeps its own value and its own error."""
    from django.test import Client

    settings.PAGE_CACHE_SECONDS = 300
    logged_in = Client()
    logged_in.force_login(bob)

    def form_of(query: str) -> tuple[int, str]:
        response = logged_in.get("/musterstadt/suche/", {"q": query})
        page = response.content.decode()
        return response.status_code, page.split('class="form-stack search-form"', 1)[1].split("</form>")[0]

    for _ in range(2):  # rendered, then from the cache
        status, form = form_of("Spielplätze")
        assert status == 200 and 'value="Spielplätze"' in form
        status, form = form_of("Brunnen")
        assert status == 200 and 'value="Brunnen"' in form and 'value="Spielplätze"' not in form
        status, form = form_of("x" * 201)
        assert status == 400 and 'aria-invalid="true"' in form
