"""API tokens move to django-rest-knox (accounts.ApiToken): digests only, an expiry, revocable.

The former tokens of rest_framework.authtoken are not carried over (their values were stored in clear):
their table is dropped and clients ask for a new token (README, « API »).
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_reference_data"),
    ]

    operations = [
        migrations.CreateModel(
            name="ApiToken",
            fields=[
                ("token_key", models.CharField(db_index=True, max_length=25)),
                ("id", models.BigAutoField(primary_key=True, serialize=False)),
                ("digest", models.CharField(editable=False, max_length=128, unique=True)),
                ("name", models.CharField(blank=True, max_length=100, verbose_name="libellé")),
                ("created", models.DateTimeField(auto_now_add=True, verbose_name="créé le")),
                ("expiry", models.DateTimeField(verbose_name="expire le")),
                ("last_used", models.DateTimeField(blank=True, null=True, verbose_name="dernière utilisation")),
                (
                    "password_fingerprint",
                    models.CharField(editable=False, max_length=64, verbose_name="empreinte du mot de passe"),
                ),
                (
                    "user",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="auth_token_set",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="utilisateur",
                    ),
                ),
            ],
            options={
                "verbose_name": "jeton d'API",
                "verbose_name_plural": "jetons d'API",
                "ordering": ["-created"],
            },
        ),
        migrations.RunSQL(
            [
                "DROP TABLE IF EXISTS authtoken_token",
                "DELETE FROM django_migrations WHERE app = 'authtoken'",
            ],
            reverse_sql=migrations.RunSQL.noop,
        ),
    ]
