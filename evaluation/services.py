"""The only writers of progress records and jury results."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from evaluation import indicator_version, tasks
from evaluation.enums import (
    EMPLOYED_SITUATIONS,
    JuryOutcome,
    OutcomeContractType,
    OutcomeMoment,
    OutcomeSituation,
    ProgressLevel,
)
from evaluation.models import AcquiredBlock, Assessment, Jury, JuryBlockResult, PathwayOutcome
from evaluation.outcomes import ended_on, six_months_due_on
from evaluation.workflow import current_attempt
from pathways.services import locked_pathway
from vae_inversee.outbox.services import enqueue
from vae_inversee.webhooks.services import emit


def _as_date(value, field):
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value))
    except ValueError:
        raise ValidationError({field: ["Indiquez une date au format AAAA-MM-JJ."]})


@transaction.atomic
def assessment_record(*, acting_user, pathway, level, assessed_at, skill_block=None, comment="") -> Assessment:
    pathway = locked_pathway(acting_user, "assessment.record", pathway)
    errors = {}
    targeted = set(pathway.target_blocks.values_list("pk", flat=True))
    if targeted:
        if skill_block is None or skill_block.pk not in targeted:
            errors["skill_block"] = ["Choisissez l'un des blocs de compétences visés par le parcours."]
    elif skill_block is not None:
        errors["skill_block"] = ["Ce parcours ne vise pas de bloc : la progression porte sur la certification entière."]
    if level not in ProgressLevel.values:
        errors["level"] = ["Niveau inconnu : non commencé, en cours ou acquis."]
    try:
        assessed_at = _as_date(assessed_at, "assessed_at")
    except ValidationError as error:
        # Reported with the other fields' errors, all at once.
        errors.update(error.message_dict)
    else:
        if assessed_at > timezone.localdate():
            errors["assessed_at"] = ["La date du relevé ne peut pas être dans le futur."]
    if errors:
        raise ValidationError(errors)
    assessment = Assessment(
        pathway=pathway,
        skill_block=skill_block,
        level=level,
        assessed_at=assessed_at,
        comment=comment or "",
        phase=pathway.phase,
        recorded_by=acting_user,
    )
    assessment.full_clean()
    assessment.save()
    return assessment


def outcome_errors(outcome, targeted: int, validated: int) -> list[str]:
    """The coherence rules of a jury, in French (the database enforces the same)."""
    if outcome == JuryOutcome.FULL and validated != targeted:
        return ["Validation totale : tous les blocs visés doivent être validés."]
    if outcome == JuryOutcome.PARTIAL and not 0 < validated < targeted:
        return ["Validation partielle : au moins un bloc validé et au moins un bloc non validé."]
    if outcome in (JuryOutcome.NONE, JuryOutcome.ABSENT) and validated:
        label = "Aucune validation" if outcome == JuryOutcome.NONE else "Candidat absent"
        return [f"{label} : aucun bloc ne peut être validé."]
    return []


@transaction.atomic
def jury_record(*, acting_user, pathway, session_date, outcome, block_results, comment="") -> Jury:
    """`block_results`: [(skill_block, validated)], one per targeted block."""
    pathway = locked_pathway(acting_user, "jury.record", pathway, "candidate")
    attempt = current_attempt(pathway)
    errors = {}
    if outcome not in JuryOutcome.values:
        errors["outcome"] = ["Résultat inconnu : validation totale, partielle, aucune validation ou absent."]
    session_date = _as_date(session_date, "session_date")
    if session_date > timezone.localdate():
        errors["session_date"] = ["Le jury ne peut pas être enregistré avant de s'être tenu."]
    targeted = {block.pk: block for block in pathway.target_blocks.all()}
    results = {block.pk: bool(validated) for block, validated in block_results}
    if set(results) != set(targeted):
        missing = sorted(targeted[pk].code for pk in set(targeted) - set(results))
        extra = sorted(str(pk) for pk in set(results) - set(targeted))
        message = "Indiquez un résultat pour chaque bloc visé, et pour eux seuls."
        if missing:
            message += f" Manquants : {', '.join(missing)}."
        if extra:
            message += " Blocs non visés : " + ", ".join(extra) + "."
        errors["block_results"] = [message]
    if not errors:
        problems = outcome_errors(outcome, len(targeted), sum(results.values()))
        if problems:
            errors["outcome"] = problems
    if errors:
        raise ValidationError(errors)
    jury = Jury(
        pathway=pathway,
        attempt=attempt,
        session_date=session_date,
        outcome=outcome,
        blocks_targeted=len(targeted),
        blocks_validated=sum(results.values()),
        comment=comment or "",
        recorded_by=acting_user,
    )
    jury.full_clean()
    jury.save()
    JuryBlockResult.objects.bulk_create(
        [JuryBlockResult(jury=jury, skill_block=targeted[pk], validated=validated) for pk, validated in results.items()]
    )
    indicator_version.bump()  # a bulk insert: no signal
    for pk, validated in results.items():
        if validated:
            AcquiredBlock.objects.get_or_create(
                candidate=pathway.candidate,
                skill_block=targeted[pk],
                defaults={"jury": jury, "acquired_on": session_date},
            )
    enqueue(tasks.notify_jury_result, jury.pk)
    emit("jury.recorded", jury)
    return jury


@transaction.atomic
def outcome_record(*, acting_user, pathway, at, situation, contract_type="") -> PathwayOutcome:
    """The person's situation at the pathway's end (`exit`) or six months later (`six_months`), once each."""
    pathway = locked_pathway(acting_user, "outcome.record", pathway)
    contract_type = contract_type or ""
    errors = {}
    if at not in OutcomeMoment.values:
        errors["at"] = ["Moment inconnu : exit (à la sortie) ou six_months (à six mois)."]
    elif pathway.outcomes.filter(at=at).exists():
        errors["at"] = [f"La situation « {OutcomeMoment(at).label.lower()} » est déjà enregistrée pour ce parcours."]
    elif at == OutcomeMoment.SIX_MONTHS and timezone.localdate() < six_months_due_on(pathway):
        errors["at"] = [
            f"La situation à six mois s'enregistre à partir du {six_months_due_on(pathway):%d/%m/%Y} "
            f"(six mois après la fin du parcours, le {ended_on(pathway):%d/%m/%Y})."
        ]
    if situation not in OutcomeSituation.values:
        errors["situation"] = ["Situation inconnue : " + ", ".join(OutcomeSituation.values) + "."]
    elif situation in EMPLOYED_SITUATIONS and contract_type not in OutcomeContractType.values:
        errors["contract_type"] = ["Indiquez le type de contrat de la personne en emploi : cdi, cdd, interim ou other."]
    elif situation not in EMPLOYED_SITUATIONS and contract_type:
        errors["contract_type"] = ["Le type de contrat ne s'indique que pour une personne en emploi."]
    if errors:
        raise ValidationError(errors)
    outcome = PathwayOutcome(
        pathway=pathway, at=at, situation=situation, contract_type=contract_type, recorded_by=acting_user
    )
    outcome.full_clean()
    outcome.save()
    return outcome
