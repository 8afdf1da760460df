import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("funding", "0005_notes_assignment"),
    ]

    operations = [
        migrations.AddField(
            model_name="historicalpaymentbatch",
            name="updated_at",
            field=models.DateTimeField(
                blank=True, default=django.utils.timezone.now, editable=False, verbose_name="mis à jour le"
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="paymentbatch",
            name="updated_at",
            field=models.DateTimeField(auto_now=True, default=django.utils.timezone.now, verbose_name="mis à jour le"),
            preserve_default=False,
        ),
    ]
