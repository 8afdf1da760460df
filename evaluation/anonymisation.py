"""Anonymisation of the candidates whose pathways all closed longer ago than the retention period
(settings.PERSONAL_DATA_RETENTION_DAYS; RGPD art. 5.1.e), run every night by Celery beat
(evaluation.anonymisation_tasks) or by `manage.py anonymise_expired`.

Here, above pathways and funding, because a candidate's data spread over the three apps: each app erases
its own rows (pathways.personal_data, funding.personal_data), this module its evaluation records and the
names in the notifications, in one transaction per candidate. The indicators (evaluation.indicators) give
the same figures before and after: phases and their dates, juries and blocks, funding amounts are kept.
A candidate with a pathway still open, or closed within the period, is left alone; an anonymised one is
marked (`anonymised_at`) and never processed again.
"""

import datetime
import logging

from django.conf import settings
from django.db import transaction
from django.db.models import Value
from django.db.models.functions import Replace
from django.utils import timezone

from evaluation import indicator_version
from evaluation.models import Assessment, Jury
from funding.personal_data import funding_anonymise
from pathways.models import Candidate, Pathway
from pathways.personal_data import pathways_anonymise
from vae_inversee.accounts.models import Organisation
from vae_inversee.notifications.models import Notification
from vae_inversee.webhooks.models import Tombstone
from vae_inversee.webhooks.services import tombstone

logger = logging.getLogger(__name__)


def retention_cutoff(now=None) -> datetime.datetime:
    return (now or timezone.now()) - datetime.timedelta(days=settings.PERSONAL_DATA_RETENTION_DAYS)


def anonymisable_candidates(now=None):
    """Not yet anonymised, with pathways, all closed (completed or abandoned) before the cutoff."""
    pathways = Pathway.objects.order_by()
    return (
        Candidate.objects.filter(anonymised_at__isnull=True, pk__in=pathways.values("candidate_id"))
        .exclude(pk__in=pathways.open().values("candidate_id"))
        .exclude(pk__in=pathways.filter(phase_changed_at__gt=retention_cutoff(now)).values("candidate_id"))
    )


def candidate_anonymise(*, candidate_id, now=None) -> bool:
    """Anonymise one candidate if they still qualify (checked under lock); False when there was nothing to do."""
    now = now or timezone.now()
    with transaction.atomic():
        # Lock the candidate's pathways, then check again: nothing reopens or starts meanwhile.
        list(Pathway.objects.select_for_update().filter(candidate_id=candidate_id).values_list("pk", flat=True))
        candidate = anonymisable_candidates(now).select_for_update().filter(pk=candidate_id).first()
        if candidate is None:
            return False
        name = str(candidate)
        pathways = Pathway.objects.filter(candidate_id=candidate_id)
        files = pathways_anonymise(candidate, at=now)
        files += funding_anonymise(pathways)
        for model in (Assessment, Jury):
            model.objects.filter(pathway__in=pathways).update(comment="")
        Jury.history.filter(pathway__in=pathways).update(comment="")
        # The inbox messages name the candidate ("Le parcours VAEI-… (Aminata Diallo) est passé…").
        candidate.refresh_from_db(fields=["first_name", "last_name"])
        Notification.objects.filter(body__contains=name).update(
            body=Replace("body", Value(name), Value(str(candidate)))
        )
        # The sync feed: clients drop what they copied of this person.
        holders = set(pathways.values_list("project_holder_id", flat=True))
        tombstone("candidates", candidate_id, Tombstone.Reason.ANONYMISED, Organisation.objects.filter(pk__in=holders))
        transaction.on_commit(lambda: _delete_files(files))
        # Written with update(): no model signal; the kept counts and options must not show the old name.
        indicator_version.bump()
    return True


def anonymise_expired(now=None) -> list[int]:
    """Every candidate past the retention period, one transaction each; the ids anonymised."""
    now = now or timezone.now()
    return [
        pk
        for pk in list(anonymisable_candidates(now).order_by("pk").values_list("pk", flat=True))
        if candidate_anonymise(candidate_id=pk, now=now)
    ]


def _delete_files(files):
    for storage, name in files:
        try:
            storage.delete(name)
        except OSError:
            # The row no longer points to it as a live file; logged by its random name, never a person's.
            logger.warning("Fichier non supprimé lors de l'anonymisation : %s", name, exc_info=True)
