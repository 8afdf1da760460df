"""The only writers of pathways' data. Each service asks the policy (vae_inversee.lib.policy, with the
actions of pathways.policy) and the workflow, validates everything, then writes atomically."""

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from certifications.models import Certification
from pathways import tasks, workflow
from pathways.contracts import REGISTRATION_AGES, check_contract, follow_contract, within_contract
from pathways.enums import UNPAID_KINDS, AdmissibilityDecision, DocumentKind, PathwayPhase
from pathways.models import (
    Admissibility,
    Candidate,
    Contract,
    Document,
    Employer,
    MessageRead,
    Pathway,
    PathwayAssignment,
    PathwayMessage,
    PathwayNote,
    PathwayTransition,
    PlanAction,
    Project,
    ProjectHolder,
    SupportOpinion,
)
from pathways.plan import follow_plan
from pathways.selectors import unread_messages
from pathways.uploads import inspect_upload
from vae_inversee.accounts.enums import OrganisationKind
from vae_inversee.accounts.selectors import opco_for_idcc
from vae_inversee.lib import policy
from vae_inversee.lib.dates import age_on
from vae_inversee.lib.identifiers import IDCC_NO_AGREEMENT, compact_nir, compact_siret, normalize_idcc
from vae_inversee.lib.validation import checked_save
from vae_inversee.outbox.services import enqueue
from vae_inversee.webhooks.services import emit

OUT_OF_SCOPE = "Ce parcours n'est pas dans votre périmètre."
# Marks an argument left out (None means "no contract" where a contract may be removed).
UNSET = object()
# The key of the PostgreSQL advisory lock every pathway creation takes (the national ceiling).
NATIONAL_CEILING_LOCK = 0x5641_4549
CONTRACT_KEPT = "Le contrat enregistré ne peut pas être retiré ; modifiez-le, ou déclarez un abandon."


class TransitionRefused(Exception):
    """A transition whose guards are not all met; `unmet` lists every reason, in French."""

    def __init__(self, detail, unmet):
        super().__init__(detail)
        self.detail = detail
        self.unmet = unmet


class ContractRefused(ValidationError):
    """The contract's own checks failed (section 5): each message on the contract's field."""


def _project_holder_of(user, action) -> ProjectHolder:
    policy.require_role(user, action)
    try:
        return user.membership.organisation.project_holder
    except ProjectHolder.DoesNotExist:
        raise PermissionDenied("Votre structure n'est pas enregistrée comme porteur de projet lauréat.")


def locked_pathway(user, action, pathway, *related) -> Pathway:
    """Role (403), then the pathway locked and in scope, then the action allowed in its phase.

    The first lines of every service acting on a pathway, here and in the apps above (evaluation).
    """
    policy.require_role(user, action)
    # Only the pathway's row is locked (a related contract may be missing: an outer join).
    pathway = Pathway.objects.select_for_update(of=("self",)).select_related(*related).get(pk=pathway.pk)
    policy.require_visible(user, pathway, OUT_OF_SCOPE)
    policy.authorize(user, action, pathway)
    return pathway


def _save(obj, update_fields=None):
    return checked_save(obj, fields=update_fields)


# ---- candidates and employers --------------------------------------------------------------------


def candidate_save(*, acting_user, candidate=None, **data) -> Candidate:
    project_holder = _project_holder_of(acting_user, "candidate.manage")
    if candidate is None:
        candidate = Candidate(project_holder=project_holder)
    else:
        policy.require_visible(acting_user, candidate, "Ce candidat appartient à un autre porteur de projet.")
    if "nir" in data:
        data["nir"] = compact_nir(data["nir"] or "")
    for name, value in data.items():
        setattr(candidate, name, value)
    # full_clean() first: it turns the values into dates and checks their range, then the age.
    candidate.full_clean()
    youngest, oldest = REGISTRATION_AGES
    if not youngest <= age_on(candidate.birth_date, timezone.localdate()) <= oldest:
        raise ValidationError(
            {"birth_date": [f"Un candidat a entre {youngest} et {oldest} ans : vérifiez la date de naissance."]}
        )
    candidate.save()
    return candidate


