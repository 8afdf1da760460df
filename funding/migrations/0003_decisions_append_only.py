"""A decided funding file keeps its decision down to the database (product.md section 15): once approved or
rejected, its status, amounts, reason and decider never change and the row is never deleted. Its caps may
still follow the contract (funding.workflow), and its agreement PDF be stored once."""

from django.db import migrations

MESSAGE = "Un dossier de financement décidé ne se modifie plus et ne se supprime pas."
DECIDED = "('approved', 'rejected')"
# The decision: what may never change once decided.
DECISION = [
    "status", "pathway_id", "contract_year", "opco_id", "policy_id", "requested_teaching", "requested_design",
    "requested_support", "approved_teaching", "approved_design", "approved_support", "decision_reason",
    "submitted_at", "decided_at", "decided_by_id",
]  # fmt: skip
CHANGED = " OR ".join(f"NEW.{column} IS DISTINCT FROM OLD.{column}" for column in DECISION)

POSTGRESQL = f"""
CREATE OR REPLACE FUNCTION funding_decision_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'integrity_constraint_violation';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER funding_decision_no_update BEFORE UPDATE ON funding_fundingfile
    FOR EACH ROW WHEN (OLD.status IN {DECIDED} AND ({CHANGED})) EXECUTE FUNCTION funding_decision_append_only();
CREATE TRIGGER funding_decision_no_delete BEFORE DELETE ON funding_fundingfile
    FOR EACH ROW WHEN (OLD.status IN {DECIDED}) EXECUTE FUNCTION funding_decision_append_only();
"""
POSTGRESQL_DROP = """
DROP TRIGGER IF EXISTS funding_decision_no_update ON funding_fundingfile;
DROP TRIGGER IF EXISTS funding_decision_no_delete ON funding_fundingfile;
DROP FUNCTION IF EXISTS funding_decision_append_only();
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
    dependencies = [("funding", "0002_default_policy")]

    operations = [migrations.RunPython(install, uninstall)]
