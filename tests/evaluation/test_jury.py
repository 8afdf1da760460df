import itertools

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from evaluation import services
from evaluation.models import AcquiredBlock, Jury
from pathways import services as pathway_services
from tests.pathways.factories import PathwayFactory, record_jury, staff_of, walk_to
from vae_inversee.lib.errors import Conflict

OUTCOMES = ["full", "partial", "none", "absent"]


def coherent(outcome, validated, targeted=3):
    return {
        "full": validated == targeted,
        "partial": 0 < validated < targeted,
        "none": validated == 0,
        "absent": validated == 0,
    }[outcome]


@pytest.fixture
def in_evaluation(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    pathway = PathwayFactory()  # three targeted blocks
    staff = staff_of(pathway)
    return walk_to(pathway, "evaluation", staff), staff


@pytest.mark.parametrize(("outcome", "validated"), list(itertools.product(OUTCOMES, range(4))))
def test_jury_coherence_at_every_combination(in_evaluation, outcome, validated):
    pathway, staff = in_evaluation
    if coherent(outcome, validated):
        jury = record_jury(pathway, staff, outcome=outcome, validated=validated)
        assert (jury.outcome, jury.blocks_targeted, jury.blocks_validated) == (outcome, 3, validated)
        assert AcquiredBlock.objects.filter(candidate=pathway.candidate).count() == validated
    else:
        with pytest.raises(ValidationError) as error:
            record_jury(pathway, staff, outcome=outcome, validated=validated)
        assert "outcome" in error.value.message_dict
        assert not Jury.objects.exists()


@pytest.mark.parametrize(
    ("outcome", "validated"), [(o, v) for o, v in itertools.product(OUTCOMES, range(4)) if not coherent(o, v)]
)
def test_the_database_refuses_incoherent_outcomes(in_evaluation, outcome, validated):
    pathway, staff = in_evaluation
    jury = record_jury(pathway, staff, outcome="partial", validated=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        Jury.objects.filter(pk=jury.pk).update(outcome=outcome, blocks_validated=validated)


def test_results_must_cover_exactly_the_targeted_blocks(in_evaluation):
    pathway, staff = in_evaluation
    first, *_ = pathway.target_blocks.order_by("code")
    with pytest.raises(ValidationError) as error:
        services.jury_record(
            acting_user=staff["certifier"], pathway=pathway, session_date=pathway.jury_session_date,
            outcome="partial", block_results=[(first, True)],
        )  # fmt: skip
    assert error.value.message_dict["block_results"][0].startswith(
        "Indiquez un résultat pour chaque bloc visé, et pour eux seuls. Manquants :"
    )


def test_only_the_certifier_records_and_only_once(in_evaluation):
    pathway, staff = in_evaluation
    with pytest.raises(PermissionDenied):
        services.jury_record(
            acting_user=staff["companion"], pathway=pathway, session_date=pathway.jury_session_date,
            outcome="none", block_results=[],
        )  # fmt: skip
    record_jury(pathway, staff, outcome="none")
    with pytest.raises(Conflict):
        record_jury(pathway, staff, outcome="none")


def test_completion_needs_the_jury_result(in_evaluation):
    pathway, staff = in_evaluation
    with pytest.raises(pathway_services.TransitionRefused) as refused:
        pathway_services.pathway_transition(acting_user=staff["certifier"], pathway=pathway, to="completed")
    assert refused.value.unmet == ["Le résultat du jury n'est pas encore enregistré."]
    record_jury(pathway, staff, outcome="partial", validated=2)
    assert (
        pathway_services.pathway_transition(acting_user=staff["certifier"], pathway=pathway, to="completed").phase
        == "completed"
    )


def test_partial_validation_keeps_the_blocks_for_the_candidate(in_evaluation):
    pathway, staff = in_evaluation
    jury = record_jury(pathway, staff, outcome="partial", validated=2)
    acquired = AcquiredBlock.objects.filter(candidate=pathway.candidate).order_by("skill_block__code")
    assert [a.skill_block.code for a in acquired] == [b.code for b in pathway.target_blocks.order_by("code")[:2]]
    assert all(a.jury == jury and a.acquired_on == jury.session_date for a in acquired)


def test_a_failed_jury_allows_one_renewal(in_evaluation):
    pathway, staff = in_evaluation
    holder = staff["project_holder"]
    with pytest.raises(pathway_services.TransitionRefused) as refused:
        pathway_services.pathway_transition(acting_user=holder, pathway=pathway, to="delivery")
    assert refused.value.unmet == ["Le résultat du jury doit être enregistré avant un renouvellement."]
    record_jury(pathway, staff, outcome="partial", validated=1)
    pathway = pathway_services.pathway_transition(
        acting_user=holder, pathway=pathway, to="delivery", comment="Renouvellement"
    )
    assert pathway.phase == "delivery"
    # A new contract year: the contract is extended, the certifier sets a new session.
    contract = pathway_services.contract_renew(
        acting_user=holder,
        pathway=pathway,
        end_date=pathway.contract.end_date.replace(year=pathway.contract.end_date.year + 1),
    )
    assert contract.end_date.year == 2027
    with pytest.raises(pathway_services.TransitionRefused) as refused:
        pathway_services.pathway_transition(acting_user=staff["companion"], pathway=pathway, to="evaluation")
    assert refused.value.unmet[0].startswith("Après le renouvellement, fixez une nouvelle session de jury")


def test_no_renewal_after_a_full_validation(in_evaluation):
    pathway, staff = in_evaluation
    record_jury(pathway, staff, outcome="full")
    with pytest.raises(pathway_services.TransitionRefused) as refused:
        pathway_services.pathway_transition(acting_user=staff["project_holder"], pathway=pathway, to="delivery")
    assert refused.value.unmet == ["La certification a été entièrement validée : pas de renouvellement."]


def test_progress_is_recorded_on_targeted_blocks_in_positioning_and_delivery(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    pathway = PathwayFactory()
    staff = staff_of(pathway)
    block = pathway.target_blocks.first()
    diagnosis = services.assessment_record(
        acting_user=staff["companion"],
        pathway=pathway,
        skill_block=block,
        level="not_started",
        assessed_at="2025-06-01",
    )
    assert diagnosis.phase == "positioning"
    other = PathwayFactory().target_blocks.first()
    with pytest.raises(ValidationError) as error:
        services.assessment_record(
            acting_user=staff["companion"],
            pathway=pathway,
            skill_block=other,
            level="acquired",
            assessed_at="2025-06-01",
        )
    assert error.value.message_dict == {
        "skill_block": ["Choisissez l'un des blocs de compétences visés par le parcours."]
    }
    with pytest.raises(ValidationError) as error:
        services.assessment_record(
            acting_user=staff["companion"],
            pathway=pathway,
            skill_block=block,
            level="acquired",
            assessed_at="2099-01-01",
        )
    assert error.value.message_dict == {"assessed_at": ["La date du relevé ne peut pas être dans le futur."]}
    with pytest.raises(PermissionDenied):
        services.assessment_record(
            acting_user=staff["certifier"],
            pathway=pathway,
            skill_block=block,
            level="acquired",
            assessed_at="2025-06-01",
        )
    pathway = walk_to(pathway, "support", staff)
    with pytest.raises(ValidationError, match="positionnement"):
        services.assessment_record(
            acting_user=staff["companion"],
            pathway=pathway,
            skill_block=block,
            level="acquired",
            assessed_at="2025-06-01",
        )


def test_evaluation_needs_progress_during_delivery(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    pathway = PathwayFactory()
    staff = staff_of(pathway)
    pathway = walk_to(pathway, "delivery", staff)
    pathway_services.jury_session_set(
        acting_user=staff["certifier"], pathway=pathway, session_date=pathway.contract.end_date
    )
    with pytest.raises(pathway_services.TransitionRefused) as refused:
        pathway_services.pathway_transition(acting_user=staff["companion"], pathway=pathway, to="evaluation")
    assert refused.value.unmet == ["L'accompagnateur n'a enregistré aucune progression pendant la mise en œuvre."]
