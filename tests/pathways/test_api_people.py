"""API of project holders, candidates and employers (product.md section 9)."""

import pytest
from rest_framework.test import APIClient

from pathways.models import Candidate, Employer
from tests.accounts.factories import UserFactory
from tests.conftest import api_as
from tests.pathways.factories import (
    CandidateFactory,
    EmployerFactory,
    PathwayFactory,
    ProjectHolderFactory,
    show_to_opco,
    walk_to,
)
from vae_inversee.accounts.models import Organisation

pytestmark = pytest.mark.django_db

VALID_NIR = "190037512345687"  # key = 97 - (1900375123456 mod 97)


@pytest.fixture
def holder():
    return ProjectHolderFactory(
        organisation__name="Compétences Sud", organisation__region="Occitanie", pathway_ceiling=12
    )


@pytest.fixture
def holder_user(holder):
    return UserFactory(organisation=holder.organisation)


def candidate_payload(**overrides):
    data = {
        "first_name": "Inès",
        "last_name": "Martin",
        "birth_date": "1998-04-02",
        "email": "ines.martin@exemple.fr",
        "highest_qualification": "bac_pro_or_above",
    }
    data.update(overrides)
    return data


# ---- project holders --------------------------------------------------------------------------------


def test_project_holder_staff_see_their_own_project_holder_with_its_counts(holder, holder_user):
    PathwayFactory(project_holder=holder)
    PathwayFactory(project_holder=holder)
    ProjectHolderFactory()

    response = api_as(holder_user).get("/api/v1/project-holders/")

    assert response.status_code == 200
    assert response.json()["results"] == [
        {
            "id": holder.organisation_id,
            "name": "Compétences Sud",
            "laureate_reference": holder.laureate_reference,
            "pathway_ceiling": 12,
            "pathways_opened": 2,
            "region": "Occitanie",
        }
    ]


def test_ministry_sees_every_project_holder(holder, ministry_user):
    other = ProjectHolderFactory()

    body = api_as(ministry_user).get("/api/v1/project-holders/").json()

    assert body["count"] == 2
    assert {item["id"] for item in body["results"]} == {holder.organisation_id, other.organisation_id}
    assert api_as(ministry_user).get(f"/api/v1/project-holders/{other.organisation_id}/").json()["pathways_opened"] == 0


@pytest.mark.parametrize("role", ["companion", "opco", "certifier"])
def test_other_roles_see_no_project_holder(holder, role):
    user = UserFactory(role=role)

    assert api_as(user).get("/api/v1/project-holders/").json()["count"] == 0
    assert api_as(user).get(f"/api/v1/project-holders/{holder.organisation_id}/").status_code == 404


def test_another_project_holder_is_a_404(holder_user):
    other = ProjectHolderFactory()

    assert api_as(holder_user).get(f"/api/v1/project-holders/{other.organisation_id}/").status_code == 404


def test_project_holders_are_read_only(holder, ministry_user):
    response = api_as(ministry_user).post("/api/v1/project-holders/", {"laureate_reference": "X"}, format="json")

    assert response.status_code == 405


# ---- candidates -----------------------------------------------------------------------------------


def test_project_holder_registers_a_candidate_and_the_nir_never_comes_back(holder, holder_user):
    client = api_as(holder_user)

    response = client.post("/api/v1/candidates/", candidate_payload(nir="1 90 03 75 123 456 87"), format="json")

    assert response.status_code == 201, response.content
    candidate = Candidate.objects.get()
    assert response.json() == {
        "id": candidate.id,
        "first_name": "Inès",
        "last_name": "Martin",
        "birth_date": "1998-04-02",
        "email": "ines.martin@exemple.fr",
        "highest_qualification": "bac_pro_or_above",
    }
    # Stored compact, and attached to the user's project holder.
    assert candidate.nir == VALID_NIR
    assert candidate.project_holder == holder
    for url in ("/api/v1/candidates/", f"/api/v1/candidates/{candidate.id}/"):
        body = client.get(url).content.decode()
        assert "nir" not in body
        assert VALID_NIR not in body and "123 456" not in body


def test_an_invalid_nir_is_a_french_field_error(holder_user):
    response = api_as(holder_user).post("/api/v1/candidates/", candidate_payload(nir="190037512345688"), format="json")

    assert response.status_code == 400
    assert response.json() == {
        "nir": ["Le numéro de sécurité sociale (NIR) n'est pas valide : la clé de contrôle est incorrecte."]
    }
    assert not Candidate.objects.exists()


