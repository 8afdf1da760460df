"""Payments under concurrency, on PostgreSQL with real threads: two requests filed at once that together
exceed the approved amount cannot both pass; two OPCO staff deciding one request at once, one wins."""

import threading
import time

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from funding import services
from funding.models import PaymentRequest
from tests.accounts.factories import UserFactory
from tests.funding.payment_factories import approved_file, file_request
from tests.funding.test_integration import require_postgresql
from vae_inversee.lib.errors import Conflict


def _race(*calls):
    barrier = threading.Barrier(len(calls))
    outcomes = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait(timeout=10)
            call()
            outcomes[index] = "ok"
        except (ValidationError, Conflict) as error:
            outcomes[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(index, call)) for index, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return outcomes


@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
def test_two_requests_together_above_the_approved_amount_cannot_both_pass(settings, tmp_path, monkeypatch):
    require_postgresql()
    settings.MEDIA_ROOT = tmp_path
    funding_file, staff = approved_file()  # 6 000 € of teaching approved
    # Hold the lock a moment after the check, so that the second request really waits on the file's row.
    real_errors = services._request_errors

    def slow_errors(*args, **kwargs):
        errors = real_errors(*args, **kwargs)
        time.sleep(0.5)
        return errors

    monkeypatch.setattr(services, "_request_errors", slow_errors)
    outcomes = _race(
        lambda: file_request(funding_file, staff, amount="4000.00", invoice_number="A-1"),
        lambda: file_request(funding_file, staff, amount="4000.00", invoice_number="A-2"),
    )
    assert sorted(str(outcome) == "ok" for outcome in outcomes) == [False, True]
    refused = next(outcome for outcome in outcomes if outcome != "ok")
    assert "dépasseraient le montant accordé" in refused.message_dict["amount"][0]
    assert PaymentRequest.objects.count() == 1


@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
def test_two_opco_staff_deciding_one_request_at_once_store_one_decision(settings, tmp_path, monkeypatch):
    require_postgresql()
    settings.MEDIA_ROOT = tmp_path
    funding_file, staff = approved_file()
    request = file_request(funding_file, staff, amount="1000.00")
    colleague = UserFactory(organisation=staff["opco"].membership.organisation)
    real_decide = services._decide_request

    def slow_decide(*args, **kwargs):
        time.sleep(0.5)
        return real_decide(*args, **kwargs)

    monkeypatch.setattr(services, "_decide_request", slow_decide)
    outcomes = _race(
        lambda: services.payment_request_approve(
            acting_user=staff["opco"], payment_request=request, approved_amount="900.00"
        ),
        lambda: services.payment_request_reject(acting_user=colleague, payment_request=request, reason="Doublon"),
    )
    assert sorted(str(outcome) == "ok" for outcome in outcomes) == [False, True]
    loser = next(outcome for outcome in outcomes if outcome != "ok")
    assert isinstance(loser, Conflict) and "Rechargez la page." in str(loser)
    request.refresh_from_db()
    assert request.status in ("approved", "rejected") and request.history.exclude(status="submitted").count() == 1
