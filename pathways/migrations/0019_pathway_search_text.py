"""The pathway's `search_text` (issue 16): what the lists' search box looks in, folded once when written
rather than on every row of every search, in one column with one trigram index (PostgreSQL).

The database keeps it, so that no write can leave it stale (the services, the admin, the imports, the seed's
bulk inserts, the anonymisation's `update()`, the RNCP import's `bulk_update()`): a trigger on the pathway (its
reference and the rows it points to), and one on each table it repeats (the candidate's names, the employer's
name, the certification's code and title, the project holder's organisation's name) that rewrites the pathways
pointing to the changed row when one of those columns really changed.
The text is the same expression everywhere (`SEARCH_TEXT`), folded as the search folds the typed words
(vae_inversee/lib/search.py: `lower(vae_unaccent(…))` on PostgreSQL, `vae_fold(…)` on SQLite).
"""

from django.db import migrations, models

from vae_inversee.lib.search import fold_sql


def search_text(row, vendor) -> str:
    """The folded search text of the pathway `row` (a table name or NEW): its words, space separated (a
    searched word never holds a space, so it can never match across two of them)."""
    parts = [
        f"{row}.reference",
        f"(SELECT c.last_name || ' ' || c.first_name FROM pathways_candidate c WHERE c.id = {row}.candidate_id)",
        f"(SELECT e.name FROM pathways_employer e WHERE e.id = {row}.employer_id)",
        f"(SELECT r.code || ' ' || r.title FROM certifications_certification r WHERE r.id = {row}.certification_id)",
        f"(SELECT o.name FROM accounts_organisation o WHERE o.id = {row}.project_holder_id)",
    ]
    return fold_sql(vendor, " || ' ' || ".join(f"COALESCE({part}, '')" for part in parts))


PATHWAY_COLUMNS = "reference, candidate_id, employer_id, certification_id, project_holder_id"
# (table, its columns the text repeats, the pathways to rewrite when one of them changes)
REPEATED = [
    ("pathways_candidate", "last_name, first_name", "candidate_id = NEW.id"),
    ("pathways_employer", "name", "employer_id = NEW.id"),
    ("certifications_certification", "code, title", "certification_id = NEW.id"),
    ("accounts_organisation", "name", "project_holder_id = NEW.id"),  # a project holder's pk is its organisation
]


def _changed(columns) -> str:
    """The trigger's condition: one of `columns` really changed (a save writes every column)."""
    return " OR ".join(f"OLD.{column} IS DISTINCT FROM NEW.{column}" for column in columns.split(", "))


def _rewrite(vendor, where) -> str:
    return f"UPDATE pathways_pathway SET search_text = {search_text('pathways_pathway', vendor)} WHERE {where}"


def postgresql_statements():
    yield f"""
        CREATE OR REPLACE FUNCTION vae_pathway_search_text() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN NEW.search_text := {search_text("NEW", "postgresql")}; RETURN NEW; END $$"""
    yield f"""
        CREATE TRIGGER vae_pathway_search_text BEFORE INSERT OR UPDATE OF {PATHWAY_COLUMNS}
        ON pathways_pathway FOR EACH ROW EXECUTE FUNCTION vae_pathway_search_text()"""
    for table, columns, where in REPEATED:
        yield f"""
            CREATE OR REPLACE FUNCTION vae_{table}_search_text() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN {_rewrite("postgresql", where)}; RETURN NULL; END $$"""
        yield f"""
            CREATE TRIGGER vae_{table}_search_text AFTER UPDATE OF {columns} ON {table}
            FOR EACH ROW WHEN ({_changed(columns)}) EXECUTE FUNCTION vae_{table}_search_text()"""
    yield _rewrite("postgresql", "TRUE")
    yield (
        "CREATE INDEX IF NOT EXISTS pathways_pathway_search_text_trgm ON pathways_pathway "
        "USING gin (search_text gin_trgm_ops)"
    )


def sqlite_statements():
    # SQLite's triggers cannot set NEW: the inserted or updated row is rewritten after (its own UPDATE sets
    # only search_text, so it does not fire the trigger again).
    yield f"""
        CREATE TRIGGER vae_pathway_search_text_insert AFTER INSERT ON pathways_pathway
        BEGIN {_rewrite("sqlite", "id = NEW.id")}; END"""
    yield f"""
        CREATE TRIGGER vae_pathway_search_text_update AFTER UPDATE OF {PATHWAY_COLUMNS} ON pathways_pathway
        BEGIN {_rewrite("sqlite", "id = NEW.id")}; END"""
    for table, columns, where in REPEATED:
        yield f"""
            CREATE TRIGGER vae_{table}_search_text AFTER UPDATE OF {columns} ON {table}
            FOR EACH ROW WHEN {_changed(columns).replace("IS DISTINCT FROM", "IS NOT")}
            BEGIN {_rewrite("sqlite", where)}; END"""
    yield _rewrite("sqlite", "1")


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    statements = postgresql_statements() if vendor == "postgresql" else sqlite_statements()
    for statement in statements:
        schema_editor.execute(statement)


def backwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS pathways_pathway_search_text_trgm")
        schema_editor.execute("DROP TRIGGER IF EXISTS vae_pathway_search_text ON pathways_pathway")
        schema_editor.execute("DROP FUNCTION IF EXISTS vae_pathway_search_text()")
        for table, _, _ in REPEATED:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS vae_{table}_search_text ON {table}")
            schema_editor.execute(f"DROP FUNCTION IF EXISTS vae_{table}_search_text()")
    else:
        for name in ["vae_pathway_search_text_insert", "vae_pathway_search_text_update"] + [
            f"vae_{table}_search_text" for table, _, _ in REPEATED
        ]:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("pathways", "0018_i16_list_indexes"),
        ("certifications", "0001_initial"),
        ("accounts", "0006_candidate_role"),
    ]

    operations = [
        migrations.AddField(
            model_name="pathway",
            name="search_text",
            field=models.TextField(blank=True, default="", editable=False, verbose_name="texte de recherche"),
        ),
        migrations.RunPython(forwards, backwards),
    ]
