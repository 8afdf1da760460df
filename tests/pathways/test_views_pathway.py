"""The pathway page for each role, and the pathway and contract forms."""

import datetime

import pytest
from django.urls import reverse

from pathways.enums import PathwayPhase
from pathways.models import Contract, Pathway
from tests.accounts.factories import UserFactory
from tests.pathways.factories import (
    CandidateFactory,
    CertificationFactory,
    EmployerFactory,
    PathwayFactory,
    ProjectHolderFactory,
    add_contract,
    show_to_opco,
    staff_of,
    walk_to,
)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def text(response):
    return response.content.decode().replace("&#x27;", "'")


# ---- the pathway page -----------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["project_holder", "companion", "opco", "certifier", "ministry"])
def test_pathway_page_renders_for_each_role_that_sees_it(client, db, role):
    pathway = show_to_opco(walk_to(PathwayFactory(), PathwayPhase.ADMISSIBILITY))
    client.force_login(staff_of(pathway)[role])

    response = client.get(reverse("pathways:detail", args=[pathway.pk]))

    html = text(response)
    assert response.status_code == 200
    assert f"Parcours {pathway.reference}" in html
    assert pathway.employer.opco.name in html and pathway.certification.code in html
    assert 'class="fr-stepper"' in html and "Phase 3 sur 5" in html
    assert "Changements de phase (2)" in html and "Dernières modifications de la fiche du parcours" in html
    # What is missing to move on is shown to everyone; the button only to the role that may act.
    assert "Le certificateur n'a pas encore rendu sa décision de recevabilité." in html
    assert ("Passer en mise en œuvre</button>" in html) == (role == "project_holder")
    assert ("Décision de recevabilité</h2>" in html) == (role == "certifier")


@pytest.mark.parametrize("role", ["opco", "ministry"])
def test_opco_and_ministry_read_the_page_without_any_form(client, db, role):
    pathway = show_to_opco(walk_to(PathwayFactory(), PathwayPhase.SUPPORT))
    client.force_login(staff_of(pathway)[role])

    html = text(client.get(reverse("pathways:detail", args=[pathway.pk])))

    assert "Consultation seule" in html
    # Every organisation that sees the pathway writes in its thread (and the OPCO its own notes): no other form.
    content = html.split('id="contenu"')[1]
    for form in ("messages", "notes"):
        content = content.replace(f'method="post" action="/parcours/{pathway.pk}/{form}/"', "")
    assert 'method="post"' not in content
    # The documents can still be downloaded.
    assert "/pieces/" in html


@pytest.mark.parametrize("role", ["project_holder", "companion", "opco", "certifier"])
def test_another_organisations_pathway_is_a_404(client, db, role):
    pathway = walk_to(PathwayFactory(), PathwayPhase.ADMISSIBILITY)
    outsider = staff_of(walk_to(PathwayFactory(), PathwayPhase.ADMISSIBILITY))[role]
    # The outsider's OPCO would be the same (AKTO): give the outsider another OPCO.
    if role == "opco":
        outsider = UserFactory(role="opco")
        outsider.membership.organisation = type(outsider.membership.organisation).objects.get(code="ATLAS")
        outsider.membership.save()
    client.force_login(outsider)

    assert client.get(reverse("pathways:detail", args=[pathway.pk])).status_code == 404


def test_certifier_does_not_see_a_pathway_before_admissibility(client, db):
    pathway = PathwayFactory()
    client.force_login(staff_of(pathway)["certifier"])
    assert client.get(reverse("pathways:detail", args=[pathway.pk])).status_code == 404


def test_page_queries_are_bounded(client, db, django_assert_max_num_queries):
    pathway = walk_to(PathwayFactory(), PathwayPhase.EVALUATION)
    client.force_login(staff_of(pathway)["project_holder"])
    # 14 today (session, user, membership, the pathway and its one-to-ones, blocks, documents, log, history,
    # guards, header); the guards other apps register may add a few, never one per document or transition.
    # Working together adds two: the thread's counts of the « Messages » button, the unread messages of the
    # header. The thread and the notes are read on the pathway's « Messages » page, which marks the thread read.
    with django_assert_max_num_queries(22):
        assert client.get(reverse("pathways:detail", args=[pathway.pk])).status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get(reverse("pathways:messages", args=[pathway.pk])).status_code == 200


