"""German words for the search: splitting, stop words, Snowball stemming and the parsing of a query.

The SQLite backend indexes the stems produced here (PostgreSQL stems with its own ``german`` configuration,
which is the same Snowball algorithm and the same stop-word list), and both backends take their query from
``parse_query``, so a query means the same on both databases: words are all required, ``or`` between words
offers alternatives, ``"…"`` is a phrase and ``-word`` excludes a word, like PostgreSQL's websearch syntax.
"""

import re
import threading
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import snowballstemmer

# Letters and digits; umlauts and ß are letters. Everything else separates words.
WORD_CHARACTER = r"[^\W_]"
WORD_RE = re.compile(WORD_CHARACTER + "+")
# PostgreSQL ignores longer words (with a notice); so do we, on both backends.
MAX_WORD_LENGTH = 2047
# A query is cut here before parsing, and at most this many words are used, so no input makes a slow query.
MAX_QUERY_CHARS = 1000
MAX_QUERY_WORDS = 32

# The Snowball German stop-word list, as shipped with PostgreSQL (tsearch_data/german.stop).
STOP_WORDS = frozenset([
    "aber", "alle", "allem", "allen", "aller", "alles", "als", "also", "am", "an", "ander", "andere", "anderem",
    "anderen", "anderer", "anderes", "anderm", "andern", "anderr", "anders", "auch", "auf", "aus", "bei", "bin",
    "bis", "bist", "da", "damit", "dann", "der", "den", "des", "dem", "die", "das", "daß", "derselbe", "derselben",
    "denselben", "desselben", "demselben", "dieselbe", "dieselben", "dasselbe", "dazu", "dein", "deine", "deinem",
    "deinen", "deiner", "deines", "denn", "derer", "dessen", "dich", "dir", "du", "dies", "diese", "diesem",
    "diesen", "dieser", "dieses", "doch", "dort", "durch", "ein", "eine", "einem", "einen", "einer", "eines",
    "einig", "einige", "einigem", "einigen", "einiger", "einiges", "einmal", "er", "ihn", "ihm", "es", "etwas",
    "euer", "eure", "eurem", "euren", "eurer", "eures", "für", "gegen", "gewesen", "hab", "habe", "haben", "hat",
    "hatte", "hatten", "hier", "hin", "hinter", "ich", "mich", "mir", "ihr", "ihre", "ihrem", "ihren", "ihrer",
    "ihres", "euch", "im", "in", "indem", "ins", "ist", "jede", "jedem", "jeden", "jeder", "jedes", "jene", "jenem",
    "jenen", "jener", "jenes", "jetzt", "kann", "kein", "keine", "keinem", "keinen", "keiner", "keines", "können",
    "könnte", "machen", "man", "manche", "manchem", "manchen", "mancher", "manches", "mein", "meine", "meinem",
    "meinen", "meiner", "meines", "mit", "muss", "musste", "nach", "nicht", "nichts", "noch", "nun", "nur", "ob",
    "oder", "ohne", "sehr", "sein", "seine", "seinem", "seinen", "seiner", "seines", "selbst", "sich", "sie",
    "ihnen", "sind", "so", "solche", "solchem", "solchen", "solcher", "solches", "soll", "sollte", "sondern",
    "sonst", "über", "um", "und", "uns", "unse", "unsem", "unsen", "unser", "unses", "unter", "viel", "vom", "von",
    "vor", "während", "war", "waren", "warst", "was", "weg", "weil", "weiter", "welche", "welchem", "welchen",
    "welcher", "welches", "wenn", "werde", "werden", "wie", "wieder", "will", "wir", "wird", "wirst", "wo",
    "wollen", "wollte", "würde", "würden", "zu", "zum", "zur", "zwar", "zwischen"
])

_local = threading.local()  # a Snowball stemmer keeps state while it works, so one per thread


@lru_cache(maxsize=100_000)
def stem(word: str) -> str:
    """The stem of one lower-case word: stem("spielplätze") == stem("spielplatz") == "spielplatz"."""
    stemmer = getattr(_local, "stemmer", None)
    if stemmer is None:
        stemmer = _local.stemmer = snowballstemmer.stemmer("german")
    return stemmer.stemWord(word)


