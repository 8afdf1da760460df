from django.db import models


class FundingStatus(models.TextChoices):
    DRAFT = "draft", "Brouillon"
    SUBMITTED = "submitted", "Transmis à l'OPCO"
    CHANGES_REQUESTED = "changes_requested", "Compléments demandés"
    APPROVED = "approved", "Accordé"
    REJECTED = "rejected", "Refusé"


# The project holder may edit a file in these statuses; the OPCO decides on submitted files only.
EDITABLE_STATUSES = frozenset({FundingStatus.DRAFT, FundingStatus.CHANGES_REQUESTED})
DECIDED_STATUSES = frozenset({FundingStatus.APPROVED, FundingStatus.REJECTED})
# What the OPCO's queue shows (a draft is still the project holder's), in this order.
QUEUE_STATUSES = [
    FundingStatus.SUBMITTED,
    FundingStatus.CHANGES_REQUESTED,
    FundingStatus.APPROVED,
    FundingStatus.REJECTED,
]


class FundingCategory(models.TextChoices):
    TEACHING = "teaching", "Frais pédagogiques"
    DESIGN = "design", "Conception et coordination"
    SUPPORT = "support", "Accompagnement VAE"


CATEGORIES = [FundingCategory.TEACHING, FundingCategory.DESIGN, FundingCategory.SUPPORT]


class PaymentRequestStatus(models.TextChoices):
    """A payment request on an invoice (product.md section 12): submitted → approved | rejected → paid."""

    SUBMITTED = "submitted", "Transmise à l'OPCO"
    APPROVED = "approved", "Acceptée"
    REJECTED = "rejected", "Refusée"
    PAID = "paid", "Payée"


class PaymentBatchStatus(models.TextChoices):
    CREATED = "created", "Créé, à payer"
    PAID = "paid", "Payé"


# What counts against a category's approved amount: every request but the rejected ones.
COUNTED_REQUEST_STATUSES = frozenset(
    {PaymentRequestStatus.SUBMITTED, PaymentRequestStatus.APPROVED, PaymentRequestStatus.PAID}
)
