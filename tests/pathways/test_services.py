import datetime

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from pathways import services
from pathways.models import Candidate, Document, Employer, Pathway
from tests.accounts.factories import UserFactory
from tests.pathways.factories import (
    PNG_BYTES,
    CandidateFactory,
    CertificationFactory,
    EmployerFactory,
    PathwayFactory,
    ProjectHolderFactory,
    contract_data,
    pdf_upload,
    staff_of,
)
from vae_inversee.accounts.models import Organisation


@pytest.fixture
def holder(db):
    return ProjectHolderFactory(pathway_ceiling=2)


@pytest.fixture
def holder_user(holder):
    return UserFactory(organisation=holder.organisation)


def new_pathway(holder, user, **kwargs):
    certification = kwargs.pop("certification", None) or CertificationFactory(vae_target=True)
    return services.pathway_create(
        acting_user=user,
        candidate=kwargs.pop("candidate", None) or CandidateFactory(project_holder=holder),
        employer=kwargs.pop("employer", None) or EmployerFactory(project_holder=holder),
        certification=certification,
        target_blocks=certification.skill_blocks.all(),
        **kwargs,
    )


def test_pathway_gets_a_reference_and_starts_in_positioning(holder, holder_user):
    pathway = new_pathway(holder, holder_user)
    assert pathway.reference == f"VAEI-{timezone.localdate(pathway.created_at):%Y}-{pathway.pk:06d}"
    assert pathway.phase == "positioning"
    assert pathway.target_blocks.count() == 3
    assert pathway.history.count() >= 1


def test_a_pathway_opened_on_new_years_night_bears_the_french_year(holder, holder_user):
    """At 23:30 UTC on 31 December it is already 1 January in Paris."""
    with time_machine.travel(datetime.datetime(2026, 12, 31, 23, 30, tzinfo=datetime.UTC), tick=False):
        pathway = new_pathway(holder, holder_user)
    assert pathway.reference == f"VAEI-2027-{pathway.pk:06d}"


def test_ceiling_counts_every_pathway_opened_abandoned_included(holder, holder_user):
    first = new_pathway(holder, holder_user)
    services.pathway_transition(acting_user=holder_user, pathway=first, to="abandoned", comment="Rupture")
    new_pathway(holder, holder_user)
    with pytest.raises(ValidationError) as error:
        new_pathway(holder, holder_user)
    project = holder.projects.get()
    assert error.value.message_dict["project"] == [
        f"Le plafond du projet {project.reference} est atteint : 2 parcours ouverts sur 2 accordés (abandons compris)."
    ]
    assert Pathway.objects.filter(project_holder=holder).count() == 2


def test_only_vae_eligible_certifications_and_their_own_blocks(holder, holder_user):
    closed = CertificationFactory(vae_target=True, vae_target__eligible=False)
    other = CertificationFactory(vae_target=True)
    with pytest.raises(ValidationError) as error:
        services.pathway_create(
            acting_user=holder_user,
            candidate=CandidateFactory(project_holder=holder),
            employer=EmployerFactory(project_holder=holder),
            certification=closed,
            target_blocks=other.skill_blocks.all(),
        )
    errors = error.value.message_dict
    assert errors["certification"][0].startswith(f"La certification {closed.code} n'est pas ouverte à la VAE inversée")
    assert errors["target_blocks"][0].startswith("Ces blocs n'appartiennent pas à la certification visée")
    assert not Pathway.objects.exists()


def test_another_holders_candidate_cannot_be_used(holder, holder_user):
    with pytest.raises(ValidationError) as error:
        new_pathway(holder, holder_user, candidate=CandidateFactory())
    assert error.value.message_dict["candidate"] == ["Ce candidat n'appartient pas à votre structure."]


def test_pathway_with_an_invalid_contract_is_not_created(holder, holder_user):
    with pytest.raises(ValidationError) as error:
        new_pathway(holder, holder_user, contract=contract_data(end_date=contract_data()["start_date"]))
    assert "end_date" in error.value.message_dict
    assert not Pathway.objects.exists()


def test_other_roles_cannot_create(db):
    with pytest.raises(PermissionDenied):
        services.candidate_save(
            acting_user=UserFactory(role="opco"), first_name="A", last_name="B", birth_date="2000-01-01"
        )


def test_employer_opco_comes_from_the_idcc(holder_user):
    employer = services.employer_save(
        acting_user=holder_user, name="Brasserie", siret="732 829 320 00074", idcc="1979", address=""
    )
    assert (employer.siret, employer.idcc, employer.opco.code) == ("73282932000074", "1979", "AKTO")


