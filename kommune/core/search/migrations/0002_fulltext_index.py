"""The full-text index for the database in use (see kommune/core/search/backends.py).

PostgreSQL: a generated tsvector column with the german configuration (title weighted A, body B) and a GIN
index. SQLite: a contentless FTS5 table keyed by the document id, fed with Python-stemmed text.
On PostgreSQL the generated column depends on title and body: a later migration that alters their type has to
drop the column first and add it again.
"""

from django.db import migrations

TABLE = "search_searchdocument"

POSTGRES_FORWARD = [
    f"""ALTER TABLE {TABLE} ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
            setweight(to_tsvector('german'::regconfig, title), 'A')
            || setweight(to_tsvector('german'::regconfig, body), 'B')
        ) STORED""",
    f"CREATE INDEX search_document_vector ON {TABLE} USING GIN (search_vector)",
]
POSTGRES_BACKWARD = [
    "DROP INDEX IF EXISTS search_document_vector",
    f"ALTER TABLE {TABLE} DROP COLUMN IF EXISTS search_vector",
]
SQLITE_FORWARD = [
    f"CREATE VIRTUAL TABLE {TABLE}_fts USING fts5(title, body, content='')",
]
SQLITE_BACKWARD = [
    f"DROP TABLE IF EXISTS {TABLE}_fts",
]


def _run(statements: dict[str, list[str]]):
    def run(apps, schema_editor) -> None:
        for sql in statements.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):

    dependencies = [
        ("search", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(
            _run({"postgresql": POSTGRES_FORWARD, "sqlite": SQLITE_FORWARD}),
            _run({"postgresql": POSTGRES_BACKWARD, "sqlite": SQLITE_BACKWARD}),
        ),
    ]
