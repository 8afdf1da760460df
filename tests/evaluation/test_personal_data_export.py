"""A candidate's data for a right-of-access request (RGPD art. 15): the project holder downloads one ZIP,
`donnees.json` (the NIR in clear) and the pieces under `pieces/`; every export is logged."""

import datetime
import io
import json
import zipfile

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from evaluation.personal_data import candidate_data, candidate_export
from pathways.models import Candidate, CandidateAccess, CandidateAccessKind, Document
from tests.accounts.factories import UserFactory
from tests.pathways.factories import CandidateFactory, PathwayFactory, record_jury, staff_of, walk_to

NIR = "295109912611193"
WALKED_AT = timezone.make_aware(datetime.datetime(2026, 10, 1, 9, 0))


@pytest.fixture
def walked(db, settings, tmp_path, django_capture_on_commit_callbacks):
    """A completed pathway (pieces, decisions, contract, funding, progress, jury, acquired blocks)."""
    settings.MEDIA_ROOT = tmp_path
    with time_machine.travel(WALKED_AT, tick=False), django_capture_on_commit_callbacks(execute=True):
        pathway = PathwayFactory(candidate__nir=NIR, candidate__first_name="Aminata")
        staff = staff_of(pathway)
        pathway = walk_to(pathway, "evaluation", staff)
        record_jury(pathway, staff, outcome="partial", validated=1)
    return pathway, staff


def export(client, user, candidate):
    client.force_login(user)
    response = client.post(reverse("pathways:candidate_export", args=[candidate.pk]))
    if response.streaming:
        # Read to the end: the test client then closes the response (and the archive's temporary file).
        response.zip_bytes = b"".join(response.streaming_content)
    return response


def archive_of(response):
    return zipfile.ZipFile(io.BytesIO(response.zip_bytes))


def read_data(candidate_pk):
    """(number of queries, data) of candidate_data on a candidate fetched as the view fetches it."""
    candidate = Candidate.objects.select_related("project_holder__organisation").get(pk=candidate_pk)
    with CaptureQueriesContext(connection) as queries:
        data, _ = candidate_data(candidate)
    return len(queries), data


def test_the_project_holder_downloads_a_zip_of_the_candidate_s_data(client, walked):
    pathway, staff = walked
    candidate = pathway.candidate

    response = export(client, staff["project_holder"], candidate)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert f'filename="donnees-candidat-{candidate.pk}-' in response["Content-Disposition"]
    archive = archive_of(response)
    data = json.loads(archive.read("donnees.json"))
    identity = data["identite"]
    assert (identity["prenom"], identity["nom"], identity["nir"]) == ("Aminata", candidate.last_name, NIR)
    assert identity["date_de_naissance"] == "1990-03-12"
    [exported] = data["parcours"]
    assert exported["reference"] == pathway.reference and exported["phase"]["code"] == "evaluation"
    assert [move["vers"]["code"] for move in exported["changements_de_phase"]] == [
        "support", "admissibility", "delivery", "evaluation",
    ]  # fmt: skip
    assert exported["contrat"]["tuteur"] == pathway.contract.tutor_name
    assert exported["avis_accompagnement"]["adequation_poste_certification"] is True
    assert exported["recevabilite"]["decision"]["code"] == "admissible"
    assert exported["releves_de_progression"] and exported["releves_de_progression"][0]["niveau"]["code"]
    [jury] = exported["jurys"]
    assert (jury["resultat"]["code"], jury["blocs_valides"]) == ("partial", 1)
    assert len(jury["resultats_par_bloc"]) == jury["blocs_vises"]
    [funding] = exported["dossiers_de_financement"]
    assert funding["statut"]["code"] == "approved" and funding["accorde_euros"]["teaching"] == "4000.00"
    assert [block["parcours"] for block in data["blocs_acquis"]] == [pathway.reference]
    # The pieces: metadata in the JSON, the files under pieces/.
    documents = Document.objects.filter(pathway=pathway)
    assert len(exported["pieces"]) == documents.count() == 2
    for piece in exported["pieces"]:
        assert piece["fichier"].startswith(f"pieces/{pathway.reference}/")
        assert archive.read(piece["fichier"])[:4] == b"%PDF"
    assert sorted(archive.namelist()) == sorted(["donnees.json", *(piece["fichier"] for piece in exported["pieces"])])


def test_every_export_is_logged(client, walked):
    pathway, staff = walked
    export(client, staff["project_holder"], pathway.candidate)
    export(client, staff["project_holder"], pathway.candidate)

    accesses = CandidateAccess.objects.filter(kind=CandidateAccessKind.EXPORT)
    assert accesses.count() == 2
    assert {(access.candidate, access.user) for access in accesses} == {(pathway.candidate, staff["project_holder"])}


def test_only_the_project_holder_exports(client, walked):
    pathway, staff = walked
    for role in ("companion", "opco", "certifier", "ministry"):
        assert export(client, staff[role], pathway.candidate).status_code == 403, role
    assert not CandidateAccess.objects.filter(kind=CandidateAccessKind.EXPORT).exists()


def test_another_holder_s_candidate_is_a_404(client, db):
    other = CandidateFactory()
    assert export(client, UserFactory(role="project_holder"), other).status_code == 404


def test_the_export_is_a_post(client, walked):
    pathway, staff = walked
    client.force_login(staff["project_holder"])
    response = client.get(reverse("pathways:candidate_export", args=[pathway.candidate.pk]))
    assert response.status_code == 302 and response.url == reverse(
        "pathways:candidate_detail", args=[pathway.candidate.pk]
    )
    assert client.put(reverse("pathways:candidate_export", args=[pathway.candidate.pk])).status_code == 405


def test_the_service_checks_the_scope_behind_the_door(walked):
    pathway, _ = walked
    with pytest.raises(PermissionDenied):
        candidate_export(acting_user=UserFactory(role="project_holder"), candidate=pathway.candidate)


def test_a_missing_piece_is_listed_not_an_error(client, walked):
    pathway, staff = walked
    document = Document.objects.filter(pathway=pathway).first()
    document.file.storage.delete(document.file.name)

    data = json.loads(archive_of(export(client, staff["project_holder"], pathway.candidate)).read("donnees.json"))

    assert len(data["export"]["fichiers_introuvables"]) == 1


def test_the_data_is_read_in_a_fixed_number_of_queries(walked):
    pathway, staff = walked
    one, _ = read_data(pathway.candidate_id)
    with time_machine.travel(WALKED_AT, tick=False):
        for _ in range(2):
            other = PathwayFactory(project_holder=pathway.project_holder, candidate=pathway.candidate)
            walk_to(other, "support", staff)
    three, data = read_data(pathway.candidate_id)
    assert len(data["parcours"]) == 3
    assert three == one


def test_the_record_offers_the_export_button_to_the_project_holder(client, walked):
    pathway, staff = walked
    client.force_login(staff["project_holder"])
    html = client.get(reverse("pathways:candidate_detail", args=[pathway.candidate.pk])).content.decode()
    assert "Exporter les données (RGPD)" in html
    assert reverse("pathways:candidate_export", args=[pathway.candidate.pk]) in html
