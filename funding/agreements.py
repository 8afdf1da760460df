"""The agreement PDF (accord de prise en charge): its content, and its one writer (run by a task)."""

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from funding.models import FundingFile
from vae_inversee.lib.errors import Unavailable
from vae_inversee.lib.pdf import render_pdf


def agreement_context(funding_file) -> dict:
    pathway = funding_file.pathway
    approved = funding_file.approved
    caps, requested = funding_file.caps, funding_file.requested
    return {
        "file": funding_file,
        "pathway": pathway,
        "approved": approved is not None,
        "rows": [
            {
                "label": category.label,
                "cap": caps[category],
                "requested": amount,
                "approved": approved[category] if approved else None,
            }
            for category, amount in requested.items()
        ],
        "decided_at": timezone.localtime(funding_file.decided_at),
        "decided_by": funding_file.decided_by,
        "targeted_blocks": list(pathway.target_blocks.order_by("code")),
        "contract": getattr(pathway, "contract", None),
    }


def agreement_store(*, funding_file_id) -> bool:
    """Render and store the decision's PDF once; False when it already exists (idempotent)."""
    with transaction.atomic():
        funding_file = FundingFile.objects.decided().select_for_update().filter(pk=funding_file_id).first()
        if funding_file is None:
            return False
        stored = funding_file.agreement
        if stored and stored.storage.exists(stored.name):
            return False
        content = render_pdf("funding/pdf/agreement.html", agreement_context(funding_file))
        funding_file.agreement.save(funding_file.agreement_filename, ContentFile(content), save=False)
        # update(): the agreement is not part of the audited history.
        FundingFile.objects.filter(pk=funding_file.pk).update(agreement=funding_file.agreement.name)
    return True


def agreement_file(funding_file):
    """The stored PDF, open for reading; Unavailable (a 404 at both doors) until it exists."""
    if not funding_file.agreement:
        raise Unavailable(
            "L'accord de prise en charge n'est pas encore disponible (dossier non décidé ou en cours de génération)."
        )
    try:
        return funding_file.agreement.open("rb")
    except FileNotFoundError:
        raise Unavailable("Le fichier de l'accord de prise en charge est introuvable.")
