"""The candidates' personal data in pathways (product.md section 15; RGPD): who opened a record, the NIR's
keys, and the anonymisation of a candidate's identity and of the free text of their pathways.

The only writers of these rows besides pathways.services. The anonymisation as a whole (eligibility, the
funding and evaluation records, the schedule) is evaluation.anonymisation's, which calls `pathways_anonymise`.
"""

import datetime
from collections import Counter

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import TextField
from django.db.models.functions import Cast

from pathways.models import (
    Admissibility,
    Candidate,
    CandidateAccess,
    CandidateAccessKind,
    Contract,
    Document,
    Pathway,
    SupportOpinion,
)
from vae_inversee.accounts.models import User
from vae_inversee.lib.encryption import UndecryptableValue

ANONYMOUS_FIRST_NAME = "Candidat"
ANONYMISED_DOCUMENT_NAME = "pièce supprimée (anonymisation)"
ANONYMISED_TUTOR = "(anonymisé)"
NIR_BATCH = 500


def anonymous_last_name(candidate) -> str:
    return f"anonymisé n° {candidate.pk}"


# ---- who opened a record ---------------------------------------------------------------------------


def candidate_access_record(*, acting_user, candidate, kind: CandidateAccessKind) -> CandidateAccess:
    """One row (one INSERT): `acting_user` saw `candidate`'s personal data through `kind`."""
    return CandidateAccess.objects.create(candidate=candidate, user=acting_user, kind=kind)


def candidate_list_export_record(*, acting_user, candidates) -> int:
    """One row per candidate of an exported list (two queries whatever their number): the export carries
    their names and birth dates out of the platform, as a record's reading does."""
    ids = list(candidates.order_by().values_list("pk", flat=True))
    CandidateAccess.objects.bulk_create(
        [CandidateAccess(candidate_id=pk, user=acting_user, kind=CandidateAccessKind.LIST_EXPORT) for pk in ids],
        batch_size=500,
    )
    return len(ids)


# ---- the NIR's keys ----------------------------------------------------------------------------------


def _stored_nirs(queryset):
    """(pk, the column as stored): the ciphertext itself, past the field's decryption."""
    return queryset.exclude(nir="").annotate(stored=Cast("nir", TextField())).values_list("pk", "stored")


def nir_key_status() -> Counter:
    """How many NIRs are under the first key ("current"), another configured one ("previous"), none
    ("unreadable"), or still in clear ("plaintext"). Reads only."""
    field = Candidate._meta.get_field("nir")
    return Counter(field.key_status(stored) for _, stored in _stored_nirs(Candidate.objects.all()).iterator())


def nir_reencrypt(*, batch_size=NIR_BATCH) -> int:
    """Encrypt again with the first key every NIR under another key (or in clear); the number rewritten.

    Refuses (UndecryptableValue) before writing anything when a NIR opens with none of the configured keys.
    Each batch is locked, so that a NIR saved meanwhile is not overwritten by the value read before.
    """
    status = nir_key_status()
    if status["unreadable"]:
        raise UndecryptableValue(
            f"{status['unreadable']} NIR ne s'ouvrent avec aucune des clés configurées : remettez l'ancienne clé "
            "(SECRET_KEY_FALLBACKS ou SALT_KEY) avant de rechiffrer. Aucun NIR n'a été modifié."
        )
    field = Candidate._meta.get_field("nir")
    pks = [pk for pk, stored in _stored_nirs(Candidate.objects.order_by("pk")).iterator()]
    rewritten = 0
    for start in range(0, len(pks), batch_size):
        with transaction.atomic():
            rows = _stored_nirs(Candidate.objects.select_for_update().filter(pk__in=pks[start : start + batch_size]))
            for pk, stored in rows:
                if field.key_status(stored) in ("previous", "plaintext"):
                    # update(): the field encrypts with the first key; no history row (the NIR is not in it).
                    Candidate.objects.filter(pk=pk).update(nir=field.to_python(stored))
                    rewritten += 1
    return rewritten


# ---- anonymisation ---------------------------------------------------------------------------------


def pathways_anonymise(candidate, *, at) -> list[tuple]:
    """Erase `candidate`'s identity and the free text of their pathways; keep what the indicators count.

    The caller (evaluation.anonymisation) holds the transaction and the candidate's lock. Writes with
    `update()`: no new history row, and the rows of the history are scrubbed the same way. Returns the
    (storage, name) of the stored files to delete once the transaction is committed.

    Kept: the birth year (as 1 January), the qualification, the phases and their dates, the abandon
    reason (an indicator), the juries, the funding. The transition log is append-only down to the database
    (pathways migration 0005): its comments stay.
    """
    identity = {
        "first_name": ANONYMOUS_FIRST_NAME,
        "last_name": anonymous_last_name(candidate),
        "email": "",
        "birth_date": datetime.date(candidate.birth_date.year, 1, 1),
    }
    account_id = Candidate.objects.filter(pk=candidate.pk).values_list("user_id", flat=True).first()
    Candidate.objects.filter(pk=candidate.pk).update(**identity, nir="", anonymised_at=at, updated_at=at, user=None)
    Candidate.history.filter(id=candidate.pk).update(**identity, user=None)
    if account_id:
        # Their own account (« Mon parcours »): unlinked, deactivated, its e-mail and names erased. The row
        # stays (the messages they wrote keep an author), its password unusable: nobody logs in with it.
        User.objects.filter(pk=account_id).update(
            email=f"candidat-anonymise-{candidate.pk}@anonymise.invalid",
            first_name=ANONYMOUS_FIRST_NAME,
            last_name=anonymous_last_name(candidate),
            is_active=False,
            password=make_password(None),
        )

    pathways = Pathway.objects.filter(candidate=candidate)
    pathways.update(updated_at=at)  # the sync feed: their contract and documents changed
    for model in (SupportOpinion, Admissibility):
        model.objects.filter(pathway__in=pathways).update(comment="")
        model.history.filter(pathway__in=pathways).update(comment="")
    # The tutor is a third person named on the candidate's contract.
    Contract.objects.filter(pathway__in=pathways).update(tutor_name=ANONYMISED_TUTOR)
    Contract.history.filter(pathway__in=pathways).update(tutor_name=ANONYMISED_TUTOR)

    documents = Document.objects.filter(pathway__in=pathways)
    storage = Document._meta.get_field("file").storage
    files = [(storage, name) for name in documents.values_list("file", flat=True) if name]
    # Metadata kept (kind, type, size, who, when); the original name often holds the person's name. The
    # file's name stays: a download then answers 404 (file not found) at both doors.
    documents.update(original_name=ANONYMISED_DOCUMENT_NAME)
    return files
