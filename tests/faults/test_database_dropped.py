"""The database connection drops in the middle of a portal write: the French error page, nothing half-written."""

from contextlib import closing

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from funding import services
from funding.models import FundingFile
from tests.faults.tools import other_connection, require_postgresql, wait_for
from tests.funding.factories import funded_pathway, submitted_file
from vae_inversee.outbox.models import OutboxMessage


@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
def test_a_connection_dropped_mid_decision_gives_the_error_page_and_rolls_everything_back(
    settings, tmp_path, monkeypatch
):
    require_postgresql()
    settings.MEDIA_ROOT = tmp_path
    pathway, staff = funded_pathway()
    funding_file = submitted_file(pathway, staff)
    history_before = funding_file.history.count()
    outbox_before = OutboxMessage.objects.count()
    killed = []
    real_enqueue = services.enqueue

    def enqueue_after_the_connection_dropped(task, *args):
        # The decision is saved (not committed) when the server ends this request's backend.
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            (pid,) = cursor.fetchone()
        with closing(other_connection()) as admin, admin.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
            killed.append(cursor.fetchone()[0])

            def gone():
                cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE pid = %s", [pid])
                return cursor.fetchone()[0] == 0

            wait_for(gone, timeout=10, message="the backend did not end")
        return real_enqueue(task, *args)

    monkeypatch.setattr(services, "enqueue", enqueue_after_the_connection_dropped)
    client = Client(raise_request_exception=False)
    client.force_login(staff["opco"])

    response = client.post(
        reverse("funding:file_approve", args=[funding_file.pk]),
        {"accord-approved_teaching": "6000.00", "accord-approved_design": "0", "accord-approved_support": "0"},
    )

    assert killed == [True]
    assert response.status_code == 500
    page = response.content.decode()
    assert '<html lang="fr">' in page and "Erreur inattendue" in page and "Réessayez dans quelques instants" in page
    assert "Traceback" not in page and "OperationalError" not in page
    # Nothing half-written: Django reconnects, and finds the file as it was.
    funding_file.refresh_from_db()
    assert (funding_file.status, funding_file.approved_teaching, funding_file.decided_at) == ("submitted", None, None)
    assert funding_file.history.count() == history_before
    assert OutboxMessage.objects.count() == outbox_before
    # And the portal works again on the next request.
    assert client.get(reverse("funding:opco_home")).status_code == 200
    assert FundingFile.objects.get(pk=funding_file.pk).status == "submitted"
