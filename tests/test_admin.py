"""The admin site is a window, never a second door to the workflow (product.md section 2)."""

import pytest
from django.urls import reverse

from funding.models import FundingFile
from pathways.enums import PathwayPhase
from pathways.models import Employer, Pathway, PathwayTransition, ProjectTransition, SupportOpinion
from tests.funding.factories import funded_pathway, submitted_file
from tests.pathways.factories import PathwayFactory, walk_to
from vae_inversee.accounts.models import Organisation


def change_url(obj):
    return reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])


def test_the_admin_cannot_change_a_pathway_nor_its_phase(admin_client, db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    pathway = walk_to(PathwayFactory(), PathwayPhase.SUPPORT)
    other = PathwayFactory()

    page = admin_client.get(change_url(pathway))
    response = admin_client.post(
        change_url(pathway), {"phase": "delivery", "candidate": other.candidate_id, "employer": other.employer_id}
    )

    assert page.status_code == 200 and b'name="phase"' not in page.content
    assert response.status_code == 403
    pathway.refresh_from_db()
    assert (pathway.phase, pathway.candidate_id) == (PathwayPhase.SUPPORT, pathway.candidate_id)
    assert PathwayTransition.objects.filter(pathway=pathway).count() == 1


def test_the_admin_cannot_change_a_decided_funding_file(admin_client, db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    pathway, staff = funded_pathway()
    funding_file = submitted_file(pathway, staff)
    FundingFile.objects.filter(pk=funding_file.pk).update(status="rejected", decision_reason="Hors barème")

    response = admin_client.post(change_url(funding_file), {"status": "approved", "requested_teaching": "1"})

    assert response.status_code == 403
    funding_file.refresh_from_db()
    assert funding_file.status == "rejected"


def test_the_admin_cannot_change_a_support_opinion_after_support(admin_client, db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    pathway = walk_to(PathwayFactory(), PathwayPhase.ADMISSIBILITY)
    opinion = SupportOpinion.objects.get(pathway=pathway)

    response = admin_client.post(change_url(opinion), {"job_match": "", "pedagogical_path": "", "comment": "Revu"})

    assert response.status_code == 403
    opinion.refresh_from_db()
    assert opinion.job_match and opinion.pedagogical_path


@pytest.mark.parametrize("model", ["pathway", "fundingfile", "supportopinion"])
def test_the_admin_cannot_revert_the_history(admin_client, db, settings, tmp_path, model):
    """django-simple-history's revert would write an old row back, past the services: it is refused."""
    settings.MEDIA_ROOT = tmp_path
    pathway, staff = funded_pathway()
    pathway = walk_to(pathway, PathwayPhase.ADMISSIBILITY, staff)
    funding_file = submitted_file(pathway, staff)
    obj = {"pathway": pathway, "fundingfile": funding_file, "supportopinion": pathway.support_opinion}[model]
    first = obj.history.earliest("history_date")
    url = reverse(f"admin:{obj._meta.app_label}_{model}_simple_history", args=[obj.pk, first.history_id])

    page = admin_client.get(url)
    response = admin_client.post(url, {})

    assert page.status_code == 200 and b"Restaurer" not in page.content and b"Revert" not in page.content
    assert response.status_code == 403
    pathway.refresh_from_db()
    funding_file.refresh_from_db()
    assert (pathway.phase, funding_file.status) == (PathwayPhase.ADMISSIBILITY, "submitted")


def test_changing_an_employer_idcc_in_the_admin_rederives_the_opco(admin_client, db):
    pathway = PathwayFactory()
    employer = pathway.employer
    assert employer.opco.code == "AKTO"

    response = admin_client.post(
        change_url(employer),
        {"name": employer.name, "siret": employer.siret, "idcc": "1486", "address": "", "private_law": "on"},
    )

    assert response.status_code == 302
    employer = Employer.objects.get(pk=employer.pk)
    assert (employer.idcc, employer.opco) == ("1486", Organisation.objects.get(code="ATLAS"))


def test_a_workflow_model_offers_no_add_nor_delete(admin_client, db):
    pathway = PathwayFactory()
    assert admin_client.get(reverse("admin:pathways_pathway_add")).status_code == 403
    assert (
        admin_client.post(reverse("admin:pathways_pathway_delete", args=[pathway.pk]), {"post": "yes"}).status_code
        == 403
    )
    assert Pathway.objects.filter(pk=pathway.pk).exists()


def test_a_project_and_its_log_are_read_only_in_the_admin(admin_client, db):
    pathway = PathwayFactory()
    project = pathway.project
    log = ProjectTransition.objects.create(
        project=project, name="accept", from_status="complete", to_status="accepted", by=None, comment="Avis"
    )
    assert admin_client.get(change_url(project)).status_code == 200
    response = admin_client.post(change_url(project), {"title": "Réécrit", "requested_pathways": "999"})
    assert response.status_code == 403
    assert admin_client.get(reverse("admin:pathways_project_add")).status_code == 403
    assert admin_client.get(change_url(log)).status_code == 200
    assert admin_client.post(change_url(log), {"comment": "Réécrit"}).status_code == 403
    delete = reverse("admin:pathways_projecttransition_delete", args=[log.pk])
    assert admin_client.post(delete, {"post": "yes"}).status_code == 403
    project.refresh_from_db()
    log.refresh_from_db()
    assert (project.title, log.comment) != ("Réécrit", "Réécrit")
    assert ProjectTransition.objects.filter(pk=log.pk).exists()
