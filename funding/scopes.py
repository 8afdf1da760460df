"""Who sees which funding files (product.md section 2); `FundingFile.objects.visible_to(user)` asks here."""

from django.db.models import Exists, OuterRef

from funding.enums import FundingStatus
from pathways.models import Pathway
from vae_inversee.accounts.enums import Role
from vae_inversee.lib.policy import Scope

# A draft is the project holder's work in progress.
DRAFTS = frozenset({FundingStatus.DRAFT})


def _organisation_id(user):
    return user.membership.organisation_id


def _through_pathways(files, user):
    return files.filter(pathway__in=Pathway.objects.visible_to(user))


funding_files_visible = Scope(
    {
        Role.MINISTRY: lambda files, user: files,
        Role.PROJECT_HOLDER: lambda files, user: files.filter(pathway__project_holder_id=_organisation_id(user)),
        # A draft is the project holder's work in progress: the OPCO sees a file once submitted to it.
        Role.OPCO: lambda files, user: files.filter(opco_id=_organisation_id(user)).exclude(status__in=DRAFTS),
        Role.COMPANION: _through_pathways,
        Role.CERTIFIER: _through_pathways,
    }
)


def notes_visible(notes, user, funding_files):
    """Internal notes: those of the user's own organisation, on the funding files the user sees."""
    membership = getattr(user, "membership_or_none", None)
    if membership is None:
        return notes.none()
    return notes.filter(organisation_id=membership.organisation_id, funding_file__in=funding_files)


def pathways_of_opco(pathways, user):
    """An OPCO sees a pathway while one of its funding files that is not a draft is addressed to it
    (product.md section 2): not merely because of the employer's IDCC, and still after an IDCC change."""
    submitted = [status for status in FundingStatus.values if status not in DRAFTS]
    # EXISTS, not a join + DISTINCT: both conditions on the same file, each pathway once, and the lists that
    # read « pathway IN (this) » (messages, unread counts) no longer de-duplicate every file of the OPCO.
    files = pathways.model._meta.get_field("funding_files").related_model.objects.filter(
        pathway=OuterRef("pk"), opco_id=_organisation_id(user), status__in=submitted
    )
    return pathways.filter(Exists(files))


# Payment requests: the holder's own, the OPCO's (through its files), everything for the Ministry.
payment_requests_visible = Scope(
    {
        Role.MINISTRY: lambda requests, user: requests,
        Role.PROJECT_HOLDER: lambda requests, user: requests.filter(
            funding_file__pathway__project_holder_id=_organisation_id(user)
        ),
        Role.OPCO: lambda requests, user: requests.filter(funding_file__opco_id=_organisation_id(user)),
    }
)

# Payment batches: the OPCO's own; a project holder those that pay one of its requests.
payment_batches_visible = Scope(
    {
        Role.MINISTRY: lambda batches, user: batches,
        Role.OPCO: lambda batches, user: batches.filter(opco_id=_organisation_id(user)),
        Role.PROJECT_HOLDER: lambda batches, user: batches.filter(
            requests__funding_file__pathway__project_holder_id=_organisation_id(user)
        ).distinct(),
    }
)

# Bank details: each organisation its own (the OPCO reads its payees' through the batch's export only).
bank_accounts_visible = Scope(
    {
        Role.PROJECT_HOLDER: lambda accounts, user: accounts.filter(organisation_id=_organisation_id(user)),
        Role.OPCO: lambda accounts, user: accounts.filter(organisation_id=_organisation_id(user)),
    }
)
