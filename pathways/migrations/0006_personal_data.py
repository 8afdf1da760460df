"""Personal data (product.md section 15): the NIR encrypted at rest, the candidates' anonymisation mark, and
the log of who opened a candidate's record.

The NIR column becomes a text column holding a Fernet token (vae_inversee.lib.encryption); the values in
clear are encrypted here. Backwards, they are written back in clear before the column narrows again.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models
from django.db.models import Value

import vae_inversee.lib.encryption
import vae_inversee.lib.identifiers


def encrypt_plaintext(apps, schema_editor):
    """Each NIR in clear (the field reads it as it is) written again: the field encrypts it."""
    Candidate = apps.get_model("pathways", "Candidate")
    for pk, nir in Candidate.objects.exclude(nir="").values_list("pk", "nir").iterator():
        Candidate.objects.filter(pk=pk).update(nir=nir)


def decrypt_to_plaintext(apps, schema_editor):
    """Each NIR decrypted and written in clear, past the field (a plain CharField value)."""
    Candidate = apps.get_model("pathways", "Candidate")
    for pk, nir in Candidate.objects.exclude(nir="").values_list("pk", "nir").iterator():
        Candidate.objects.filter(pk=pk).update(nir=Value(nir, output_field=models.CharField()))


class Migration(migrations.Migration):
    dependencies = [
        ("pathways", "0005_transition_log_append_only"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name="candidate",
            name="nir",
            field=vae_inversee.lib.encryption.EncryptedCharField(
                blank=True,
                max_length=15,
                validators=[vae_inversee.lib.identifiers.validate_nir],
                verbose_name="numéro de sécurité sociale (NIR)",
            ),
        ),
        migrations.RunPython(encrypt_plaintext, decrypt_to_plaintext),
        migrations.AddField(
            model_name="candidate",
            name="anonymised_at",
            field=models.DateTimeField(blank=True, editable=False, null=True, verbose_name="anonymisé le"),
        ),
        migrations.AddField(
            model_name="historicalcandidate",
            name="anonymised_at",
            field=models.DateTimeField(blank=True, editable=False, null=True, verbose_name="anonymisé le"),
        ),
        migrations.CreateModel(
            name="CandidateAccess",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("at", models.DateTimeField(auto_now_add=True, verbose_name="le")),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("view", "Consultation de la fiche"),
                            ("api", "Consultation par l'API"),
                            ("export", "Export des données (RGPD)"),
                        ],
                        editable=False,
                        max_length=10,
                        verbose_name="accès",
                    ),
                ),
                (
                    "candidate",
                    models.ForeignKey(
                        editable=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="accesses",
                        to="pathways.candidate",
                        verbose_name="candidat",
                    ),
                ),
                (
                    "user",
                    models.ForeignKey(
                        editable=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="par",
                    ),
                ),
            ],
            options={
                "verbose_name": "accès aux données d'un candidat",
                "verbose_name_plural": "accès aux données des candidats",
                "ordering": ["-at", "-id"],
                "indexes": [models.Index(fields=["candidate", "at"], name="pathways_candidate_access_idx")],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("kind__in", ["view", "api", "export"])),
                        name="pathways_candidateaccess_kind_valid",
                        violation_error_message="Type d'accès inconnu.",
                    )
                ],
            },
        ),
    ]
