"""Jury sessions (product.md section 13, "Bulk"): a certifier sets one date on several pathways of a
certification, then records all their results at once. A session is what a certifier calls one: a
certification and a date (the pathways' `jury_session_date`); no table of its own.

Both writes reuse the single-pathway services (their locks, guards and coherence rules) inside one
transaction: if one pathway is wrong, nothing is saved and every error comes back, by pathway and by block.
"""

import datetime

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from evaluation.enums import JuryOutcome
from evaluation.services import jury_record, outcome_errors
from pathways.models import Pathway
from pathways.services import jury_session_set
from vae_inversee.lib import policy
from vae_inversee.lib.errors import Conflict

UNKNOWN_PATHWAY = "Parcours introuvable, ou hors de votre périmètre."
BLOCKS = "blocks"


class JurySessionInvalid(ValidationError):
    """The session refused as a whole. `details`: {"session_date" | "pathways": [messages], pathway id:
    {"outcome" | "comment" | "block_results" | NON_FIELD_ERRORS: [messages], "blocks": {block id: [messages]}}}.

    As a plain ValidationError (a door that knows nothing of sessions) it reads {"<id>": [every message]}.
    """

    def __init__(self, details):
        self.details = details
        super().__init__({str(key): _flatten(value) for key, value in details.items()})


def _flatten(value) -> list[str]:
    if isinstance(value, dict):
        return [message for inner in value.values() for message in _flatten(inner)]
    return list(value)


def _as_date(value):
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value))
    except ValueError:
        return None


def _refusal_messages(error) -> dict:
    """A single service's refusal as a field map (its 403 and 409 reasons on the pathway as a whole)."""
    if isinstance(error, ValidationError):
        return {key: list(messages) for key, messages in error.message_dict.items()}
    return {NON_FIELD_ERRORS: [str(error)]}


def _pathways_by_id(user, ids) -> dict:
    """The pathways among `ids` the user sees ({id: pathway}); the others are reported as unknown."""
    numbers = [pk for pk in ids if isinstance(pk, int)]
    return Pathway.objects.visible_to(user).select_related("certification").in_bulk(numbers)


def _in_session(pathway, certification, session_date) -> list[str]:
    if pathway.certification_id != certification.pk:
        return [f"Ce parcours vise une autre certification ({pathway.certification.code})."]
    return []


@transaction.atomic
def jury_session_schedule(*, acting_user, certification, session_date, pathways) -> list[Pathway]:
    """Step 1: the same session date on several pathways of `certification` (ids or pathways).

    Each goes through `pathways.services.jury_session_set` (role, scope, phase, contract start).
    """
    policy.require_role(acting_user, "jury_session.set")
    errors: dict = {}
    session_date = _as_date(session_date)
    if session_date is None:
        errors["session_date"] = ["Indiquez la date de la session au format AAAA-MM-JJ."]
    ids = [getattr(pathway, "pk", pathway) for pathway in pathways]
    if not ids:
        errors["pathways"] = ["Cochez au moins un candidat pour cette session."]
    elif len(set(ids)) != len(ids):
        errors["pathways"] = ["Un même parcours figure deux fois."]
    if errors:
        raise JurySessionInvalid(errors)
    found = _pathways_by_id(acting_user, ids)
    scheduled = []
    # Locked in the order of their ids, as any other session would: two sessions never wait on each other.
    for pk in sorted(ids):
        pathway = found.get(pk)
        if pathway is None:
            errors[pk] = {NON_FIELD_ERRORS: [UNKNOWN_PATHWAY]}
            continue
        problems = _in_session(pathway, certification, session_date)
        if problems:
            errors[pk] = {NON_FIELD_ERRORS: problems}
            continue
        try:
            scheduled.append(jury_session_set(acting_user=acting_user, pathway=pathway, session_date=session_date))
        except (ValidationError, PermissionDenied, Conflict) as error:
            errors[pk] = _refusal_messages(error)
    if errors:
        raise JurySessionInvalid(errors)
    return scheduled


