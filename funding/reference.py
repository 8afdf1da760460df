"""The national policy of the experiment, loaded by a migration (and by the demo on a flushed database)."""

import datetime
from decimal import Decimal

DEFAULT_POLICY = {
    "effective_from": datetime.date(2023, 5, 28),
    "label": "Barème national de l'expérimentation (décret 2023-408)",
    "cap_teaching": Decimal("6000.00"),
    "cap_design": Decimal("1000.00"),
    "cap_support": Decimal("2000.00"),
    "cap_total": Decimal("9000.00"),
}


def load_default_policy(FundingPolicy) -> bool:
    """Create the 2023 policy if missing; never rewrites an edited one. Takes the model for migrations."""
    values = dict(DEFAULT_POLICY)
    _, created = FundingPolicy.objects.get_or_create(effective_from=values.pop("effective_from"), defaults=values)
    return created