def derive_opco(idcc, opco=None, previous=None):
    """The employer's OPCO: from its IDCC through the table; named only with IDCC 9999 (else kept)."""
    if idcc == IDCC_NO_AGREEMENT:
        # Without an agreement the employer's OPCO is kept on an edit that does not restate it.
        opco = opco or previous
        if opco is None:
            raise ValidationError({"opco": "Sans convention collective (IDCC 9999), indiquez l'OPCO de l'employeur."})
        if opco.kind != OrganisationKind.OPCO:
            raise ValidationError({"opco": "Choisissez un OPCO de la liste."})
        return opco
    derived = opco_for_idcc(idcc)
    if derived is None:
        raise ValidationError(
            {
                "idcc": f"Aucun OPCO n'est associé à l'IDCC {idcc} dans la table de correspondance : "
                "vérifiez l'IDCC, ou indiquez 9999 et l'OPCO de l'employeur."
            }
        )
    if opco is not None and opco != derived:
        raise ValidationError({"opco": f"L'OPCO découle de l'IDCC {idcc} ({derived.code}) et ne peut pas être choisi."})
    return derived


def _employer_write(employer, data, opco):
    previous = employer.opco if employer.opco_id and employer.idcc == IDCC_NO_AGREEMENT else None
    for name, value in data.items():
        setattr(employer, name, value)
    employer.siret = compact_siret(employer.siret)
    employer.idcc = normalize_idcc(employer.idcc)
    duplicate = Employer.objects.filter(project_holder_id=employer.project_holder_id, siret=employer.siret)
    if employer.siret and duplicate.exclude(pk=employer.pk).exists():
        raise ValidationError({"siret": "Cet établissement (SIRET) est déjà enregistré par votre structure."})
    employer.opco = derive_opco(employer.idcc, opco, previous)
    return _save(employer)


def employer_save(*, acting_user, employer=None, opco=None, **data) -> Employer:
    project_holder = _project_holder_of(acting_user, "employer.manage")
    if employer is None:
        employer = Employer(project_holder=project_holder)
    else:
        policy.require_visible(acting_user, employer, "Cet employeur appartient à un autre porteur de projet.")
    return _employer_write(employer, data, opco)


def employer_correct(*, acting_user, employer, opco=None, **data) -> Employer:
    """A platform admin corrects an employer (admin site): the OPCO follows the IDCC as anywhere else."""
    policy.require_role(acting_user, "employer.correct")
    return _employer_write(employer, data, opco)


# ---- pathways --------------------------------------------------------------------------------------


def _check_pathway_links(project_holder, candidate, employer, certification, target_blocks, companion):
    errors = {}
    if candidate.project_holder_id != project_holder.pk:
        errors["candidate"] = ["Ce candidat n'appartient pas à votre structure."]
    if employer.project_holder_id != project_holder.pk:
        errors["employer"] = ["Cet employeur n'appartient pas à votre structure."]
    if not Certification.objects.vae_eligible().filter(pk=certification.pk).exists():
        errors["certification"] = [
            f"La certification {certification.code} n'est pas ouverte à la VAE inversée "
            "(elle doit être active et accessible « Par expérience »)."
        ]
    foreign = [block.code for block in target_blocks if block.certification_id != certification.pk]
    if foreign:
        errors["target_blocks"] = [f"Ces blocs n'appartiennent pas à la certification visée : {', '.join(foreign)}."]
    refused = policy.refusal(companion, "pathway.accompany") if companion is not None else None
    if refused:
        errors["companion"] = [refused.reason]
    if errors:
        raise ValidationError(errors)


def _contract_errors(pathway, contract):
    errors = check_contract(pathway=pathway, contract=contract)
    if errors:
        raise ContractRefused(errors)


def _project_for(acting_user, project_holder, project):
    """The accepted project of the holder the pathway opens in; when omitted, its only one with room."""
    if project is not None:
        if project.project_holder_id != project_holder.pk:
            raise ValidationError({"project": ["Ce projet n'appartient pas à votre structure."]})
        policy.authorize(acting_user, "pathway.open_in_project", project)
        return project
    accepted = list(
        Project.objects.accepted()
        .filter(project_holder=project_holder)
        .annotate(opened=Count("pathways"))
        .order_by("pk")
    )
    with_room = [candidate for candidate in accepted if candidate.opened < candidate.granted_pathways]
    if len(with_room) == 1 or (len(accepted) == 1 and not with_room):
        # The only project with room; or the only one, full: its ceiling answers below, named.
        return (with_room or accepted)[0]
    if not accepted:
        raise ValidationError(
            {"project": ["Votre structure n'a aucun projet accepté : aucun parcours ne peut être ouvert."]}
        )
    if not with_room:
        granted = sum(candidate.granted_pathways for candidate in accepted)
        raise ValidationError(
            {
                "project": [
                    f"Les plafonds de tous vos projets acceptés sont atteints ({granted} parcours accordés, "
                    "abandons compris)."
                ]
            }
        )
    raise ValidationError(
        {"project": ["Votre structure a plusieurs projets acceptés : choisissez le projet du parcours."]}
    )


