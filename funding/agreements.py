"""What the agreement PDF (accord de prise en charge) shows."""

from django.utils import timezone

from funding.enums import CATEGORIES, FundingCategory, FundingStatus
from funding.money import format_euros


def agreement_context(funding_file) -> dict:
    pathway = funding_file.pathway
    rows = []
    for category in CATEGORIES:
        approved = getattr(funding_file, f"approved_{category}")
        rows.append(
            {
                "label": FundingCategory(category).label,
                "cap": format_euros(getattr(funding_file, f"cap_{category}")),
                "requested": format_euros(getattr(funding_file, f"requested_{category}")),
                "approved": format_euros(approved) if approved is not None else "—",
            }
        )
    approved_total = funding_file.approved_total
    return {
        "file": funding_file,
        "pathway": pathway,
        "approved": funding_file.status == FundingStatus.APPROVED,
        "rows": rows,
        "cap_total": format_euros(funding_file.cap_total),
        "requested_total": format_euros(funding_file.requested_total),
        "approved_total": format_euros(approved_total) if approved_total is not None else "—",
        "decided_at": timezone.localtime(funding_file.decided_at),
        "decided_by": funding_file.decided_by,
        "targeted_blocks": list(pathway.target_blocks.order_by("code")),
        "contract": getattr(pathway, "contract", None),
    }
