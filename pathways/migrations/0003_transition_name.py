from django.db import migrations, models

# The transitions of pathways.workflow as they stood when the log gained their name: (from, to) → name.
NAMES = {
    ("positioning", "support"): "start_support",
    ("support", "admissibility"): "request_admissibility",
    ("admissibility", "delivery"): "start_delivery",
    ("delivery", "evaluation"): "start_evaluation",
    ("evaluation", "completed"): "complete",
    ("evaluation", "delivery"): "renew",
}


def name_the_log(apps, schema_editor):
    PathwayTransition = apps.get_model("pathways", "PathwayTransition")
    for (source, target), name in NAMES.items():
        PathwayTransition.objects.filter(from_phase=source, to_phase=target).update(name=name)
    PathwayTransition.objects.filter(to_phase="abandoned").update(name="abandon")


class Migration(migrations.Migration):
    dependencies = [("pathways", "0002_smic_rates")]

    operations = [
        migrations.AddField(
            model_name="pathwaytransition",
            name="name",
            field=models.CharField(default="", max_length=30, verbose_name="transition"),
            preserve_default=False,
        ),
        migrations.RunPython(name_the_log, migrations.RunPython.noop),
    ]