def _check_ceilings(acting_user, project):
    """Under locks: the project opens at most its grant, the experiment at most NATIONAL_PATHWAY_CEILING.

    The project row is locked (select_for_update), and the national count by one lock every creation takes
    (a PostgreSQL advisory lock; SQLite serialises writers anyway): of simultaneous creations exactly the
    remaining room succeeds.
    """
    project = Project.objects.select_for_update().get(pk=project.pk)
    policy.authorize(acting_user, "pathway.open_in_project", project)
    opened = Pathway.objects.filter(project=project).count()
    if opened >= project.granted_pathways:
        raise ValidationError(
            {
                "project": [
                    f"Le plafond du projet {project.reference} est atteint : {opened} parcours ouverts sur "
                    f"{project.granted_pathways} accordés (abandons compris)."
                ]
            }
        )
    lock_national_count()
    national = Pathway.objects.count()
    if national >= settings.NATIONAL_PATHWAY_CEILING:
        raise ValidationError(
            {
                "non_field_errors": [
                    f"Le plafond national de l'expérimentation est atteint : {national} parcours ouverts sur "
                    f"{settings.NATIONAL_PATHWAY_CEILING} (décret 2023-408)."
                ]
            }
        )
    return project


def lock_national_count():
    """One lock for every pathway creation, held until the transaction ends (PostgreSQL)."""
    connection = transaction.get_connection()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [NATIONAL_CEILING_LOCK])


@transaction.atomic
def pathway_create(
    *, acting_user, candidate, employer, certification, target_blocks=(), companion=None, contract=None, project=None
) -> Pathway:
    project_holder = _project_holder_of(acting_user, "pathway.create")
    target_blocks = list(target_blocks)
    _check_pathway_links(project_holder, candidate, employer, certification, target_blocks, companion)
    project = _check_ceilings(acting_user, _project_for(acting_user, project_holder, project))
    pathway = Pathway(
        project_holder=project_holder,
        project=project,
        candidate=candidate,
        employer=employer,
        certification=certification,
        companion=companion,
    )
    if contract is not None:
        _contract_errors(pathway, Contract(pathway=pathway, **contract))
    _save(pathway)
    # The reference and the blocks belong to the creation: one history record ("Création"), not two
    # more empty "Modification" rows.
    pathway.reference = f"VAEI-{timezone.localdate(pathway.created_at):%Y}-{pathway.pk:06d}"
    pathway.skip_history_when_saving = True
    pathway.save(update_fields=["reference"])
    pathway.target_blocks.set(target_blocks)
    del pathway.skip_history_when_saving
    pathway.history.filter(history_type="+").update(reference=pathway.reference)
    if contract is not None:
        Contract.objects.create(pathway=pathway, **contract)
    return pathway


@transaction.atomic
def pathway_update(*, acting_user, pathway, contract=UNSET, **data) -> Pathway:
    """The pathway's links and, when `contract` is given, its contract: both saved, or neither.

    Only the contract sent: its own rules answer (contract.save, in its phases).
    """
    project_holder = _project_holder_of(acting_user, "pathway.update")
    policy.require_visible(acting_user, pathway, OUT_OF_SCOPE)
    if contract is None and Contract.objects.filter(pathway=pathway).exists():
        raise ValidationError({"contract": [CONTRACT_KEPT]})
    if data:
        pathway = locked_pathway(acting_user, "pathway.update", pathway)
        _links_update(acting_user, project_holder, pathway, data)
    if contract not in (UNSET, None):
        _contract_in_update(acting_user, pathway, contract)
    return pathway


