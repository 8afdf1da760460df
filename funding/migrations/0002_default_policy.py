from django.db import migrations


def create_policy(apps, schema_editor):
    from funding.reference import load_default_policy

    load_default_policy(apps.get_model("funding", "FundingPolicy"))


class Migration(migrations.Migration):
    dependencies = [("funding", "0001_initial")]

    # Later changes are new dated rows in the admin: existing files keep their caps.
    operations = [migrations.RunPython(create_policy, migrations.RunPython.noop)]