def test_history_lists_transitions_and_field_changes(client, db):
    pathway = walk_to(PathwayFactory(), PathwayPhase.DELIVERY)
    staff = staff_of(pathway)
    client.force_login(staff["project_holder"])

    html = text(client.get(reverse("pathways:detail", args=[pathway.pk])))

    assert "Changements de phase (3)" in html
    assert "<td>Information et positionnement</td>" in html and "<td>Mise en œuvre</td>" in html
    assert "Création" in html and "Modification" in html
    assert "phase : Accompagnement → Recevabilité" in html


# ---- creating and editing a pathway ---------------------------------------------------------------


@pytest.fixture
def holder_setup(client, db):
    holder = ProjectHolderFactory()
    user = UserFactory(organisation=holder.organisation)
    client.force_login(user)
    return {
        "holder": holder,
        "user": user,
        "candidate": CandidateFactory(project_holder=holder),
        "employer": EmployerFactory(project_holder=holder),
        "certification": CertificationFactory(vae_target=True),
        "companion": UserFactory(role="companion"),
    }


def test_pathway_creation_is_two_steps(client, holder_setup):
    certification = holder_setup["certification"]
    ineligible = CertificationFactory(vae_target=True, vae_target__eligible=False)
    url = reverse("pathways:create")

    step1 = text(client.get(url))
    assert "Étape 1 sur 2" in step1 and certification.code in step1 and ineligible.code not in step1

    step2 = text(client.get(url, {"certification": certification.pk}))
    assert "Étape 2 sur 2" in step2
    for block in certification.skill_blocks.all():
        assert block.code in step2
    assert 'type="checkbox"' in step2

    blocks = list(certification.skill_blocks.all()[:2])
    response = client.post(
        f"{url}?certification={certification.pk}",
        {
            "candidate": holder_setup["candidate"].pk,
            "employer": holder_setup["employer"].pk,
            "target_blocks": [block.pk for block in blocks],
            "companion": holder_setup["companion"].pk,
        },
    )

    pathway = Pathway.objects.get()
    assert response.status_code == 302 and response.url == reverse("pathways:detail", args=[pathway.pk])
    assert pathway.certification == certification and set(pathway.target_blocks.all()) == set(blocks)
    assert pathway.companion == holder_setup["companion"] and pathway.reference.startswith("VAEI-")
    assert f"Le parcours {pathway.reference} a été créé." in text(client.get(response.url))


def test_ineligible_certification_is_refused_at_step_one(client, holder_setup):
    ineligible = CertificationFactory(vae_target=True, vae_target__eligible=False)
    html = text(client.get(reverse("pathways:create"), {"certification": ineligible.pk}))
    assert "Étape 1 sur 2" in html and "Sélectionnez un choix valide" in html


def test_invalid_pathway_shows_french_errors_and_saves_nothing(client, holder_setup):
    certification = holder_setup["certification"]
    foreign_candidate = CandidateFactory()
    response = client.post(
        f"{reverse('pathways:create')}?certification={certification.pk}",
        {"candidate": foreign_candidate.pk, "employer": "", "companion": holder_setup["user"].pk},
    )

    html = text(response)
    assert response.status_code == 200
    assert "Le formulaire contient des erreurs" in html
    assert "Sélectionnez un choix valide" in html and "Ce champ est obligatoire." in html
    assert not Pathway.objects.exists()


def test_ceiling_reached_is_shown_on_top(client, holder_setup):
    holder = holder_setup["holder"]
    holder.projects.update(requested_pathways=1, granted_pathways=1)
    PathwayFactory(project_holder=holder)
    certification = holder_setup["certification"]
    response = client.post(
        f"{reverse('pathways:create')}?certification={certification.pk}",
        {"candidate": holder_setup["candidate"].pk, "employer": holder_setup["employer"].pk},
    )
    project = holder.projects.get()
    assert f"Le plafond du projet {project.reference} est atteint : 1 parcours ouverts sur 1 accordés" in text(response)
    assert Pathway.objects.count() == 1