def _block_errors(pathway, outcome, answers) -> dict:
    """The checks of `jury_record`, told block by block: a block left blank, a block at odds with the outcome."""
    errors: dict = {}
    targeted = list(pathway.target_blocks.order_by("code"))
    blocks = {}
    for block in targeted:
        validated = answers.get(block.pk)
        if validated is None:
            blocks[block.pk] = [f"Indiquez si le bloc {block.code} est acquis ou non acquis."]
        elif outcome == JuryOutcome.FULL and not validated:
            blocks[block.pk] = ["Validation totale : ce bloc doit être acquis (ou choisissez la validation partielle)."]
        elif outcome in (JuryOutcome.NONE, JuryOutcome.ABSENT) and validated:
            label = JuryOutcome(outcome).label
            blocks[block.pk] = [f"{label} : ce bloc ne peut pas être acquis."]
    extra = sorted(str(pk) for pk in set(answers) - {block.pk for block in targeted})
    if extra:
        errors["block_results"] = ["Blocs non visés par ce parcours : " + ", ".join(extra) + "."]
    if outcome not in JuryOutcome.values:
        errors["outcome"] = [
            "Choisissez le résultat du jury : validation totale, partielle, aucune validation ou absent."
        ]
    elif not any(answers.get(block.pk) is None for block in targeted):
        problems = outcome_errors(outcome, len(targeted), sum(bool(answers[block.pk]) for block in targeted))
        if problems:
            errors["outcome"] = problems
    if blocks:
        errors[BLOCKS] = blocks
    return errors


@transaction.atomic
def jury_session_results_record(*, acting_user, certification, session_date, results) -> list:
    """Step 2: the juries of the session's pathways, all or none.

    `results`: [{"pathway": id or pathway, "outcome", "block_results": [(block id or block, validated or
    None)], "comment"}]. Each pathway must be in the session (this certification, this date); each jury
    goes through `evaluation.services.jury_record` (role, scope, evaluation phase, one result per attempt).
    """
    policy.require_role(acting_user, "jury.record")
    errors: dict = {}
    day = _as_date(session_date)
    if day is None:
        errors["session_date"] = ["Indiquez la date de la session au format AAAA-MM-JJ."]
    elif day > timezone.localdate():
        errors["session_date"] = [
            f"Les résultats s'enregistrent une fois la session tenue, à partir du {day:%d/%m/%Y}."
        ]
    if not results:
        errors["results"] = ["Indiquez le résultat d'au moins un candidat."]
    ids = [getattr(row["pathway"], "pk", row["pathway"]) for row in results]
    if len(set(ids)) != len(ids):
        errors["results"] = ["Un même parcours figure deux fois."]
    if errors:
        raise JurySessionInvalid(errors)
    found = _pathways_by_id(acting_user, ids)
    juries = []
    for pk, row in sorted(zip(ids, results, strict=True), key=lambda item: item[0]):
        pathway = found.get(pk)
        if pathway is None:
            errors[pk] = {NON_FIELD_ERRORS: [UNKNOWN_PATHWAY]}
            continue
        problems = _in_session(pathway, certification, day)
        if not problems and pathway.jury_session_date != day:
            planned = f"le {pathway.jury_session_date:%d/%m/%Y}" if pathway.jury_session_date else "sans date"
            problems = [f"Ce parcours n'est pas inscrit à la session du {day:%d/%m/%Y} (session prévue {planned})."]
        if problems:
            errors[pk] = {NON_FIELD_ERRORS: problems}
            continue
        answers = {getattr(block, "pk", block): validated for block, validated in row.get("block_results") or []}
        refusal = policy.refusal(acting_user, "jury.record", pathway)
        checks = _block_errors(pathway, row.get("outcome"), answers)
        if refusal is not None:
            # The phase or a colleague's result first: the blocks do not matter then.
            errors[pk] = {NON_FIELD_ERRORS: [refusal.reason]}
            continue
        if checks:
            errors[pk] = checks
            continue
        blocks = {block.pk: block for block in pathway.target_blocks.all()}
        try:
            juries.append(
                jury_record(
                    acting_user=acting_user,
                    pathway=pathway,
                    session_date=day,
                    outcome=row["outcome"],
                    block_results=[(blocks[block], bool(validated)) for block, validated in answers.items()],
                    comment=row.get("comment") or "",
                )
            )
        except (ValidationError, PermissionDenied, Conflict) as error:
            errors[pk] = _refusal_messages(error)
    if errors:
        raise JurySessionInvalid(errors)
    return juries
