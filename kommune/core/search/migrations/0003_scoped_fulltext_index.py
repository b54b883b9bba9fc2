"""A full-text index per municipality on PostgreSQL: GIN over (municipality_id, search_vector), with btree_gin.

A search in one municipality used the plain GIN index for the words and the municipality's btree for the scope,
and ANDed two bitmaps; at a city of a million the scope's bitmap held 350,000 rows and took half of the query's
time. The combined index finds only the municipality's matches. btree_gin ships with PostgreSQL and is a trusted
extension (PostgreSQL 13 and newer): a database owner without superuser rights may create it. The query must
compare municipality_id as bigint for the planner to use the index (backends._filters). SQLite: nothing to do.
"""

from django.db import migrations

TABLE = "search_searchdocument"

POSTGRES_FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS btree_gin",
    f"CREATE INDEX search_document_scoped_vector ON {TABLE} USING GIN (municipality_id, search_vector)",
]
POSTGRES_BACKWARD = [
    "DROP INDEX IF EXISTS search_document_scoped_vector",
]


def _run(statements: list[str]):
    def run(apps, schema_editor) -> None:
        if schema_editor.connection.vendor == "postgresql":
            for sql in statements:
                schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):

    dependencies = [
        ("search", "0002_fulltext_index"),
    ]

    operations = [
        migrations.RunPython(_run(POSTGRES_FORWARD), _run(POSTGRES_BACKWARD)),
    ]
