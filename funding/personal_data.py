"""The funding files' share of a candidate's anonymisation (evaluation.anonymisation calls it).

A decided file keeps its decision whole, down to the database (funding migration 0003): its amounts and
reason stay; only its agreement PDF, which names the candidate and gives their birth date, is rendered
again from the anonymised record. The reasons of the files not decided are free text: erased.
"""

from funding import tasks
from funding.models import FundingFile
from vae_inversee.outbox.services import enqueue

ERASED_REASON = "Motif effacé lors de l'anonymisation des données du candidat."


def funding_anonymise(pathways) -> list[tuple]:
    """Within the caller's transaction: the (storage, name) of the agreement PDFs to delete after commit."""
    files = FundingFile.objects.filter(pathway__in=pathways)
    storage = FundingFile._meta.get_field("agreement").storage
    with_pdf = list(files.exclude(agreement="").values_list("pk", "agreement"))
    files.filter(pk__in=[pk for pk, _ in with_pdf]).update(agreement="")
    undecided = files.exclude(pk__in=files.decided().values("pk"))
    undecided.exclude(decision_reason="").update(decision_reason=ERASED_REASON)
    FundingFile.history.filter(id__in=undecided.values("pk")).exclude(decision_reason="").update(
        decision_reason=ERASED_REASON
    )
    for pk, _ in with_pdf:
        enqueue(tasks.render_agreement, pk)
    return [(storage, name) for _, name in with_pdf]
