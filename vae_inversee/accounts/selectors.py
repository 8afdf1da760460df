from vae_inversee.accounts.models import IdccOpco, Organisation
from vae_inversee.lib.identifiers import IDCC_NO_AGREEMENT, normalize_idcc


def opco_for_idcc(idcc) -> Organisation | None:
    """The OPCO of an employer from the IDCC of its collective agreement.

    None when the IDCC is 9999 (no agreement: the employer names its OPCO) or unknown.
    """
    code = normalize_idcc(idcc)
    if not code or code == IDCC_NO_AGREEMENT:
        return None
    row = IdccOpco.objects.select_related("opco").filter(idcc=code).first()
    return row.opco if row else None
