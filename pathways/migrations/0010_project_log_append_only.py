"""The project log is append-only down to the database, like the pathway transition log (migration 0005)."""

from django.db import migrations

MESSAGE = "Le journal des décisions sur les projets est en ajout seul : une ligne ne se modifie ni ne se supprime."

POSTGRESQL = f"""
CREATE OR REPLACE FUNCTION pathways_projecttransition_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'integrity_constraint_violation';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER pathways_projecttransition_append_only BEFORE UPDATE OR DELETE ON pathways_projecttransition
    FOR EACH ROW EXECUTE FUNCTION pathways_projecttransition_append_only();
"""
POSTGRESQL_DROP = """
DROP TRIGGER IF EXISTS pathways_projecttransition_append_only ON pathways_projecttransition;
DROP FUNCTION IF EXISTS pathways_projecttransition_append_only();
"""


def install(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(POSTGRESQL)


def uninstall(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(POSTGRESQL_DROP)


class Migration(migrations.Migration):
    dependencies = [("pathways", "0009_ceiling_from_projects")]

    operations = [migrations.RunPython(install, uninstall)]