def _links_update(acting_user, project_holder, pathway, data):
    changed = {
        name
        for name in ("candidate", "employer", "certification")
        if name in data and data[name] != getattr(pathway, name)
    }
    if "target_blocks" in data and {block.pk for block in data["target_blocks"]} != set(
        pathway.target_blocks.values_list("pk", flat=True)
    ):
        changed.add("target_blocks")
    locked = policy.refusal(acting_user, "pathway.retarget", pathway)
    if changed and locked:
        raise ValidationError({name: [locked.reason] for name in sorted(changed)})
    if "companion" in data and data["companion"] is None:
        policy.authorize(acting_user, "pathway.unassign_companion", pathway)
    target_blocks = data.pop("target_blocks", None)
    for name, value in data.items():
        setattr(pathway, name, value)
    blocks = list(target_blocks) if target_blocks is not None else list(pathway.target_blocks.all())
    _check_pathway_links(
        project_holder, pathway.candidate, pathway.employer, pathway.certification, blocks, pathway.companion
    )
    _save(pathway)
    if target_blocks is not None:
        pathway.target_blocks.set(blocks)


def _contract_in_update(acting_user, pathway, contract):
    try:
        contract_save(acting_user=acting_user, pathway=pathway, **contract)
    except ValidationError as error:
        # Whatever refuses the contract (its checks, its phase) is reported as the contract's.
        raise error if isinstance(error, ContractRefused) else ContractRefused(_error_dict(error))


def _error_dict(error: ValidationError) -> dict:
    return error.message_dict if hasattr(error, "error_dict") else {"non_field_errors": error.messages}


@transaction.atomic
def contract_save(*, acting_user, pathway, **data) -> Contract:
    pathway = locked_pathway(acting_user, "contract.save", pathway)
    contract = getattr(pathway, "contract", None) or Contract(pathway=pathway)
    for name, value in data.items():
        setattr(contract, name, value)
    _contract_errors(pathway, contract)
    try:
        contract.full_clean()
    except ValidationError as error:
        raise ContractRefused(error.message_dict)
    follow_contract(pathway, contract)
    contract.save()
    return contract


@transaction.atomic
def contract_renew(*, acting_user, pathway, end_date) -> Contract:
    """Extend the contract after a renewal (a failed jury): a new contract year on the same pathway."""
    pathway = locked_pathway(acting_user, "contract.renew", pathway)
    contract = pathway.contract
    if end_date <= contract.end_date:
        raise ValidationError({"end_date": [f"La nouvelle date de fin doit suivre le {contract.end_date:%d/%m/%Y}."]})
    contract.end_date = end_date
    _contract_errors(pathway, contract)
    follow_contract(pathway, contract)
    return _save(contract)


# ---- documents and decisions -------------------------------------------------------------------------


def document_add(*, acting_user, pathway, kind, uploaded_file) -> Document:
    policy.require_role(acting_user, "document.add")
    policy.require_visible(acting_user, pathway, OUT_OF_SCOPE)
    policy.authorize(acting_user, "document.add", pathway)
    if kind != DocumentKind.OTHER:
        policy.authorize(acting_user, "document.kind_choose")
    content_type = inspect_upload(uploaded_file)
    document = Document(
        pathway=pathway,
        kind=kind,
        original_name=(uploaded_file.name or "fichier")[:255],
        content_type=content_type,
        size=uploaded_file.size,
        uploaded_by=acting_user,
    )
    document.file = uploaded_file
    document.full_clean(exclude=["file"])
    try:
        with transaction.atomic():
            document.save()
    except Exception:
        # The file is written before the row: do not leave it behind when the insert fails.
        if document.file.name:
            document.file.storage.delete(document.file.name)
        raise
    return document


@transaction.atomic
def document_withdraw(*, acting_user, document) -> Document:
    """Withdraw a wrong piece (a new upload replaces it): kept, marked withdrawn, out of the checks."""
    policy.require_role(acting_user, "document.withdraw")
    pathway = Pathway.objects.select_for_update().get(pk=document.pathway_id)
    policy.require_visible(acting_user, pathway, OUT_OF_SCOPE)
    document = Document.objects.select_for_update().get(pk=document.pk, pathway=pathway)
    document.pathway = pathway
    policy.authorize(acting_user, "document.withdraw", document)
    document.withdrawn_at = timezone.now()
    document.withdrawn_by = acting_user
    document.save(update_fields=["withdrawn_at", "withdrawn_by"])
    return document