def test_pathway_edit_in_positioning_and_after(client, db):
    pathway = PathwayFactory()
    staff = staff_of(pathway)
    client.force_login(staff["project_holder"])
    url = reverse("pathways:edit", args=[pathway.pk])
    other_companion = UserFactory(role="companion")

    html = text(client.get(url))
    assert "Changer de certification" in html
    response = client.post(
        f"{url}?certification={pathway.certification_id}",
        {
            "candidate": pathway.candidate_id,
            "employer": pathway.employer_id,
            "target_blocks": [pathway.certification.skill_blocks.first().pk],
            "companion": other_companion.pk,
        },
    )
    assert response.status_code == 302
    pathway.refresh_from_db()
    assert pathway.companion == other_companion and pathway.target_blocks.count() == 1

    pathway = walk_to(pathway, PathwayPhase.SUPPORT, staff={**staff, "companion": other_companion})
    html = text(client.get(url))
    assert "seul l'accompagnement peut encore être modifié" in html and "Changer de certification" not in html
    response = client.post(url, {"companion": staff["companion"].pk, "candidate": CandidateFactory().pk})
    assert response.status_code == 302
    pathway.refresh_from_db()
    assert pathway.companion == staff["companion"]


def test_pathway_edit_is_for_the_project_holder(client, db):
    pathway = PathwayFactory()
    client.force_login(staff_of(pathway)["companion"])
    assert client.get(reverse("pathways:edit", args=[pathway.pk])).status_code == 403
    client.force_login(UserFactory(role="project_holder"))
    assert client.get(reverse("pathways:edit", args=[pathway.pk])).status_code == 404


# ---- the contract ------------------------------------------------------------------------------

CONTRACT = {
    "signed_on": "2025-09-01",
    "start_date": "2025-09-15",
    "end_date": "2026-09-14",
    "weekly_hours": "35",
    "monthly_gross_salary": "1900.00",
    "tutor_name": "Marie Tuteur",
}


def test_contract_is_recorded(client, db):
    pathway = PathwayFactory()
    client.force_login(staff_of(pathway)["project_holder"])

    response = client.post(reverse("pathways:contract", args=[pathway.pk]), CONTRACT)

    assert response.status_code == 302
    assert Contract.objects.get(pathway=pathway).end_date == datetime.date(2026, 9, 14)


def test_invalid_contract_shows_every_french_error_and_saves_nothing(client, db):
    pathway = PathwayFactory()
    client.force_login(staff_of(pathway)["project_holder"])

    response = client.post(
        reverse("pathways:contract", args=[pathway.pk]),
        {**CONTRACT, "signed_on": "2022-01-10", "end_date": "2030-01-01", "monthly_gross_salary": "500"},
    )

    html = text(response)
    assert response.status_code == 200
    assert "Le contrat doit être conclu pendant l'expérimentation" in html
    assert "Le contrat ne peut pas durer plus de 36 mois" in html
    assert "Le salaire mensuel brut doit être d'au moins" in html
    assert not Contract.objects.exists()


def test_contract_form_field_errors(client, db):
    pathway = PathwayFactory()
    client.force_login(staff_of(pathway)["project_holder"])
    response = client.post(
        reverse("pathways:contract", args=[pathway.pk]), {**CONTRACT, "weekly_hours": "60", "tutor_name": ""}
    )
    html = text(response)
    assert "Assurez-vous que cette valeur est inférieure ou égale à 48." in html
    assert "Ce champ est obligatoire." in html
    assert not Contract.objects.exists()


def test_contract_is_locked_once_delivery_started(client, db):
    pathway = walk_to(PathwayFactory(), PathwayPhase.DELIVERY)
    client.force_login(staff_of(pathway)["project_holder"])
    response = client.post(reverse("pathways:contract", args=[pathway.pk]), {**CONTRACT, "tutor_name": "Autre"})
    assert "Le contrat ne peut plus être modifié une fois la mise en œuvre commencée." in text(response)
    assert Contract.objects.get().tutor_name == "Marie Tuteur"


def test_contract_of_another_organisation_is_a_404_and_other_roles_403(client, db):
    pathway = PathwayFactory()
    add_contract(pathway)
    client.force_login(UserFactory(role="project_holder"))
    assert client.post(reverse("pathways:contract", args=[pathway.pk]), CONTRACT).status_code == 404
    client.force_login(staff_of(pathway)["companion"])
    assert client.post(reverse("pathways:contract", args=[pathway.pk]), CONTRACT).status_code == 403
