"""The transition log is append-only down to the database (product.md section 15): a trigger refuses any
UPDATE or DELETE of its rows, whatever issues it (the ORM, a raw SQL session, the admin)."""

from django.db import migrations

MESSAGE = "Le journal des changements de phase est en ajout seul : une ligne ne se modifie ni ne se supprime."

POSTGRESQL = f"""
CREATE OR REPLACE FUNCTION pathways_transition_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'integrity_constraint_violation';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER pathways_transition_append_only BEFORE UPDATE OR DELETE ON pathways_pathwaytransition
    FOR EACH ROW EXECUTE FUNCTION pathways_transition_append_only();
"""
POSTGRESQL_DROP = """
DROP TRIGGER IF EXISTS pathways_transition_append_only ON pathways_pathwaytransition;
DROP FUNCTION IF EXISTS pathways_transition_append_only();
"""


# PostgreSQL, the production database. The embedded SQLite default (development, `make run`) relies on the
# ORM's refusal alone: its test runner empties tables with DELETE, which such a trigger would refuse.
def install(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(POSTGRESQL)


def uninstall(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(POSTGRESQL_DROP)


class Migration(migrations.Migration):
    dependencies = [("pathways", "0004_plausible_dates")]

    operations = [migrations.RunPython(install, uninstall)]
