"""A backup of the database restores whole (docs/operations.md): dump, restore elsewhere, same row counts."""

import pytest
from django.core.management import call_command
from django.db import connection

from tests.conftest import require_service
from tests.funding.factories import funded_pathway, submitted_file


@pytest.mark.django_db(transaction=True)
def test_a_dump_restores_every_row(capsys, settings, tmp_path):
    require_service(connection.vendor == "postgresql", "the backup check needs PostgreSQL (DATABASE_URL)")
    settings.MEDIA_ROOT = tmp_path
    pathway, staff = funded_pathway()
    submitted_file(pathway, staff)

    call_command("check_backup")

    output = capsys.readouterr().out
    assert output.startswith("Sauvegarde vérifiée : ") and "lignes restaurées à l'identique" in output
