"""Personal data in pathways (product.md section 15): the NIR encrypted at rest and masked where shown,
its keys and their rotation, and the log of who opened a candidate's record."""

import pytest
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from pathways import services
from pathways.models import Candidate, CandidateAccess, CandidateAccessKind
from pathways.personal_data import nir_key_status, nir_reencrypt
from tests.accounts.factories import UserFactory
from tests.conftest import api_as
from tests.pathways.factories import CandidateFactory, PathwayFactory, ProjectHolderFactory
from vae_inversee.lib.encryption import EncryptedCharField, UndecryptableValue, looks_encrypted

NIR = "295109912611193"
OTHER_NIR = "190037512345687"
NEW_SALT = "nouveau-sel-de-chiffrement-du-nir-2027"


def stored_nir(candidate) -> str:
    """The column as the database holds it, read past the ORM."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT nir FROM pathways_candidate WHERE id = %s", [candidate.pk])
        return cursor.fetchone()[0]


@pytest.fixture
def holder(db):
    return ProjectHolderFactory()


@pytest.fixture
def holder_user(holder):
    return UserFactory(organisation=holder.organisation)


def register(holder_user, **data):
    defaults = {"first_name": "Aminata", "last_name": "Diallo", "birth_date": "1995-10-12"}
    return services.candidate_save(acting_user=holder_user, **(defaults | data))


# ---- encrypted at rest ------------------------------------------------------------------------------


def test_the_database_column_holds_a_token_never_the_nir(holder_user):
    candidate = register(holder_user, nir="2 95 10 99 126 111 93")

    stored = stored_nir(candidate)
    assert NIR not in stored and "126111" not in stored
    assert looks_encrypted(stored)
    assert Candidate.objects.get(pk=candidate.pk).nir == NIR


def test_two_candidates_with_the_same_nir_have_different_tokens(holder_user):
    first, second = register(holder_user, nir=NIR), register(holder_user, nir=NIR, last_name="Autre")
    assert stored_nir(first) != stored_nir(second)


def test_no_nir_is_stored_empty_not_encrypted(holder_user):
    candidate = register(holder_user, nir="")
    assert stored_nir(candidate) == ""
    assert Candidate.objects.get(pk=candidate.pk).nir == ""
    assert Candidate.objects.filter(nir="").filter(pk=candidate.pk).exists()


def test_the_nir_is_validated_in_clear_before_encryption(holder_user):
    with pytest.raises(ValidationError) as error:
        register(holder_user, nir="295109912611194")
    assert "clé de contrôle" in error.value.message_dict["nir"][0]
    assert not Candidate.objects.exists()


def test_a_refused_nir_does_not_leave_later_reads_encrypted(holder_user):
    """The library's validation flag stayed set after a ValidationError: every later read was ciphertext."""
    candidate = register(holder_user, nir=NIR)
    with pytest.raises(ValidationError):
        register(holder_user, nir="123")
    assert Candidate.objects.get(pk=candidate.pk).nir == NIR


def test_the_nir_stays_out_of_the_history(holder_user):
    candidate = register(holder_user, nir=NIR)
    services.candidate_save(acting_user=holder_user, candidate=candidate, nir=OTHER_NIR)

    assert candidate.history.count() == 2
    history_columns = [column.name for column in connection.introspection.get_table_description(
        connection.cursor(), Candidate.history.model._meta.db_table
    )]  # fmt: skip
    assert "nir" not in history_columns


def test_a_token_no_configured_key_opens_is_an_error_not_a_value(holder_user, settings):
    candidate = register(holder_user, nir=NIR)
    settings.SALT_KEY = [NEW_SALT]  # the old salt forgotten

    with pytest.raises(UndecryptableValue) as error:
        Candidate.objects.get(pk=candidate.pk)
    assert isinstance(error.value, ImproperlyConfigured)
    assert "docs/operations.md" in str(error.value)


def test_a_nir_written_in_clear_before_the_migration_is_still_read(holder):
    candidate = CandidateFactory(project_holder=holder)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE pathways_candidate SET nir = %s WHERE id = %s", [NIR, candidate.pk])
    assert Candidate.objects.get(pk=candidate.pk).nir == NIR
    assert nir_key_status()["plaintext"] == 1


def test_the_field_is_the_project_s_own_subclass():
    assert isinstance(Candidate._meta.get_field("nir"), EncryptedCharField)
    assert Candidate._meta.get_field("nir").db_type(connection) == connection.data_types["TextField"]


# ---- key rotation ---------------------------------------------------------------------------------


def test_rotating_the_salt_re_encrypts_every_nir_with_the_new_one(holder_user, settings):
    old_salts = list(settings.SALT_KEY)
    candidates = [register(holder_user, nir=NIR, last_name=f"C{index}") for index in range(3)]
    register(holder_user, nir="", last_name="Sans")
    before = {candidate.pk: stored_nir(candidate) for candidate in candidates}

    settings.SALT_KEY = [NEW_SALT, *old_salts]
    assert nir_key_status() == {"previous": 3}
    assert nir_reencrypt(batch_size=2) == 3

    assert all(stored_nir(candidate) != before[candidate.pk] for candidate in candidates)
    settings.SALT_KEY = [NEW_SALT]  # the old salt can now be dropped
    assert nir_key_status()["current"] == 3
    assert {candidate.nir for candidate in Candidate.objects.exclude(nir="")} == {NIR}
    assert nir_reencrypt() == 0  # idempotent


