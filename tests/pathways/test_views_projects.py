"""The portal's project pages: the holder drafts, uploads the fiche projet and submits; the Ministry's queue
with its filters and deadlines, its decisions, and the French refusals (product.md section 10)."""

import datetime
import re

import pytest
import time_machine
from django.urls import reverse

from pathways import project_services
from pathways.models import Project
from tests.accounts.factories import UserFactory, luhn_siret
from tests.pathways.factories import CertificationFactory, ProjectFactory, ProjectHolderFactory, pdf_upload

pytestmark = pytest.mark.django_db


def text(response):
    return re.sub(r"\s+", " ", response.content.decode())


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def holder():
    return ProjectHolderFactory(pathway_ceiling=0)


@pytest.fixture
def staff(holder):
    return UserFactory(organisation=holder.organisation)


@pytest.fixture
def ministry():
    return UserFactory(role="ministry")


def form_data(certification, **overrides):
    data = {
        "title": "VAE inversée en logistique",
        "summary": "Résumé",
        "regions": ["32", "28"],
        "sectors": "Logistique",
        "certifications": [certification.pk],
        "requested_pathways": "8",
        "partenaires-TOTAL_FORMS": "2",
        "partenaires-INITIAL_FORMS": "0",
        "partenaires-MIN_NUM_FORMS": "0",
        "partenaires-MAX_NUM_FORMS": "30",
        "partenaires-0-name": "Entrepôts du Nord",
        "partenaires-0-siret": luhn_siret(31),
        "partenaires-0-role": "employer",
        "partenaires-1-name": "",
        "partenaires-1-siret": "",
        "partenaires-1-role": "",
    }
    data.update(overrides)
    return data


def test_the_holder_drafts_uploads_and_submits(client, staff):
    client.force_login(staff)
    certification = CertificationFactory(vae_target=True)
    assert client.get(reverse("projects:create")).status_code == 200

    response = client.post(reverse("projects:create"), form_data(certification, **{"partenaires-0-siret": "123"}))
    assert response.status_code == 400
    assert "Partenaire 1 — SIRET" in text(response)
    assert not Project.objects.exists()

    response = client.post(reverse("projects:create"), form_data(certification))
    project = Project.objects.get()
    assert response.status_code == 302 and response.url == reverse("projects:detail", args=[project.pk])
    assert project.regions == ["32", "28"] and project.partners.get().role == "employer"
    page = text(client.get(response.url))
    assert "La fiche projet signée doit être déposée." in page
    assert "Hauts-de-France, Normandie" in page

    response = client.post(reverse("projects:submit", args=[project.pk]))
    assert response.status_code == 400
    assert "La fiche projet signée doit être déposée." in text(response)

    client.post(
        reverse("projects:document_add", args=[project.pk]), {"kind": "project_sheet", "file": pdf_upload("fiche.pdf")}
    )
    response = client.post(reverse("projects:submit", args=[project.pk]))
    assert response.status_code == 302
    project.refresh_from_db()
    assert project.status == "submitted"
    page = text(client.get(reverse("projects:detail", args=[project.pk])))
    assert "Brouillon → Déposé" in page
    # Submitted: no more editing.
    assert client.get(reverse("projects:edit", args=[project.pk])).status_code == 302
    assert project.reference in text(client.get(reverse("projects:list")))


def test_the_ministry_queue_filters_and_shows_the_days_left(client, ministry):
    complete = ProjectFactory(
        status="complete",
        regions=["76"],
        complete_at=datetime.datetime(2026, 3, 1, 9, tzinfo=datetime.UTC),
        title="Viticulture",
    )
    ProjectFactory(status="submitted", regions=["11"], title="Propreté")
    ProjectFactory(title="Brouillon caché")
    client.force_login(ministry)
    with time_machine.travel(datetime.datetime(2026, 4, 20, 9, tzinfo=datetime.UTC), tick=False):
        page = text(client.get(reverse("projects:queue")))
        assert "Viticulture" in page and "Propreté" in page and "Brouillon caché" not in page
        assert '01/05/2026 — <span class="fr-text--bold">11 jours restants</span>' in page
        filtered = text(client.get(reverse("projects:queue"), {"region": "76"}))
        assert "Viticulture" in filtered and "Propreté" not in filtered
        filtered = text(client.get(reverse("projects:queue"), {"status": "submitted"}))
        assert "Viticulture" not in filtered and "Propreté" in filtered
        detail = text(client.get(reverse("projects:detail", args=[complete.pk])))
        assert "(11 jours restants)" in detail


def test_the_ministry_decides_and_nothing_after_the_deadline(client, staff, ministry):
    project = ProjectFactory(project_holder=staff.membership.organisation.project_holder, requested_pathways=6)
    project.certifications.set([CertificationFactory(vae_target=True)])
    project.partners.create(name="Cap VAE", siret=luhn_siret(44), role="companion")
    project_services.project_document_add(
        acting_user=staff, project=project, kind="project_sheet", uploaded_file=pdf_upload()
    )
    project_services.project_submit(acting_user=staff, project=project)
    client.force_login(ministry)
    url = reverse("projects:detail", args=[project.pk])
    response = client.post(reverse("projects:request_complements", args=[project.pk]), {"complements-reason": ""})
    assert response.status_code == 400
    with time_machine.travel(datetime.datetime(2026, 2, 2, 9, tzinfo=datetime.UTC), tick=False):
        assert client.post(reverse("projects:mark_complete", args=[project.pk])).status_code == 302
    with time_machine.travel(datetime.datetime(2026, 2, 20, 9, tzinfo=datetime.UTC), tick=False):
        page = text(client.get(url))
        assert "02/04/2026" in page and "(41 jours restants)" in page
        response = client.post(reverse("projects:accept", args=[project.pk]), {"accept-granted_pathways": "7"})
        assert response.status_code == 400
        assert "Le nombre de parcours accordés est compris entre 1 et le nombre demandé (6)." in text(response)
    with time_machine.travel(datetime.datetime(2026, 4, 3, 9, tzinfo=datetime.UTC), tick=False):
        response = client.post(reverse("projects:accept", args=[project.pk]), {"accept-granted_pathways": "4"})
        assert response.status_code == 400
        assert "Le délai de décision a expiré le 02/04/2026" in text(response)
    with time_machine.travel(datetime.datetime(2026, 3, 3, 9, tzinfo=datetime.UTC), tick=False):
        response = client.post(
            reverse("projects:accept", args=[project.pk]),
            {"accept-granted_pathways": "4", "accept-comment": "Quatre pour commencer"},
        )
    assert response.status_code == 302
    project.refresh_from_db()
    assert (project.status, project.granted_pathways) == ("accepted", 4)
    assert "4 parcours accordés sur 6 demandés" in text(client.get(url))


def test_the_navigation_shows_each_role_its_project_pages(client, staff, ministry):
    client.force_login(staff)
    assert reverse("projects:list") in text(client.get(reverse("projects:list")))
    client.force_login(ministry)
    assert "Projets à instruire" in text(client.get(reverse("projects:queue")))
    client.force_login(UserFactory(role="opco"))
    assert client.get(reverse("projects:queue")).status_code == 403