def test_employer_names_its_opco_only_without_agreement(holder_user):
    atlas = Organisation.objects.get(code="ATLAS")
    with pytest.raises(ValidationError) as error:
        services.employer_save(acting_user=holder_user, name="X", siret="73282932000074", idcc="9999")
    assert error.value.message_dict == {
        "opco": ["Sans convention collective (IDCC 9999), indiquez l'OPCO de l'employeur."]
    }
    employer = services.employer_save(
        acting_user=holder_user, name="X", siret="73282932000074", idcc="9999", opco=atlas
    )
    assert employer.opco == atlas
    with pytest.raises(ValidationError) as error:
        services.employer_save(acting_user=holder_user, name="Y", siret="35600000009075", idcc="1516", opco=atlas)
    assert error.value.message_dict["opco"] == ["L'OPCO découle de l'IDCC 1516 (AKTO) et ne peut pas être choisi."]


def test_employer_with_unknown_idcc_or_bad_siret(holder_user):
    with pytest.raises(ValidationError) as error:
        services.employer_save(acting_user=holder_user, name="X", siret="73282932000074", idcc="3248")
    assert error.value.message_dict["idcc"][0].startswith("Aucun OPCO n'est associé à l'IDCC 3248")
    with pytest.raises(ValidationError) as error:
        services.employer_save(acting_user=holder_user, name="X", siret="73282932000079", idcc="1516")
    assert "clé de contrôle est incorrecte" in error.value.message_dict["siret"][0]
    assert not Employer.objects.exists()


def test_candidate_nir_is_validated(holder_user):
    with pytest.raises(ValidationError) as error:
        services.candidate_save(
            acting_user=holder_user, first_name="A", last_name="B", birth_date="1990-01-01", nir="295109912611194"
        )
    assert "NIR" in error.value.message_dict["nir"][0]
    candidate = services.candidate_save(
        acting_user=holder_user, first_name="A", last_name="B", birth_date="1990-01-01", nir="2 53 07 2B 073 004 70"
    )
    assert Candidate.objects.get(pk=candidate.pk).nir == "253072B07300470"
    # The NIR is kept out of the field history.
    assert not hasattr(candidate.history.first(), "nir")


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("faux.pdf", b"Bonjour, ceci n'est pas un PDF", "Format non accepté : déposez un PDF, un PNG ou un JPEG."),
        ("vide.pdf", b"", "Le fichier est vide."),
        ("gros.pdf", b"%PDF-" + b"0" * (10 * 1024 * 1024), "Le fichier dépasse 10 Mo (10.0 Mo)."),
    ],
)
def test_uploads_are_checked_by_content(db, settings, tmp_path, name, content, message):
    settings.MEDIA_ROOT = tmp_path
    pathway = PathwayFactory()
    user = staff_of(pathway)["project_holder"]
    with pytest.raises(ValidationError) as error:
        services.document_add(
            acting_user=user, pathway=pathway, kind="other", uploaded_file=SimpleUploadedFile(name, content)
        )
    assert error.value.message_dict["file"] == [message]
    assert not Document.objects.exists()


def test_upload_is_stored_under_a_random_name(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    pathway = PathwayFactory()
    user = staff_of(pathway)["project_holder"]
    document = services.document_add(
        acting_user=user, pathway=pathway, kind="other", uploaded_file=SimpleUploadedFile("photo.png", PNG_BYTES)
    )
    assert document.content_type == "image/png" and document.original_name == "photo.png"
    assert "photo" not in document.file.name and document.file.name.startswith(f"documents/{pathway.pk}/")
    pdf = services.document_add(acting_user=user, pathway=pathway, kind="feasibility_study", uploaded_file=pdf_upload())
    assert pdf.content_type == "application/pdf"


def test_decisions_belong_to_their_phase_and_role(db):
    pathway = PathwayFactory()
    staff = staff_of(pathway)
    with pytest.raises(ValidationError, match="n'est possible qu'en phase : accompagnement"):
        services.support_opinion_record(
            acting_user=staff["companion"], pathway=pathway, job_match=True, pedagogical_path=True
        )
    with pytest.raises(PermissionDenied):
        services.admissibility_record(acting_user=staff["companion"], pathway=pathway, decision="admissible")
    with pytest.raises(PermissionDenied):
        services.jury_session_set(acting_user=staff["opco"], pathway=pathway, session_date="2026-06-01")


def test_companion_cannot_be_removed_after_positioning(db, settings, tmp_path):
    from tests.pathways.factories import walk_to

    settings.MEDIA_ROOT = tmp_path
    pathway = PathwayFactory()
    staff = staff_of(pathway)
    pathway = walk_to(pathway, "support", staff)
    with pytest.raises(ValidationError) as error:
        services.pathway_update(acting_user=staff["project_holder"], pathway=pathway, companion=None)
    assert error.value.message_dict == {
        "companion": ["Un accompagnateur est indispensable après la phase de positionnement."]
    }


def test_employer_without_agreement_keeps_its_opco_on_edit(holder_user):
    atlas = Organisation.objects.get(code="ATLAS")
    employer = services.employer_save(
        acting_user=holder_user, name="X", siret="73282932000074", idcc="9999", opco=atlas
    )
    employer = services.employer_save(acting_user=holder_user, employer=employer, name="X et fils")
    assert (employer.name, employer.opco) == ("X et fils", atlas)
