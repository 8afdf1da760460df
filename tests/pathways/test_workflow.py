import pytest
from django.core.exceptions import PermissionDenied

from pathways import services, workflow
from pathways.enums import OPEN_PHASES, PHASE_ORDER, PathwayPhase
from pathways.models import Pathway, PathwayTransition
from tests.pathways.factories import (
    PathwayFactory,
    candidate_account,
    ensure_plan,
    fulfil_guards,
    record_jury,
    staff_of,
    walk_to,
)
from vae_inversee.accounts.enums import Role

# Every (source phase, transition) pair of the table, with every role.
TRIPLES = [
    (source, transition.name, role)
    for transition in workflow.TRANSITIONS
    for source in sorted(transition.sources)
    for role in Role.values
]


def test_the_table_states_the_whole_graph():
    """Pure Python: the graph of product.md section 3, no database."""
    forward = {(t.name, s, t.target) for t in workflow.TRANSITIONS for s in t.sources if t.target != "abandoned"}
    assert forward == {
        ("start_support", "positioning", "support"),
        ("request_admissibility", "support", "admissibility"),
        ("start_delivery", "admissibility", "delivery"),
        ("start_evaluation", "delivery", "evaluation"),
        ("complete", "evaluation", "completed"),
        ("renew", "evaluation", "delivery"),
    }
    assert workflow.find("delivery", "abandoned").roles == {Role.PROJECT_HOLDER, Role.COMPANION}
    for phase in OPEN_PHASES:
        assert workflow.find(phase, "abandoned") is not None
    assert workflow.find("completed", "abandoned") is None
    assert workflow.find("abandoned", "positioning") is None
    assert workflow.find("positioning", "delivery") is None


@pytest.mark.parametrize(("source", "name", "role"), TRIPLES)
def test_every_phase_transition_role_triple(db, settings, tmp_path, source, name, role):
    settings.MEDIA_ROOT = tmp_path
    transition = next(t for t in workflow.TRANSITIONS if t.name == name)
    pathway = PathwayFactory()
    staff = staff_of(pathway)
    if role == Role.CANDIDATE:
        # The candidate sees their pathway and moves none of its phases.
        staff[role] = candidate_account(pathway, staff)
    pathway = walk_to(pathway, source, staff)
    if transition.name == "renew":
        record_jury(pathway, staff, outcome="none")
    elif transition.target != PathwayPhase.ABANDONED:
        fulfil_guards(pathway, transition.target, staff)
    comment = "Le candidat a trouvé un autre emploi." if transition.target == PathwayPhase.ABANDONED else ""
    before = PathwayTransition.objects.filter(pathway=pathway).count()

    if role in transition.roles:
        moved = services.pathway_transition(
            acting_user=staff[role], pathway=pathway, to=transition.target, comment=comment
        )
        assert moved.phase == transition.target
        log = PathwayTransition.objects.filter(pathway=pathway).latest("id")
        assert (log.from_phase, log.to_phase, log.by) == (source, transition.target, staff[role])
        assert PathwayTransition.objects.filter(pathway=pathway).count() == before + 1
    else:
        # The certifier does not see a pathway before admissibility: outside its scope, not a role question.
        visible = Pathway.objects.visible_to(staff[role]).filter(pk=pathway.pk).exists()
        expected = (
            f"Votre rôle ne permet pas l'action « {transition.label} »" if visible else "pas dans votre périmètre"
        )
        with pytest.raises(PermissionDenied, match=expected):
            services.pathway_transition(acting_user=staff[role], pathway=pathway, to=transition.target, comment=comment)
        pathway.refresh_from_db()
        assert pathway.phase == source
        assert PathwayTransition.objects.filter(pathway=pathway).count() == before


@pytest.mark.parametrize("source", PHASE_ORDER + [PathwayPhase.ABANDONED])
def test_moves_outside_the_graph_are_refused_with_the_reason(db, settings, tmp_path, source):
    settings.MEDIA_ROOT = tmp_path
    pathway = PathwayFactory()
    staff = staff_of(pathway)
    if source == PathwayPhase.ABANDONED:
        pathway = services.pathway_transition(
            acting_user=staff["project_holder"], pathway=pathway, to="abandoned", comment="Rupture du contrat"
        )
    else:
        pathway = walk_to(pathway, source, staff)
    legal = {t.target for t in workflow.TRANSITIONS if source in t.sources}
    for target in set(PathwayPhase.values) - legal - {source}:
        with pytest.raises(services.TransitionRefused) as refused:
            services.pathway_transition(acting_user=staff["project_holder"], pathway=pathway, to=target)
        assert refused.value.unmet == [
            f"Un parcours en phase « {PathwayPhase(source).label} » ne peut pas passer en « {PathwayPhase(target).label} »."
        ]


def test_positioning_lists_every_unmet_condition(db):
    pathway = PathwayFactory(companion=None, target_blocks=[])
    staff = staff_of(pathway)
    with pytest.raises(services.TransitionRefused) as refused:
        services.pathway_transition(acting_user=staff["project_holder"], pathway=pathway, to="support")
    assert refused.value.detail == "Le parcours ne peut pas passer en « Accompagnement »."
    assert refused.value.unmet == [
        "Les blocs de compétences visés doivent être choisis.",
        "La pièce « Étude de faisabilité » doit être déposée.",
        "La pièce « Diagnostic de compétences (positionnement) » doit être déposée.",
        "Un accompagnateur doit être désigné pour le parcours.",
    ]