@transaction.atomic
def support_opinion_record(*, acting_user, pathway, job_match, pedagogical_path, comment="") -> SupportOpinion:
    pathway = locked_pathway(acting_user, "support_opinion.record", pathway)
    opinion = getattr(pathway, "support_opinion", None) or SupportOpinion(pathway=pathway)
    opinion.job_match, opinion.pedagogical_path, opinion.comment = job_match, pedagogical_path, comment
    opinion.given_by = acting_user
    return _save(opinion)


@transaction.atomic
def admissibility_record(*, acting_user, pathway, decision, comment="") -> Admissibility:
    pathway = locked_pathway(acting_user, "admissibility.record", pathway)
    if decision == AdmissibilityDecision.NOT_ADMISSIBLE and not (comment or "").strip():
        raise ValidationError({"comment": ["Motivez la décision de non-recevabilité."]})
    record = getattr(pathway, "admissibility", None) or Admissibility(pathway=pathway)
    record.decision, record.comment, record.decided_by = decision, comment, acting_user
    _save(record)
    enqueue(tasks.notify_admissibility, record.pk)
    return record


@transaction.atomic
def jury_session_set(*, acting_user, pathway, session_date) -> Pathway:
    pathway = locked_pathway(acting_user, "jury_session.set", pathway)
    contract = getattr(pathway, "contract", None)
    if contract is not None and session_date < contract.start_date:
        raise ValidationError(
            {
                "session_date": [
                    f"La session de jury ne peut pas précéder le début du contrat ({contract.start_date:%d/%m/%Y})."
                ]
            }
        )
    pathway.jury_session_date = session_date
    pathway.save(update_fields=["jury_session_date", "updated_at"])
    enqueue(tasks.notify_jury_session, pathway.pk, str(session_date))
    return pathway


# ---- the pedagogical plan (section 11) -----------------------------------------------------------------

PLAN_FIELDS = ("kind", "title", "provider_name", "provider_siret", "planned_hours", "start_date", "end_date", "cost")


def _plan_action_errors(pathway, action, skill_blocks) -> dict:
    errors: dict[str, list[str]] = {}

    def fail(name, message):
        errors.setdefault(name, []).append(message)

    if action.kind in UNPAID_KINDS:
        if action.cost:
            fail("cost", "Une activité en situation de travail ne coûte rien : indiquez 0 €.")
    else:
        if not (action.provider_name or "").strip():
            fail("provider_name", "Indiquez l'organisme qui réalise l'action.")
        if not action.provider_siret:
            fail("provider_siret", "Indiquez le SIRET de l'organisme qui réalise l'action.")
    targets = set(pathway.target_blocks.values_list("pk", flat=True))
    foreign = [block.code for block in skill_blocks if block.pk not in targets]
    if foreign:
        fail("skill_blocks", f"Ces blocs ne sont pas visés par le parcours : {', '.join(sorted(foreign))}.")
    contract = getattr(pathway, "contract", None)
    if contract is None:
        fail("start_date", "Enregistrez d'abord le contrat : les actions se situent pendant le contrat.")
    elif action.start_date and action.end_date and action.start_date <= action.end_date:
        if not within_contract(contract, action.start_date, action.end_date):
            fail(
                "start_date" if action.start_date < contract.start_date else "end_date",
                f"L'action doit se dérouler pendant le contrat, du {contract.start_date:%d/%m/%Y} "
                f"au {contract.end_date:%d/%m/%Y}.",
            )
    elif action.start_date and action.end_date:
        fail("end_date", "La fin de l'action ne peut pas précéder son début.")
    return errors


@transaction.atomic
def plan_action_save(*, acting_user, pathway, plan_action=None, skill_blocks=None, **data) -> PlanAction:
    """Create or modify an action of the plan; the funding that follows the plan may refuse it (delivery)."""
    pathway = locked_pathway(acting_user, "plan_action.write", pathway, "contract")
    if plan_action is None:
        plan_action = PlanAction(pathway=pathway)
    elif plan_action.pathway_id != pathway.pk:
        raise PermissionDenied(OUT_OF_SCOPE)
    for name, value in data.items():
        if name in PLAN_FIELDS:
            setattr(plan_action, name, value)
    plan_action.provider_siret = compact_siret(plan_action.provider_siret or "")
    plan_action.pathway = pathway
    blocks = (
        list(skill_blocks)
        if skill_blocks is not None
        else list(plan_action.skill_blocks.all())
        if plan_action.pk
        else []
    )
    errors = _plan_action_errors(pathway, plan_action, blocks)
    try:
        plan_action.full_clean()
    except ValidationError as error:
        for name, messages in error.message_dict.items():
            errors.setdefault(name, []).extend(message for message in messages if message not in errors.get(name, []))
    if errors:
        raise ValidationError(errors)
    plan_action.save()
    plan_action.skill_blocks.set(blocks)
    follow_plan(pathway)
    return plan_action


