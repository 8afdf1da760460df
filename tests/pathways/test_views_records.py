"""Candidates and employers: the project holder's own records, created and edited through the services."""

import pytest
from django.urls import reverse

from pathways.models import Candidate, Employer
from tests.accounts.factories import UserFactory, luhn_siret
from tests.pathways.factories import CandidateFactory, EmployerFactory, ProjectHolderFactory

VALID_NIR = "2 95 10 99 126 111 93"


def text(response):
    return response.content.decode().replace("&#x27;", "'")


@pytest.fixture
def holder(db):
    return ProjectHolderFactory()


@pytest.fixture
def staff(client, holder):
    user = UserFactory(organisation=holder.organisation)
    client.force_login(user)
    return user


def candidate_data(**overrides):
    data = {
        "first_name": "Fatima",
        "last_name": "El Amrani",
        "birth_date": "1987-11-02",
        "email": "fatima@exemple.fr",
        "highest_qualification": "below_bac_pro",
        "nir": "",
    }
    data.update(overrides)
    return data


def employer_data(**overrides):
    data = {"name": "Brasserie du Canal", "siret": luhn_siret(777), "idcc": "1979", "opco": "", "address": "Paris"}
    data.update(overrides)
    data["private_law"] = "on"
    return data


# ---- candidates ---------------------------------------------------------------------------------


def test_candidate_list_shows_own_candidates_and_never_the_nir(client, holder, staff):
    mine = CandidateFactory(project_holder=holder, nir="295109912611193")
    other = CandidateFactory()

    response = client.get(reverse("pathways:candidate_list"))

    html = text(response)
    assert response.status_code == 200
    assert mine.last_name in html and other.last_name not in html
    assert "renseigné" in html and "295109912611193" not in html and "2 95 10" not in html


def test_candidate_is_created_with_a_valid_nir(client, holder, staff):
    response = client.post(reverse("pathways:candidate_create"), candidate_data(nir=VALID_NIR))

    assert response.status_code == 302 and response.url == reverse("pathways:candidate_list")
    candidate = Candidate.objects.get(last_name="El Amrani")
    assert candidate.project_holder == holder and candidate.nir == "295109912611193"
    html = text(client.get(response.url))
    assert "Le candidat Fatima El Amrani a été enregistré." in html


def test_invalid_candidate_shows_french_errors_and_saves_nothing(client, holder, staff):
    response = client.post(
        reverse("pathways:candidate_create"),
        candidate_data(first_name="", birth_date="pas une date", email="pas-un-courriel", nir="1 23 45 67 890 123 45"),
    )

    html = text(response)
    assert response.status_code == 200
    assert "fr-alert--error" in html and "Le formulaire contient des erreurs" in html
    assert "Ce champ est obligatoire." in html
    assert "Saisissez une date valide." in html
    assert "Saisissez une adresse e-mail valide." in html or "adresse électronique valide" in html
    assert "numéro de sécurité sociale (NIR)" in html
    # The NIR typed is not sent back, even after an error.
    assert "1 23 45 67 890 123 45" not in html
    assert not Candidate.objects.exists()


def test_candidate_edit_keeps_the_nir_when_left_blank_and_can_clear_it(client, holder, staff):
    candidate = CandidateFactory(project_holder=holder, nir="295109912611193")
    url = reverse("pathways:candidate_edit", args=[candidate.pk])

    html = text(client.get(url))
    assert "renseigné" in html and "295109912611193" not in html

    client.post(url, candidate_data(first_name="Fatou"))
    candidate.refresh_from_db()
    assert candidate.first_name == "Fatou" and candidate.nir == "295109912611193"

    client.post(url, candidate_data(clear_nir="on"))
    candidate.refresh_from_db()
    assert candidate.nir == ""


def test_other_project_holders_candidate_is_a_404(client, staff):
    other = CandidateFactory()
    assert client.get(reverse("pathways:candidate_edit", args=[other.pk])).status_code == 404
    assert client.post(reverse("pathways:candidate_edit", args=[other.pk]), candidate_data()).status_code == 404


@pytest.mark.parametrize("role", ["certifier", "companion", "opco", "ministry"])
def test_other_roles_may_not_create_candidates_or_employers(client, db, role):
    client.force_login(UserFactory(role=role))
    assert client.post(reverse("pathways:candidate_create"), candidate_data()).status_code == 403
    assert client.post(reverse("pathways:employer_create"), employer_data()).status_code == 403
    assert client.get(reverse("pathways:candidate_list")).status_code == 403
    assert not Candidate.objects.exists() and not Employer.objects.exists()


# ---- employers ----------------------------------------------------------------------------------


def test_employer_gets_its_opco_from_the_idcc(client, holder, staff):
    response = client.post(reverse("pathways:employer_create"), employer_data(idcc="1516"))

    assert response.status_code == 302
    employer = Employer.objects.get()
    assert employer.opco.code == "AKTO" and employer.project_holder == holder
    html = text(client.get(reverse("pathways:employer_list")))
    assert "Brasserie du Canal" in html and "AKTO" in html and "d'après l'IDCC" in html
    assert "(OPCO : AKTO)" in html


def test_employer_opco_select_is_ignored_unless_idcc_9999(client, holder, staff):
    from vae_inversee.accounts.models import Organisation

    atlas = Organisation.objects.get(kind="opco", code="ATLAS")
    client.post(reverse("pathways:employer_create"), employer_data(idcc="1516", opco=atlas.pk))
    assert Employer.objects.get().opco.code == "AKTO"

    client.post(
        reverse("pathways:employer_create"),
        employer_data(name="Sans convention", siret=luhn_siret(778), idcc="9999", opco=atlas.pk),
    )
    assert Employer.objects.get(name="Sans convention").opco == atlas


def test_invalid_employer_shows_french_errors_and_saves_nothing(client, holder, staff):
    response = client.post(reverse("pathways:employer_create"), employer_data(siret="12345678901234", idcc="abc"))

    html = text(response)
    assert response.status_code == 200
    assert "la clé de contrôle est incorrecte" in html
    assert "L'IDCC « abc » n'est pas valide" in html
    assert not Employer.objects.exists()


def test_idcc_9999_without_opco_is_refused(client, holder, staff):
    response = client.post(reverse("pathways:employer_create"), employer_data(idcc="9999"))

    assert "Sans convention collective (IDCC 9999), indiquez l'OPCO de l'employeur." in text(response)
    assert not Employer.objects.exists()


def test_employer_edit_shows_the_opco_and_updates(client, holder, staff):
    employer = EmployerFactory(project_holder=holder)
    url = reverse("pathways:employer_edit", args=[employer.pk])

    html = text(client.get(url))
    assert "OPCO de l'employeur" in html and "AKTO" in html

    response = client.post(url, employer_data(name="Nouveau nom", siret=employer.siret, idcc="1516"))
    assert response.status_code == 302
    employer.refresh_from_db()
    assert employer.name == "Nouveau nom"


def test_other_project_holders_employer_is_a_404(client, staff):
    other = EmployerFactory()
    assert client.get(reverse("pathways:employer_edit", args=[other.pk])).status_code == 404
