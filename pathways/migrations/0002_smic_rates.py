from django.db import migrations


def load_smic(apps, schema_editor):
    from pathways.reference import load_smic_rates

    load_smic_rates(apps.get_model("pathways", "SmicRate"))


class Migration(migrations.Migration):
    dependencies = [("pathways", "0001_initial")]

    # Later revaluations are added in the admin (SMIC history) or by a new data migration.
    operations = [migrations.RunPython(load_smic, migrations.RunPython.noop)]
