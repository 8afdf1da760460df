"""Funding on the real services: concurrent decisions on PostgreSQL, the PDF task on a real worker."""

import threading
import time

import pytest
from django.db import connection

from funding import services
from funding.models import FundingFile
from funding.money import Amounts
from funding.tasks import render_agreement
from tests.accounts.factories import UserFactory
from tests.celery_worker import running_worker
from tests.conftest import require_service
from tests.funding.factories import funded_pathway, pdf_text, submitted_file
from vae_inversee.lib.errors import Conflict


def require_postgresql():
    require_service(connection.vendor == "postgresql", "needs PostgreSQL (row locks): set DATABASE_URL")


@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
def test_two_opco_staff_deciding_at_once_store_exactly_one_decision(settings, tmp_path, monkeypatch):
    require_postgresql()
    settings.MEDIA_ROOT = tmp_path
    pathway, staff = funded_pathway()
    funding_file = submitted_file(pathway, staff)
    colleague = UserFactory(organisation=staff["opco"].membership.organisation)
    # Hold the row lock a moment inside the first decision, so that the second really waits on it.
    real_close = services._close

    def slow_close(*args, **kwargs):
        time.sleep(0.5)
        return real_close(*args, **kwargs)

    monkeypatch.setattr(services, "_close", slow_close)
    barrier = threading.Barrier(2)
    outcomes = {}

    def decide(user, action):
        try:
            barrier.wait(timeout=10)
            if action == "approve":
                services.funding_file_approve(
                    acting_user=user,
                    funding_file=funding_file,
                    approved=Amounts.parse({"teaching": "6000.00", "design": "1000.00", "support": "2000.00"}),
                )
            else:
                services.funding_file_reject(acting_user=user, funding_file=funding_file, reason="Doublon")
            outcomes[user.pk] = "decided"
        except Conflict as conflict:
            outcomes[user.pk] = str(conflict)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=decide, args=(staff["opco"], "approve")),
        threading.Thread(target=decide, args=(colleague, "reject")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(outcomes.values(), key=len)[0] == "decided"
    loser = next(value for value in outcomes.values() if value != "decided")
    assert loser.startswith("Impossible de") and "Rechargez la page." in loser
    funding_file.refresh_from_db()
    winner = next(pk for pk, value in outcomes.items() if value == "decided")
    assert funding_file.decided_by_id == winner
    assert funding_file.status == ("approved" if winner == staff["opco"].pk else "rejected")
    # One decision in the history: the file went submitted → decided once.
    decisions = funding_file.history.filter(status__in=["approved", "rejected"])
    assert decisions.count() == 1


@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
def test_the_agreement_task_runs_on_a_real_worker(settings, tmp_path):
    require_postgresql()
    settings.MEDIA_ROOT = tmp_path
    pathway, staff = funded_pathway()
    funding_file = submitted_file(pathway, staff)
    # Decide without running the on-commit task here: the worker does it.
    settings.CELERY_TASK_ALWAYS_EAGER = True
    FundingFile.objects.filter(pk=funding_file.pk).update(
        status="approved", approved_teaching="6000.00", approved_design="1000.00", approved_support="2000.00",
        decided_at=funding_file.submitted_at, decided_by=staff["opco"],
    )  # fmt: skip
    with running_worker(tmp_path, needs_database=True):
        assert render_agreement.delay(funding_file.pk).get(timeout=60) is True
        # Idempotent: a second run renders nothing more.
        assert render_agreement.delay(funding_file.pk).get(timeout=60) is False
    funding_file.refresh_from_db()
    assert funding_file.agreement
    text = pdf_text(funding_file.agreement.path)
    assert "Accord de prise en charge" in text and pathway.reference in text
