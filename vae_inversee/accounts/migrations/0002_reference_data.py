from django.db import migrations


def load(apps, schema_editor):
    from vae_inversee.accounts.reference import load_reference_data

    load_reference_data(
        apps.get_model("accounts", "Organisation"),
        apps.get_model("accounts", "IdccOpco"),
        apps.get_model("accounts", "CollectiveAgreement"),
    )


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]

    # Reversing keeps the rows: OPCO organisations may already have staff attached.
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