def test_nir_update_is_write_only_too(holder, holder_user):
    candidate = CandidateFactory(project_holder=holder)

    response = api_as(holder_user).patch(f"/api/v1/candidates/{candidate.id}/", {"nir": VALID_NIR}, format="json")

    assert response.status_code == 200
    assert "nir" not in response.json()
    candidate.refresh_from_db()
    assert candidate.nir == VALID_NIR


@pytest.mark.parametrize(
    "payload, field",
    [
        (candidate_payload(birth_date="02/04/1998x"), "birth_date"),
        (candidate_payload(birth_date=12), "birth_date"),
        (candidate_payload(highest_qualification="doctorat"), "highest_qualification"),
        (candidate_payload(email="pas-une-adresse"), "email"),
        (candidate_payload(first_name=""), "first_name"),
    ],
)
def test_malformed_candidate_is_a_400_naming_the_field(holder_user, payload, field):
    response = api_as(holder_user).post("/api/v1/candidates/", payload, format="json")

    assert response.status_code == 400
    assert list(response.json()) == [field]


def test_empty_candidate_body_names_every_required_field(holder_user):
    response = api_as(holder_user).post("/api/v1/candidates/", {}, format="json")

    assert response.status_code == 400
    assert set(response.json()) == {"first_name", "last_name", "birth_date"}
    assert response.json()["last_name"] == ["Ce champ est obligatoire."]


def test_a_candidate_must_be_an_object(holder_user):
    response = api_as(holder_user).post("/api/v1/candidates/", [1, 2], format="json")

    assert response.status_code == 400
    assert "non_field_errors" in response.json()


def test_project_holder_updates_its_candidate(holder, holder_user):
    candidate = CandidateFactory(project_holder=holder, last_name="Diallo")

    response = api_as(holder_user).patch(
        f"/api/v1/candidates/{candidate.id}/",
        {"last_name": "Diallo-Sow", "highest_qualification": "none"},
        format="json",
    )

    assert response.status_code == 200
    assert response.json()["last_name"] == "Diallo-Sow"
    candidate.refresh_from_db()
    assert (candidate.last_name, candidate.highest_qualification) == ("Diallo-Sow", "none")


def test_another_project_holders_candidate_is_a_404(holder_user):
    foreign = CandidateFactory()

    client = api_as(holder_user)
    assert client.get(f"/api/v1/candidates/{foreign.id}/").status_code == 404
    assert client.patch(f"/api/v1/candidates/{foreign.id}/", {"last_name": "X"}, format="json").status_code == 404
    assert client.get("/api/v1/candidates/").json()["count"] == 0
    foreign.refresh_from_db()
    assert foreign.last_name != "X"


@pytest.mark.parametrize("role", ["companion", "opco", "certifier", "ministry"])
def test_only_project_holders_write_candidates(role):
    response = api_as(UserFactory(role=role)).post("/api/v1/candidates/", candidate_payload(), format="json")

    assert response.status_code == 403
    assert response.json() == {
        "detail": "Seul le personnel d'un porteur de projet peut enregistrer ou modifier ces données."
    }
    assert not Candidate.objects.exists()


def test_companion_reads_only_the_candidates_of_its_pathways():
    pathway = PathwayFactory()
    CandidateFactory(project_holder=pathway.project_holder)  # no pathway with this companion

    response = api_as(pathway.companion).get("/api/v1/candidates/")

    assert [item["id"] for item in response.json()["results"]] == [pathway.candidate_id]
    update = api_as(pathway.companion).patch(f"/api/v1/candidates/{pathway.candidate_id}/", {"last_name": "X"})
    assert update.status_code == 403


def test_candidates_cannot_be_deleted(holder, holder_user):
    candidate = CandidateFactory(project_holder=holder)

    assert api_as(holder_user).delete(f"/api/v1/candidates/{candidate.id}/").status_code == 405
    assert Candidate.objects.filter(pk=candidate.pk).exists()


def test_candidates_need_credentials(holder):
    assert APIClient().get("/api/v1/candidates/").status_code == 401
    assert APIClient().post("/api/v1/candidates/", candidate_payload(), format="json").status_code == 401


# ---- employers ------------------------------------------------------------------------------------


def employer_payload(**overrides):
    data = {"name": "Boulangerie Dupain", "siret": "732 829 320 00074", "idcc": "1516", "address": "2 rue Neuve, Lyon"}
    data.update(overrides)
    return data