def test_rotating_the_secret_key_uses_the_fallbacks(holder_user, settings):
    candidate = register(holder_user, nir=NIR)
    settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]
    settings.SECRET_KEY = "une-toute-nouvelle-cle-secrete-de-production-0123456789"

    assert nir_key_status()["previous"] == 1
    call_command("rotate_nir_key")

    settings.SECRET_KEY_FALLBACKS = []
    assert Candidate.objects.get(pk=candidate.pk).nir == NIR


def test_rotation_refuses_to_write_when_a_nir_is_unreadable(holder_user, settings):
    register(holder_user, nir=NIR)
    settings.SALT_KEY = [NEW_SALT]
    second = register(holder_user, nir=OTHER_NIR, last_name="Nouveau")
    token = stored_nir(second)

    with pytest.raises(CommandError, match="aucune des clés configurées"):
        call_command("rotate_nir_key")
    assert stored_nir(second) == token


def test_rotate_check_fails_while_a_nir_is_under_an_old_key(holder_user, settings, capsys):
    register(holder_user, nir=NIR)
    settings.SALT_KEY = [NEW_SALT, *settings.SALT_KEY]

    with pytest.raises(CommandError, match="rechiffrer"):
        call_command("rotate_nir_key", "--check")
    assert "1 NIR sous une ancienne clé" in capsys.readouterr().out

    call_command("rotate_nir_key")
    call_command("rotate_nir_key", "--check")
    assert "Tous les NIR sont chiffrés avec la clé principale." in capsys.readouterr().out


# ---- masked where shown -----------------------------------------------------------------------------


def test_the_masked_nir_keeps_the_first_digit_and_the_key_only():
    assert Candidate(nir=NIR).masked_nir == "2 ·· ·· ·· ··· ··· 93"
    assert Candidate(nir="").masked_nir == ""


def test_the_candidate_record_shows_the_nir_masked(client, holder, holder_user):
    candidate = CandidateFactory(project_holder=holder, nir=NIR)
    client.force_login(holder_user)

    html = client.get(reverse("pathways:candidate_detail", args=[candidate.pk])).content.decode()

    assert "2 ·· ·· ·· ··· ··· 93" in html
    assert NIR not in html and "0991261" not in html


def test_the_candidate_forms_keep_the_nir_out_of_error_reports(client, holder_user):
    client.force_login(holder_user)
    response = client.post(reverse("pathways:candidate_create"), {"first_name": "", "nir": NIR})
    assert response.wsgi_request.sensitive_post_parameters == ("nir",)


# ---- who opened a record ----------------------------------------------------------------------------


def test_each_view_of_a_candidate_record_is_logged_in_one_insert(client, holder, holder_user):
    candidate = CandidateFactory(project_holder=holder)
    client.force_login(holder_user)
    url = reverse("pathways:candidate_detail", args=[candidate.pk])
    client.get(url)  # warm up (session, the policy's imports)

    with CaptureQueriesContext(connection) as queries:
        client.get(url)

    inserts = [query["sql"] for query in queries if query["sql"].startswith("INSERT")]
    assert len(inserts) == 1 and "pathways_candidateaccess" in inserts[0]
    access = CandidateAccess.objects.first()
    assert (access.candidate, access.user, access.kind) == (candidate, holder_user, CandidateAccessKind.VIEW)
    assert CandidateAccess.objects.filter(candidate=candidate).count() == 2


def test_a_record_out_of_scope_is_a_404_and_nothing_is_logged(client, holder_user):
    other = CandidateFactory()
    client.force_login(holder_user)
    assert client.get(reverse("pathways:candidate_detail", args=[other.pk])).status_code == 404
    assert not CandidateAccess.objects.exists()


def test_each_api_retrieve_of_a_candidate_is_logged(holder, holder_user):
    pathway = PathwayFactory(project_holder=holder, candidate__nir=NIR)
    response = api_as(pathway.companion).get(f"/api/v1/candidates/{pathway.candidate_id}/")

    assert response.status_code == 200 and "nir" not in response.json()
    access = CandidateAccess.objects.get()
    assert (access.user, access.kind) == (pathway.companion, CandidateAccessKind.API)
    # The list is not a reading of one record: not logged.
    api_as(holder_user).get("/api/v1/candidates/")
    assert CandidateAccess.objects.count() == 1


def test_the_access_log_is_read_only_in_the_admin(admin_client, holder, holder_user):
    CandidateAccess.objects.create(
        candidate=CandidateFactory(project_holder=holder), user=holder_user, kind=CandidateAccessKind.VIEW
    )
    access = CandidateAccess.objects.get()

    assert admin_client.get(reverse("admin:pathways_candidateaccess_changelist")).status_code == 200
    assert admin_client.get(reverse("admin:pathways_candidateaccess_change", args=[access.pk])).status_code == 200
    assert admin_client.get(reverse("admin:pathways_candidateaccess_add")).status_code == 403
    assert admin_client.post(reverse("admin:pathways_candidateaccess_delete", args=[access.pk])).status_code == 403