def test_support_needs_a_favourable_opinion_on_both_points(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    pathway = PathwayFactory()
    staff = staff_of(pathway)
    pathway = walk_to(pathway, "support", staff)
    # The plan's own guards are tested in tests/pathways/test_plan.py.
    pathway = ensure_plan(pathway, staff)
    with pytest.raises(services.TransitionRefused) as refused:
        services.pathway_transition(acting_user=staff["companion"], pathway=pathway, to="admissibility")
    assert refused.value.unmet == [
        "L'accompagnateur n'a pas encore rendu son avis (adéquation poste ↔ certification et parcours pédagogique)."
    ]
    services.support_opinion_record(
        acting_user=staff["companion"], pathway=pathway, job_match=False, pedagogical_path=False
    )
    with pytest.raises(services.TransitionRefused) as refused:
        services.pathway_transition(acting_user=staff["companion"], pathway=pathway, to="admissibility")
    assert refused.value.unmet == [
        "L'avis de l'accompagnateur n'est pas favorable sur l'adéquation du poste à la certification et le parcours pédagogique."
    ]


def test_admissibility_needs_the_certifier_and_a_valid_contract(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    pathway = PathwayFactory()
    staff = staff_of(pathway)
    pathway = walk_to(pathway, "admissibility", staff)
    with pytest.raises(services.TransitionRefused) as refused:
        services.pathway_transition(acting_user=staff["project_holder"], pathway=pathway, to="delivery")
    assert refused.value.unmet == [
        "Le certificateur n'a pas encore rendu sa décision de recevabilité.",
        # The plan's actions lie inside the contract: walking to admissibility recorded it (its checks are
        # tested in test_contracts.py and below).
        # Registered by the funding app (FundingConfig.ready): one line in the workflow table.
        "Le dossier de financement n'est pas encore accordé par l'OPCO.",
    ]
    services.admissibility_record(
        acting_user=staff["certifier"], pathway=pathway, decision="not_admissible", comment="Dossier incomplet"
    )
    with pytest.raises(services.TransitionRefused) as refused:
        services.pathway_transition(acting_user=staff["project_holder"], pathway=pathway, to="delivery")
    assert refused.value.unmet[0] == "Le certificateur a déclaré le dossier non recevable."


def test_delivery_needs_a_started_contract_and_a_jury_date(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    pathway = PathwayFactory()
    staff = staff_of(pathway)
    pathway = walk_to(pathway, "delivery", staff)
    with pytest.raises(services.TransitionRefused) as refused:
        services.pathway_transition(acting_user=staff["companion"], pathway=pathway, to="evaluation")
    assert refused.value.unmet == [
        "Le certificateur n'a pas encore fixé la date de la session de jury.",
        # Registered by the evaluation app.
        "L'accompagnateur n'a enregistré aucune progression pendant la mise en œuvre.",
    ]


def test_abandon_needs_a_reason_and_keeps_it(db):
    pathway = PathwayFactory()
    staff = staff_of(pathway)
    with pytest.raises(services.TransitionRefused) as refused:
        services.pathway_transition(acting_user=staff["companion"], pathway=pathway, to="abandoned", comment="  ")
    assert refused.value.unmet == ["Le motif de l'abandon est obligatoire."]
    pathway = services.pathway_transition(
        acting_user=staff["companion"], pathway=pathway, to="abandoned", comment="Déménagement du candidat"
    )
    assert pathway.abandon_reason == "Déménagement du candidat"
    assert pathway.transitions.get().comment == "Déménagement du candidat"


def test_a_guard_is_added_with_one_line(db):
    pathway = PathwayFactory()

    def never(pathway, comment=""):
        return "Condition ajoutée par une autre application."

    transition = workflow.find("positioning", "support")
    workflow.add_guard(PathwayPhase.SUPPORT, never)
    try:
        assert "Condition ajoutée par une autre application." in transition.unmet(pathway)
    finally:
        transition.guards.remove(never)


def test_moves_for_tells_each_user_what_is_missing(db):
    pathway = PathwayFactory(companion=None)
    staff = staff_of(pathway)
    (move,) = workflow.moves_for(pathway, staff["project_holder"])
    assert move.transition.target == "support" and move.allowed_role and not move.possible
    assert "Un accompagnateur doit être désigné pour le parcours." in move.unmet
    (move,) = workflow.moves_for(pathway, staff["opco"])
    assert not move.allowed_role
    assert workflow.can_abandon(pathway, staff["project_holder"])
    assert not workflow.can_abandon(pathway, staff["certifier"])


def test_transition_mails_the_people_concerned_on_commit(
    db, settings, tmp_path, mailoutbox, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    pathway = PathwayFactory()
    staff = staff_of(pathway)
    with django_capture_on_commit_callbacks(execute=True):
        walk_to(pathway, "support", staff)
    (mail,) = mailoutbox
    assert mail.subject.endswith(": Information et positionnement → Accompagnement")
    assert mail.to == [pathway.companion.email]  # the acting project holder is not mailed about their own move
