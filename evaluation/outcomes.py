"""When a pathway ended and when its six-month situation is due: the dates the service, the pathway
page and the daily reminder share (product.md section 8)."""

import datetime

from django.utils import timezone

from evaluation.enums import SIX_MONTHS, OutcomeMoment
from vae_inversee.lib.dates import add_months


def ended_on(pathway) -> datetime.date:
    """The day the pathway was completed or abandoned (its last phase change)."""
    return timezone.localdate(pathway.phase_changed_at)


def six_months_due_on(pathway) -> datetime.date:
    return add_months(ended_on(pathway), SIX_MONTHS)


def moments_open(pathway, recorded, today=None) -> list[str]:
    """The moments whose situation may be recorded now, given the moments already `recorded`."""
    today = today or timezone.localdate()
    moments = [] if OutcomeMoment.EXIT in recorded else [OutcomeMoment.EXIT]
    if OutcomeMoment.SIX_MONTHS not in recorded and today >= six_months_due_on(pathway):
        moments.append(OutcomeMoment.SIX_MONTHS)
    return moments
