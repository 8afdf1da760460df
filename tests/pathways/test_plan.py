"""The pedagogical plan (product.md section 11): its rules, its guards on support → admissibility, and the
funding that follows it."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from funding import services as funding_services
from funding.plan import plan_amounts
from pathways import services
from pathways.models import PlanAction
from tests.funding.factories import funded_pathway, submitted_file
from tests.pathways.factories import PROVIDER_SIRET, PathwayFactory, add_contract, ensure_plan, staff_of, walk_to
from vae_inversee.lib.money import format_euros


@pytest.fixture
def setup(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    pathway = PathwayFactory()
    add_contract(pathway)
    return pathway, staff_of(pathway)


def save(pathway, staff, **overrides):
    data = {
        "kind": "training", "title": "Formation", "provider_name": "Organisme", "provider_siret": PROVIDER_SIRET,
        "planned_hours": Decimal("35"), "start_date": datetime.date(2025, 10, 1),
        "end_date": datetime.date(2025, 12, 1), "cost": Decimal("1000.00"),
        "skill_blocks": list(pathway.target_blocks.all()),
    }  # fmt: skip
    data.update(overrides)
    return services.plan_action_save(acting_user=staff["project_holder"], pathway=pathway, **data)


def test_category_and_contract_year_are_derived(setup):
    pathway, staff = setup
    assert save(pathway, staff).category == "teaching"
    assert save(pathway, staff, kind="afest").category == "teaching"
    assert save(pathway, staff, kind="evaluation_session").category == "teaching"
    assert save(pathway, staff, kind="design").category == "design"
    assert save(pathway, staff, kind="vae_support").category == "support"
    work = save(pathway, staff, kind="work_activity", cost=Decimal("0"), provider_name="", provider_siret="")
    assert work.category is None and work.contract_year == 1


def test_the_second_contract_year_starts_twelve_months_after_the_contract(db, settings, tmp_path):
    pathway = PathwayFactory()
    add_contract(pathway, end_date=datetime.date(2027, 3, 14))
    staff = staff_of(pathway)
    assert (
        save(pathway, staff, start_date=datetime.date(2026, 9, 14), end_date=datetime.date(2026, 9, 14)).contract_year
        == 1
    )
    action = save(pathway, staff, start_date=datetime.date(2026, 9, 15), end_date=datetime.date(2026, 10, 1))
    assert action.contract_year == 2
    assert plan_amounts(pathway, 2).teaching == Decimal("1000.00")


def test_every_bad_field_is_reported_in_french_at_once(setup):
    pathway, staff = setup
    other_block = PathwayFactory().certification.skill_blocks.first()
    with pytest.raises(ValidationError) as refused:
        save(
            pathway, staff, provider_name="", provider_siret="12345678901234", skill_blocks=[other_block],
            start_date=datetime.date(2025, 9, 1), end_date=datetime.date(2025, 10, 1), planned_hours=Decimal("0"),
        )  # fmt: skip
    errors = refused.value.message_dict
    assert errors["provider_name"] == ["Indiquez l'organisme qui réalise l'action."]
    assert "clé de contrôle" in errors["provider_siret"][0]
    assert "ne sont pas visés par le parcours" in errors["skill_blocks"][0]
    assert "pendant le contrat, du 15/09/2025 au 14/09/2026" in errors["start_date"][0]
    assert "planned_hours" in errors
    with pytest.raises(ValidationError) as refused:
        save(pathway, staff, kind="work_activity", cost=Decimal("10"), provider_name="", provider_siret="")
    assert "ne coûte rien" in refused.value.message_dict["cost"][0]
    assert not PlanAction.objects.exists()


def test_only_the_holder_writes_the_plan_and_only_the_companion_records_hours(setup):
    pathway, staff = setup
    with pytest.raises(PermissionDenied):
        services.plan_action_save(acting_user=staff["companion"], pathway=pathway, kind="training")
    action = save(pathway, staff)
    with pytest.raises(ValidationError) as refused:
        # Hours are realised during delivery.
        services.plan_action_realise(acting_user=staff["companion"], plan_action=action, realised_hours=Decimal("3"))
    assert "mise en œuvre" in refused.value.messages[0]
    with pytest.raises(PermissionDenied):
        services.plan_action_realise(acting_user=staff["project_holder"], plan_action=action, realised_hours=1)


def test_the_admissibility_guards_list_theory_and_every_uncovered_block(setup):
    pathway, staff = setup
    pathway = walk_to(pathway, "support", staff)
    services.support_opinion_record(
        acting_user=staff["companion"], pathway=pathway, job_match=True, pedagogical_path=True
    )
    blocks = list(pathway.target_blocks.order_by("code"))
    save(pathway, staff, kind="vae_support", skill_blocks=blocks[:1])
    with pytest.raises(services.TransitionRefused) as refused:
        services.pathway_transition(acting_user=staff["companion"], pathway=pathway, to="admissibility")
    codes = ", ".join(block.code for block in blocks[1:])
    assert refused.value.unmet == [
        "Le plan pédagogique doit comporter un apport théorique : au moins une action « Formation en organisme » ou "
        "« Action de formation en situation de travail (AFEST) ».",
        f"Le plan pédagogique ne couvre pas tous les blocs visés : aucune action pour {codes}.",
    ]
    save(pathway, staff, kind="afest", skill_blocks=blocks[1:])
    assert services.pathway_transition(acting_user=staff["companion"], pathway=pathway, to="admissibility").phase == (
        "admissibility"
    )


def test_a_file_is_refused_above_the_plan_and_prefilled_from_it(setup):
    pathway, staff = setup
    save(pathway, staff, cost=Decimal("7000.00"))
    save(pathway, staff, kind="design", cost=Decimal("300.00"), skill_blocks=[])
    funding_file = funding_services.funding_file_create(acting_user=staff["project_holder"], pathway=pathway)
    # The plan's teaching (7 000 €) is above its cap (6 000 €): the pre-filled file keeps within it.
    assert (funding_file.requested_teaching, funding_file.requested_design, funding_file.requested_support) == (
        Decimal("6000.00"), Decimal("300.00"), Decimal("0.00"),
    )  # fmt: skip
    funding_file = funding_services.funding_file_update(
        acting_user=staff["project_holder"],
        funding_file=funding_file,
        requested=funding_file.requested.__class__.of(teaching="6000.00", design="300.01"),
    )
    with pytest.raises(ValidationError) as refused:
        funding_services.funding_file_submit(acting_user=staff["project_holder"], funding_file=funding_file)
    assert refused.value.message_dict["requested_design"] == [
        f"Conception et coordination : {format_euros(Decimal('300.01'))} demandés dépassent le coût du plan "
        f"pédagogique pour l'année 1 ({format_euros(Decimal('300'))})."
    ]


def test_the_plan_never_falls_below_an_approved_file(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    pathway, staff = funded_pathway()
    funding_file = submitted_file(pathway, staff)
    funding_services.funding_file_approve(
        acting_user=staff["opco"], funding_file=funding_file, approved=funding_file.requested
    )
    training = pathway.plan_actions.get(kind="training")
    with pytest.raises(ValidationError) as refused:
        services.plan_action_save(
            acting_user=staff["project_holder"], pathway=pathway, plan_action=training, cost=Decimal("5999.99")
        )
    assert (
        f"Frais pédagogiques de l'année 1 : le plan ne coûterait plus que {format_euros(Decimal('5999.99'))} pour "
        f"{format_euros(Decimal('6000'))} accordés"
    ) in refused.value.messages[0]
    training_pk = training.pk
    with pytest.raises(ValidationError):
        services.plan_action_delete(acting_user=staff["project_holder"], plan_action=training)
    assert PlanAction.objects.get(pk=training_pk).cost == Decimal("6000.00")
    # Adding to the plan is always possible.
    save(pathway, staff, cost=Decimal("10.00"))


def test_walking_helpers_give_a_valid_plan(setup):
    pathway, staff = setup
    pathway = ensure_plan(pathway, staff)
    assert pathway.plan_actions.filter(kind="training").exists()