@transaction.atomic
def plan_action_delete(*, acting_user, plan_action) -> None:
    locked_pathway(acting_user, "plan_action.write", plan_action.pathway)
    pathway = plan_action.pathway
    plan_action.delete()
    follow_plan(pathway)


@transaction.atomic
def plan_action_realise(*, acting_user, plan_action, realised_hours) -> PlanAction:
    """The companion records the hours realised of an action (delivery, evaluation)."""
    locked_pathway(acting_user, "plan_action.realise", plan_action.pathway)
    plan_action = PlanAction.objects.select_for_update().get(pk=plan_action.pk)
    if realised_hours is not None and realised_hours < 0:
        raise ValidationError({"realised_hours": ["Le nombre d'heures réalisées ne peut pas être négatif."]})
    plan_action.realised_hours = realised_hours
    return _save(plan_action, update_fields=["realised_hours", "updated_at"])


# ---- working together: messages, internal notes, assignment (product.md section 13) -------------------

BODY_MAX_LENGTH = 5000


def clean_body(body, what="Le message") -> str:
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": [f"{what} est vide : écrivez quelque chose."]})
    if len(body) > BODY_MAX_LENGTH:
        raise ValidationError({"body": [f"{what} compte {BODY_MAX_LENGTH} caractères au plus ({len(body)})."]})
    return body


def message_post(*, acting_user, pathway, body, attachment=None) -> PathwayMessage:
    """Write in the pathway's thread (append-only), with an optional attachment checked like a document."""
    policy.require_role(acting_user, "message.write")
    policy.require_visible(acting_user, pathway, OUT_OF_SCOPE)
    policy.authorize(acting_user, "message.write", pathway)
    errors = {}
    try:
        body = clean_body(body)
    except ValidationError as error:
        errors.update(error.message_dict)
    content_type = ""
    if attachment is not None:
        try:
            content_type = inspect_upload(attachment)
        except ValidationError as error:
            errors["attachment"] = error.message_dict["file"]
    if errors:
        raise ValidationError(errors)
    message = PathwayMessage(
        pathway=pathway,
        author=acting_user,
        organisation=acting_user.organisation,
        body=body,
    )
    if attachment is not None:
        message.attachment = attachment
        message.attachment_name = (attachment.name or "piece-jointe")[:255]
        message.attachment_content_type = content_type
        message.attachment_size = attachment.size
    try:
        with transaction.atomic():
            message.save()
            thread_mark_read(user=acting_user, pathway=pathway)
            enqueue(tasks.notify_message, message.pk)
    except Exception:
        if message.attachment.name:
            message.attachment.storage.delete(message.attachment.name)
        raise
    return message


def thread_mark_read(*, user, pathway) -> None:
    """The user has read the pathway's thread up to now (the unread counters).

    Called by the doors once they have shown the thread, i.e. on a pathway fetched within `visible_to(user)`.
    One upsert (INSERT … ON CONFLICT UPDATE), whether the user read the thread before or not, and only when
    the thread holds a message of others still unread: a page seen again writes nothing, and the unread
    counts kept for the user (`last_read_at` is part of their key) stay valid.
    """
    if not user.is_authenticated:
        return
    if not unread_messages(user).filter(pathway=pathway).exists():
        return
    MessageRead.objects.bulk_create(
        [MessageRead(pathway=pathway, user=user, read_at=timezone.now())],
        update_conflicts=True,
        unique_fields=["pathway", "user"],
        update_fields=["read_at"],
    )


def pathway_note_add(*, acting_user, pathway, body) -> PathwayNote:
    """An internal note, visible only inside the author's organisation."""
    policy.require_role(acting_user, "pathway_note.write")
    policy.require_visible(acting_user, pathway, OUT_OF_SCOPE)
    policy.authorize(acting_user, "pathway_note.write", pathway)
    return PathwayNote.objects.create(
        pathway=pathway, author=acting_user, organisation=acting_user.organisation, body=clean_body(body, "La note")
    )


