"""Who sees which progress records and juries: those of the pathways one sees (pathways.scopes)."""

from pathways.models import Pathway
from vae_inversee.accounts.enums import Role
from vae_inversee.lib.policy import Scope


def _through_pathways(records, user):
    return records.filter(pathway__in=Pathway.objects.visible_to(user))


records_visible = Scope(
    {
        Role.MINISTRY: lambda records, user: records,
        Role.PROJECT_HOLDER: _through_pathways,
        Role.COMPANION: _through_pathways,
        Role.OPCO: _through_pathways,
        Role.CERTIFIER: _through_pathways,
    }
)