def test_the_opco_is_derived_from_the_idcc(holder, holder_user):
    response = api_as(holder_user).post("/api/v1/employers/", employer_payload(), format="json")

    assert response.status_code == 201, response.content
    employer = Employer.objects.get()
    assert response.json() == {
        "id": employer.id,
        "name": "Boulangerie Dupain",
        "siret": "73282932000074",
        "idcc": "1516",
        "opco": "AKTO",
        "address": "2 rue Neuve, Lyon",
    }
    assert employer.project_holder == holder


def test_without_agreement_the_employer_names_its_opco(holder_user):
    response = api_as(holder_user).post(
        "/api/v1/employers/", employer_payload(idcc="9999", opco="ATLAS"), format="json"
    )

    assert response.status_code == 201, response.content
    assert response.json()["opco"] == "ATLAS"
    assert Employer.objects.get().opco == Organisation.objects.get(kind="opco", code="ATLAS")


@pytest.mark.parametrize(
    "payload, errors",
    [
        (
            employer_payload(idcc="9999"),
            {"opco": ["Sans convention collective (IDCC 9999), indiquez l'OPCO de l'employeur."]},
        ),
        (
            employer_payload(idcc="9999", opco="INCONNU"),
            {"opco": ["Aucun OPCO ne porte le code « INCONNU » (ex. AKTO, ATLAS, OPCO EP)."]},
        ),
        (
            employer_payload(opco="ATLAS"),
            {"opco": ["L'OPCO découle de l'IDCC 1516 (AKTO) et ne peut pas être choisi."]},
        ),
        (
            employer_payload(siret="73282932000075"),
            {"siret": ["Le SIRET 73282932000075 n'est pas valide : la clé de contrôle est incorrecte."]},
        ),
    ],
)
def test_employer_refusals_name_the_field(holder_user, payload, errors):
    response = api_as(holder_user).post("/api/v1/employers/", payload, format="json")

    assert response.status_code == 400
    assert response.json() == errors
    assert not Employer.objects.exists()


@pytest.mark.parametrize("field, value", [("idcc", "abcd"), ("idcc", "12345"), ("siret", ""), ("opco", 12)])
def test_malformed_employer_is_a_400(holder_user, field, value):
    response = api_as(holder_user).post("/api/v1/employers/", employer_payload(**{field: value}), format="json")

    assert response.status_code == 400
    assert field in response.json()


def test_renaming_an_employer_without_agreement_keeps_its_opco(holder, holder_user):
    employer = EmployerFactory(
        project_holder=holder, idcc="9999", opco=Organisation.objects.get(kind="opco", code="ATLAS")
    )

    response = api_as(holder_user).patch(f"/api/v1/employers/{employer.id}/", {"name": "Nouveau nom"}, format="json")

    assert response.status_code == 200, response.content
    assert response.json()["opco"] == "ATLAS"
    employer.refresh_from_db()
    assert employer.name == "Nouveau nom" and employer.opco.code == "ATLAS"


def test_opco_reads_the_employers_of_its_pathways_only():
    akto_user = UserFactory(organisation=Organisation.objects.get(kind="opco", code="AKTO"))
    pathway = show_to_opco(PathwayFactory())
    EmployerFactory()  # AKTO too, but in no pathway

    response = api_as(akto_user).get("/api/v1/employers/")

    assert [item["id"] for item in response.json()["results"]] == [pathway.employer_id]
    assert api_as(akto_user).post("/api/v1/employers/", employer_payload(), format="json").status_code == 403


def test_certifier_reads_employers_only_from_admissibility_on(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    pathway = PathwayFactory()
    certifier = UserFactory(organisation=pathway.certification.certifiers.get().organisation)
    client = api_as(certifier)
    assert client.get(f"/api/v1/employers/{pathway.employer_id}/").status_code == 404

    walk_to(pathway, "admissibility")

    assert client.get(f"/api/v1/employers/{pathway.employer_id}/").json()["opco"] == "AKTO"


def test_the_same_establishment_twice_is_refused(holder_user):
    client = api_as(holder_user)
    assert client.post("/api/v1/employers/", employer_payload(), format="json").status_code == 201

    response = client.post("/api/v1/employers/", employer_payload(siret="73282932000074"), format="json")

    assert response.status_code == 400
    assert response.json() == {"siret": ["Cet établissement (SIRET) est déjà enregistré par votre structure."]}
    assert Employer.objects.count() == 1