def check_assignee(acting_user, assignee, action) -> None:
    """Nobody, or an active colleague of the acting user's organisation who may take the action too."""
    if assignee is None:
        return
    membership = assignee.membership_or_none
    if (
        not assignee.is_active
        or membership is None
        or membership.organisation_id != acting_user.membership.organisation_id
        or not policy.may(assignee, action)
    ):
        raise ValidationError({"assignee": ["Choisissez un membre actif de votre organisation (ou personne)."]})


@transaction.atomic
def pathway_assign(*, acting_user, pathway, assignee) -> Pathway:
    """Assign a pathway to a certifier's staff member (or nobody); every change is logged."""
    pathway = locked_pathway(acting_user, "pathway.assign", pathway)
    check_assignee(acting_user, assignee, "pathway.assign")
    previous_id = pathway.assignee_id
    if previous_id == getattr(assignee, "pk", None):
        return pathway
    pathway.assignee = assignee
    pathway.save(update_fields=["assignee", "updated_at"])
    PathwayAssignment.objects.create(pathway=pathway, assignee=assignee, previous_id=previous_id, by=acting_user)
    return pathway


@transaction.atomic
def pathway_work_hand_over(*, acting_user, leaver, successor) -> int:
    """When a member leaves: their assigned pathways and the pathways they accompany go to `successor`.

    Asked by an organisation admin while deactivating `leaver` (vae_inversee.accounts.services). Returns the
    number of pathways handed over. Every assignment change is logged like any other.
    """
    count = 0
    for pathway in Pathway.objects.select_for_update().filter(assignee=leaver):
        previous_id = pathway.assignee_id
        pathway.assignee = successor
        pathway.save(update_fields=["assignee", "updated_at"])
        PathwayAssignment.objects.create(pathway=pathway, assignee=successor, previous_id=previous_id, by=acting_user)
        count += 1
    accompanied = Pathway.objects.select_for_update().filter(companion=leaver)
    if accompanied.exists():
        if successor is None:
            raise ValidationError(
                {
                    "successor": [
                        "Cette personne accompagne des parcours : désignez un·e accompagnateur·rice qui les reprend."
                    ]
                }
            )
        if not policy.may(successor, "pathway.accompany"):
            raise ValidationError(
                {"successor": ["La personne qui reprend les parcours doit être accompagnateur·rice."]}
            )
        for pathway in accompanied:
            pathway.companion = successor
            pathway.save(update_fields=["companion", "updated_at"])
            count += 1
    return count


# ---- the transition ----------------------------------------------------------------------------------


@transaction.atomic
def pathway_transition(*, acting_user, pathway, to, comment="") -> Pathway:
    """The only code that writes `phase`: lock, check role and guards, move, log, notify on commit."""
    pathway = Pathway.objects.select_for_update().get(pk=pathway.pk)
    policy.require_visible(acting_user, pathway, OUT_OF_SCOPE)
    source = pathway.phase
    if to not in PathwayPhase.values:
        raise ValidationError({"to": [f"Phase inconnue : « {to} »."]})
    transition = workflow.find(source, to)
    if transition is None:
        raise TransitionRefused(
            "Changement de phase impossible.",
            [
                f"Un parcours en phase « {PathwayPhase(source).label} » ne peut pas passer en « {PathwayPhase(to).label} »."
            ],
        )
    refused = workflow.role_refusal(transition, acting_user)
    if refused:
        raise PermissionDenied(refused)
    unmet = transition.unmet(pathway, comment)
    if unmet:
        raise TransitionRefused(f"Le parcours ne peut pas passer en « {PathwayPhase(to).label} ».", unmet)

    comment = (comment or "").strip()
    pathway.phase = to
    pathway.phase_changed_at = timezone.now()
    update_fields = ["phase", "phase_changed_at", "updated_at"]
    if transition.records_reason:
        pathway.abandon_reason = comment
        update_fields.append("abandon_reason")
    checked_save(pathway, fields=update_fields)
    log = PathwayTransition.objects.create(
        pathway=pathway, name=transition.name, from_phase=source, to_phase=to, by=acting_user, comment=comment
    )
    enqueue(tasks.notify_transition, log.pk)
    emit("pathway.transitioned", pathway)
    return pathway
