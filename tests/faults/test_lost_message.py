"""The PDF's message is lost (Redis restarted empty, a task out of retries): the periodic task renders it."""

import io

from django.core.management import call_command

from funding import services, tasks
from funding.models import FundingFile
from funding.money import Amounts
from tests.funding.factories import funded_pathway, submitted_file

APPROVED = Amounts.parse({"teaching": "6000.00", "design": "1000.00", "support": "2000.00"})


def decided_without_pdf():
    """A decided file whose on-commit work never ran (the test's transaction never commits)."""
    pathway, staff = funded_pathway()
    funding_file = submitted_file(pathway, staff)
    return services.funding_file_approve(acting_user=staff["opco"], funding_file=funding_file, approved=APPROVED)


def test_the_periodic_task_renders_each_missing_agreement_once(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    approved = decided_without_pdf()
    pathway, staff = funded_pathway()
    rejected = services.funding_file_reject(
        acting_user=staff["opco"], funding_file=submitted_file(pathway, staff), reason="Hors barème"
    )
    other, other_staff = funded_pathway()
    waiting = submitted_file(other, other_staff)

    assert tasks.regenerate_missing_agreements() == 2
    assert tasks.regenerate_missing_agreements() == 0
    files = {f.pk: f for f in FundingFile.objects.filter(pk__in=[approved.pk, rejected.pk, waiting.pk])}
    assert files[approved.pk].agreement and files[rejected.pk].agreement
    assert not files[waiting.pk].agreement  # not decided: no agreement to render
    assert len(list((tmp_path / "agreements").iterdir())) == 2


def test_a_file_that_fails_to_render_does_not_hold_up_the_others(db, settings, tmp_path, monkeypatch, caplog):
    settings.MEDIA_ROOT = tmp_path
    broken, fine = decided_without_pdf(), decided_without_pdf()
    real_store = tasks.agreement_store

    def store(*, funding_file_id):
        if funding_file_id == broken.pk:
            raise OSError("disque plein")
        return real_store(funding_file_id=funding_file_id)

    monkeypatch.setattr(tasks, "agreement_store", store)
    assert tasks.regenerate_missing_agreements() == 1
    assert FundingFile.objects.get(pk=fine.pk).agreement
    assert not FundingFile.objects.get(pk=broken.pk).agreement
    assert f"Agreement PDF of funding file {broken.pk} not rendered" in caplog.text


def test_the_command_renders_what_is_missing(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    decided_without_pdf()
    out = io.StringIO()
    call_command("regenerate_agreements", stdout=out)
    assert out.getvalue().strip() == "1 accord(s) de prise en charge généré(s)."
    out = io.StringIO()
    call_command("regenerate_agreements", stdout=out)
    assert out.getvalue().strip() == "0 accord(s) de prise en charge généré(s)."
