"""The median days per phase: the database's `percentile_cont` (PostgreSQL) and the sorted stays (SQLite,
and any database when asked) give the median of the stays the log records: odd and even counts, stays
under a day, moves at the same instant."""

import datetime
import random
import statistics

import pytest
import time_machine
from django.utils import timezone

from evaluation.indicators import phase_durations
from pathways.enums import PHASE_ORDER
from pathways.models import Pathway, PathwayTransition
from tests.accounts.factories import UserFactory
from tests.pathways.factories import PathwayFactory

T0 = timezone.make_aware(datetime.datetime(2026, 1, 5, 9, 0))


@pytest.mark.parametrize("pathway_count", [7, 8])
def test_the_medians_are_those_of_the_logged_stays(db, pathway_count):
    chance = random.Random(pathway_count)
    user = UserFactory(role="project_holder")
    expected = {phase: [] for phase in PHASE_ORDER[:-1]}
    for _ in range(pathway_count):
        moment = T0 + datetime.timedelta(minutes=chance.randrange(0, 60 * 24 * 30))
        with time_machine.travel(moment, tick=False):
            pathway = PathwayFactory()
        # Walk a random number of phases; some moves at the same instant as the one before, some within hours.
        reached = chance.randrange(1, len(PHASE_ORDER))
        times = []
        for index in range(reached):
            moment += datetime.timedelta(minutes=chance.choice([0, 7, 90, 60 * 24 * chance.randrange(1, 200)]))
            with time_machine.travel(moment, tick=False):
                PathwayTransition.objects.create(
                    pathway=pathway, name="advance", by=user,
                    from_phase=PHASE_ORDER[index], to_phase=PHASE_ORDER[index + 1],
                )  # fmt: skip
            times.append(moment)
        expected[PHASE_ORDER[0]].append(times[0] - pathway.created_at)
        for index in range(1, reached):
            expected[PHASE_ORDER[index]].append(times[index] - times[index - 1])

    def days(values):
        return (round(statistics.median(values).total_seconds() / 86400, 1), len(values)) if values else (None, 0)

    figures = {phase: days(values) for phase, values in expected.items()}
    assert phase_durations(Pathway.objects.all()) == figures
    # The stays fetched and sorted (SQLite's way), on any database: the same figures.
    assert phase_durations(Pathway.objects.all(), in_database=False) == figures