def all_words(text: str) -> list[str]:
    """The lower-case words of ``text``, stop words included, overlong words left out."""
    return [w for w in WORD_RE.findall(unicodedata.normalize("NFC", text).lower()) if len(w) <= MAX_WORD_LENGTH]


def words(text: str) -> list[str]:
    """The lower-case words of ``text`` that a search looks at (no stop words, no overlong words)."""
    return [w for w in all_words(text) if w not in STOP_WORDS]


def stemmed(text: str) -> str:
    """``text`` as the space-separated stems that the SQLite index holds."""
    return " ".join(stem(word) for word in words(text))


@dataclass(frozen=True)
class Term:
    # One word, or several for a phrase; lower-case. A phrase keeps its stop words, because PostgreSQL counts
    # them as positions ("Spielplatz am Markt"); the stems leave them out, like the SQLite index does.
    words: tuple[str, ...]
    negated: bool = False

    @property
    def stems(self) -> tuple[str, ...]:
        return tuple(stem(word) for word in self.words if word not in STOP_WORDS)


@dataclass(frozen=True)
class ParsedQuery:
    """Alternatives (joined by "or"), each a list of terms that must all match (or, if negated, must not)."""

    alternatives: tuple[tuple[Term, ...], ...]

    def __bool__(self) -> bool:
        return bool(self.alternatives)

    @property
    def highlight_stems(self) -> frozenset[str]:
        return frozenset(s for terms in self.alternatives for term in terms if not term.negated for s in term.stems)

    def websearch(self) -> str:
        """The query in PostgreSQL's websearch syntax, every word quoted so none is taken for an operator."""
        return " or ".join(
            " ".join(('-' if term.negated else '') + '"' + " ".join(term.words) + '"' for term in terms)
            for terms in self.alternatives
        )

    def fts5(self) -> str:
        """The query as an SQLite FTS5 expression: only quoted stems and operators built here, never user syntax."""

        def quoted(term: Term) -> str:
            return '"' + " ".join(term.stems).replace('"', '""') + '"'

        parts = []
        for terms in self.alternatives:
            expression = "(" + " AND ".join(quoted(t) for t in terms if not t.negated) + ")"
            for term in terms:
                if term.negated:
                    expression = f"({expression} NOT {quoted(term)})"
            parts.append(expression)
        return " OR ".join(parts)


_TOKEN_RE = re.compile(r'(?P<neg>-)?(?:"(?P<phrase>[^"]*)(?:"|$)|(?P<bare>[^\s"]+))')


# Words that join alternatives: people type the word of their own language.
OR_WORDS = frozenset({"or", "oder"})


def parse_query(text: str) -> ParsedQuery:
    """Parse what a person typed. Never raises; anything that is not a word is ignored.

    An alternative that has no positive term is dropped (neither database can search for "everything but x").
    """
    text = unicodedata.normalize("NFC", text[:MAX_QUERY_CHARS].replace("\x00", " "))
    alternatives: list[list[Term]] = [[]]
    count = 0
    for match in _TOKEN_RE.finditer(text):
        negated = bool(match.group("neg"))
        bare = match.group("bare")
        if bare is not None and not negated and bare.lower() in OR_WORDS:
            if alternatives[-1]:
                alternatives.append([])
            continue
        found = all_words(match.group("phrase") if bare is None else bare)[: MAX_QUERY_WORDS - count]
        if all(word in STOP_WORDS for word in found):
            continue
        count += len(found)
        if bare is not None and not negated:
            alternatives[-1].extend(Term((word,)) for word in found if word not in STOP_WORDS)
        else:
            # A quoted phrase, or an excluded word (an excluded "foo-bar" excludes the phrase "foo bar").
            alternatives[-1].append(Term(tuple(found), negated))
        if count >= MAX_QUERY_WORDS:
            break
    kept = tuple(tuple(dict.fromkeys(terms)) for terms in alternatives if any(not t.negated for t in terms))
    return ParsedQuery(kept)
