"""Accent- and case-insensitive search (vae_inversee/lib/search.py) on PostgreSQL: the `unaccent` and `pg_trgm`
extensions, an IMMUTABLE `vae_unaccent(text)` wrapper (unaccent itself is only STABLE, so it cannot be indexed),
and trigram GIN indexes on `lower(vae_unaccent(column))` for the columns the lists search. SQLite (`make run`,
the tests) needs none of it: its `vae_fold` function is registered on each connection."""

from django.contrib.postgres.operations import TrigramExtension, UnaccentExtension
from django.db import migrations

FUNCTION = """
CREATE OR REPLACE FUNCTION vae_unaccent(text) RETURNS text
    AS $$ SELECT public.unaccent('public.unaccent'::regdictionary, $1) $$
    LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT;
"""
INDEXED = [
    ("certifications_certification", "title"),
    ("pathways_candidate", "last_name"),
    ("pathways_candidate", "first_name"),
    ("pathways_employer", "name"),
    ("pathways_pathway", "reference"),
]


class OnPostgres:
    """Django's CreateExtension skips other databases going forwards but not backwards (it then asks SQLite for
    `pg_extension`): the same vendor check both ways, so the migration also unapplies on SQLite."""

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


class Unaccent(OnPostgres, UnaccentExtension):
    pass


class Trigram(OnPostgres, TrigramExtension):
    pass


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(FUNCTION)
    for table, column in INDEXED:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {table}_{column}_folded_trgm ON {table} "
            f"USING gin (lower(vae_unaccent({column}::text)) gin_trgm_ops)"
        )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, column in INDEXED:
        schema_editor.execute(f"DROP INDEX IF EXISTS {table}_{column}_folded_trgm")
    schema_editor.execute("DROP FUNCTION IF EXISTS vae_unaccent(text)")


class Migration(migrations.Migration):
    dependencies = [
        ("pathways", "0013_messages_notes_assignment"),
        ("certifications", "0001_initial"),
    ]

    operations = [
        Unaccent(),
        Trigram(),
        migrations.RunPython(forwards, backwards),
    ]
