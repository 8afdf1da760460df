"""Jury sessions (product.md section 13, "Bulk"): one date for several candidates, then all their results
at once, with the single jury's rules, all or nothing."""

import datetime

import pytest
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied

from evaluation import selectors, sessions
from evaluation.models import AcquiredBlock, Jury
from pathways.models import Pathway
from tests.pathways.factories import PathwayFactory, record_progress, staff_of, walk_to

SESSION = datetime.date(2026, 10, 1)


def session_of_three():
    """Three pathways of one certification and one certifier: two in evaluation, one in delivery."""
    first = PathwayFactory()
    staff = staff_of(first)
    others = [
        PathwayFactory(
            project_holder=first.project_holder,
            certification=first.certification,
            companion=first.companion,
            employer=first.employer,
        )
        for _ in range(2)
    ]
    evaluated = [walk_to(pathway, "evaluation", staff) for pathway in (first, others[0])]
    delivery = walk_to(others[1], "delivery", staff)
    record_progress(delivery, staff)
    return evaluated, delivery, staff


@pytest.fixture
def session(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return session_of_three()


def schedule(staff, pathways, day=SESSION):
    certification = pathways[0].certification
    return sessions.jury_session_schedule(
        acting_user=staff["certifier"], certification=certification, session_date=day, pathways=pathways
    )


def full(pathway, outcome="full", acquired=None, comment=""):
    blocks = list(pathway.target_blocks.order_by("code"))
    acquired = len(blocks) if acquired is None else acquired
    return {
        "pathway": pathway.pk,
        "outcome": outcome,
        "block_results": [(block.pk, index < acquired) for index, block in enumerate(blocks)],
        "comment": comment,
    }


def record(staff, certification, results, day=SESSION):
    return sessions.jury_session_results_record(
        acting_user=staff["certifier"], certification=certification, session_date=day, results=results
    )


def test_one_date_for_several_candidates_through_the_single_service(session):
    evaluated, delivery, staff = session
    scheduled = schedule(staff, [*evaluated, delivery])
    assert len(scheduled) == 3
    assert set(Pathway.objects.filter(jury_session_date=SESSION).values_list("pk", flat=True)) == {
        pathway.pk for pathway in [*evaluated, delivery]
    }
    (row,) = [row for row in selectors.jury_sessions(staff["certifier"]) if row["session_date"] == SESSION]
    assert (row["candidates"], row["recorded"]) == (3, 0)


def test_scheduling_is_all_or_nothing(session):
    evaluated, delivery, staff = session
    before = [pathway.jury_session_date for pathway in evaluated]
    with pytest.raises(sessions.JurySessionInvalid) as error:
        # Before the contracts' start (15/09/2025): every pathway refused by the single service's guard.
        schedule(staff, evaluated, day=datetime.date(2025, 1, 6))
    assert "session_date" in error.value.details[evaluated[0].pk]
    assert [Pathway.objects.get(pk=p.pk).jury_session_date for p in evaluated] == before
    with pytest.raises(sessions.JurySessionInvalid) as error:
        schedule(staff, [evaluated[0], 999_999_999])
    assert error.value.details[999_999_999] == {NON_FIELD_ERRORS: [sessions.UNKNOWN_PATHWAY]}
    assert Pathway.objects.get(pk=evaluated[0].pk).jury_session_date == before[0]


def test_three_results_recorded_at_once(session):
    evaluated, delivery, staff = session
    schedule(staff, evaluated)
    certification = evaluated[0].certification
    juries = record(staff, certification, [full(evaluated[0], comment="Très bien"), full(evaluated[1], "partial", 1)])
    assert sorted(jury.outcome for jury in juries) == ["full", "partial"]
    assert Jury.objects.get(pathway=evaluated[0]).comment == "Très bien"
    assert AcquiredBlock.objects.filter(candidate=evaluated[1].candidate).count() == 1
    (row,) = [row for row in selectors.jury_sessions(staff["certifier"]) if row["session_date"] == SESSION]
    assert (row["candidates"], row["recorded"]) == (2, 2)


def test_one_wrong_pathway_and_nothing_is_saved_errors_by_pathway_and_block(session):
    evaluated, delivery, staff = session
    schedule(staff, evaluated)
    certification = evaluated[0].certification
    wrong = full(evaluated[1], "full", acquired=1)  # full, yet two blocks not acquired
    blank = full(evaluated[1])
    with pytest.raises(sessions.JurySessionInvalid) as error:
        record(staff, certification, [full(evaluated[0]), wrong])
    assert not Jury.objects.exists()
    assert not AcquiredBlock.objects.exists()
    details = error.value.details
    assert evaluated[0].pk not in details
    blocks = list(evaluated[1].target_blocks.order_by("code"))
    assert details[evaluated[1].pk]["outcome"] == ["Validation totale : tous les blocs visés doivent être validés."]
    assert set(details[evaluated[1].pk]["blocks"]) == {blocks[1].pk, blocks[2].pk}
    assert details[evaluated[1].pk]["blocks"][blocks[1].pk][0].startswith(
        "Validation totale : ce bloc doit être acquis"
    )
    # A block left blank is named; the outcome waits for every block.
    blank["block_results"][0] = (blocks[0].pk, None)
    with pytest.raises(sessions.JurySessionInvalid) as error:
        record(staff, certification, [blank])
    assert error.value.details[evaluated[1].pk] == {
        "blocks": {blocks[0].pk: [f"Indiquez si le bloc {blocks[0].code} est acquis ou non acquis."]}
    }
    # As a plain ValidationError (any door): every message under the pathway's id.
    assert error.value.message_dict == {
        str(evaluated[1].pk): [f"Indiquez si le bloc {blocks[0].code} est acquis ou non acquis."]
    }


def test_absent_with_an_acquired_block_is_told_on_that_block(session):
    evaluated, delivery, staff = session
    schedule(staff, evaluated)
    with pytest.raises(sessions.JurySessionInvalid) as error:
        record(staff, evaluated[0].certification, [full(evaluated[0], "absent", acquired=1)])
    first = evaluated[0].target_blocks.order_by("code").first()
    assert error.value.details[evaluated[0].pk]["blocks"] == {
        first.pk: ["Candidat absent : ce bloc ne peut pas être acquis."]
    }
    assert "outcome" in error.value.details[evaluated[0].pk]


def test_wrong_phase_and_other_session_refused(session):
    evaluated, delivery, staff = session
    schedule(staff, [*evaluated, delivery])
    certification = delivery.certification
    with pytest.raises(sessions.JurySessionInvalid) as error:
        record(staff, certification, [full(evaluated[0]), full(delivery)])
    assert error.value.details[delivery.pk] == {
        NON_FIELD_ERRORS: ["Le résultat du jury s'enregistre en phase d'évaluation."]
    }
    assert not Jury.objects.exists()
    with pytest.raises(sessions.JurySessionInvalid) as error:
        record(staff, certification, [full(evaluated[0])], day=datetime.date(2026, 10, 2))
    assert "n'est pas inscrit à la session du 02/10/2026" in error.value.details[evaluated[0].pk][NON_FIELD_ERRORS][0]
    # Twice: the second finds the result recorded.
    record(staff, certification, [full(evaluated[0])])
    with pytest.raises(sessions.JurySessionInvalid) as error:
        record(staff, certification, [full(evaluated[0])])
    assert error.value.details[evaluated[0].pk] == {
        NON_FIELD_ERRORS: ["Le résultat de ce passage devant le jury est déjà enregistré."]
    }


def test_a_session_to_come_takes_no_result(session):
    evaluated, delivery, staff = session
    later = datetime.date.today() + datetime.timedelta(days=10)
    schedule(staff, evaluated, day=later)
    with pytest.raises(sessions.JurySessionInvalid) as error:
        record(staff, evaluated[0].certification, [full(evaluated[0])], day=later)
    assert error.value.details["session_date"][0].startswith("Les résultats s'enregistrent une fois la session tenue")


def test_another_certifiers_pathway_and_other_roles_refused(session):
    evaluated, delivery, staff = session
    schedule(staff, evaluated)
    stranger = PathwayFactory()
    stranger_staff = staff_of(stranger)
    for run in (
        lambda: schedule(stranger_staff, [evaluated[0]]),
        lambda: sessions.jury_session_results_record(
            acting_user=stranger_staff["certifier"], certification=evaluated[0].certification,
            session_date=SESSION, results=[full(evaluated[0])],
        ),
    ):  # fmt: skip
        with pytest.raises(sessions.JurySessionInvalid) as error:
            run()
        assert error.value.details == {evaluated[0].pk: {NON_FIELD_ERRORS: [sessions.UNKNOWN_PATHWAY]}}
    with pytest.raises(PermissionDenied):
        sessions.jury_session_results_record(
            acting_user=staff["companion"], certification=evaluated[0].certification, session_date=SESSION,
            results=[full(evaluated[0])],
        )  # fmt: skip
    assert not Jury.objects.exists()
