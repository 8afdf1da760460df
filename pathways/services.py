"""The only writers of pathways' data. Each service validates everything, then writes atomically."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from pathways import workflow
from pathways.contracts import check_contract
from pathways.enums import OPEN_PHASES, AdmissibilityDecision, PathwayPhase
from pathways.models import (
    Admissibility,
    Candidate,
    Contract,
    Document,
    Employer,
    Pathway,
    PathwayTransition,
    ProjectHolder,
    SupportOpinion,
)
from pathways.uploads import inspect_upload
from vae_inversee.accounts.enums import OrganisationKind, Role
from vae_inversee.accounts.selectors import opco_for_idcc
from vae_inversee.lib.identifiers import IDCC_NO_AGREEMENT, compact_nir, compact_siret, normalize_idcc


class TransitionRefused(Exception):
    """A transition whose guards are not all met; `unmet` lists every reason, in French."""

    def __init__(self, detail, unmet):
        super().__init__(detail)
        self.detail = detail
        self.unmet = unmet


def _require_role(user, *roles, message="Votre rôle ne permet pas cette action."):
    if user.role not in roles:
        raise PermissionDenied(message)


def _require_visible(user, pathway):
    """Safety net behind the views' and the API's 404: nobody acts on a pathway they cannot see."""
    if not Pathway.objects.visible_to(user).filter(pk=pathway.pk).exists():
        raise PermissionDenied("Ce parcours n'est pas dans votre périmètre.")


def _project_holder_of(user) -> ProjectHolder:
    _require_role(user, Role.PROJECT_HOLDER)
    try:
        return user.membership.organisation.project_holder
    except ProjectHolder.DoesNotExist:
        raise PermissionDenied("Votre structure n'est pas enregistrée comme porteur de projet lauréat.")


def _save(obj, update_fields=None):
    obj.full_clean()
    obj.save(update_fields=update_fields)
    return obj


# ---- candidates and employers --------------------------------------------------------------------


def candidate_save(*, acting_user, candidate=None, **data) -> Candidate:
    project_holder = _project_holder_of(acting_user)
    if candidate is None:
        candidate = Candidate(project_holder=project_holder)
    elif candidate.project_holder_id != project_holder.pk:
        raise PermissionDenied("Ce candidat appartient à un autre porteur de projet.")
    if "nir" in data:
        data["nir"] = compact_nir(data["nir"] or "")
    for name, value in data.items():
        setattr(candidate, name, value)
    return _save(candidate)


def employer_save(*, acting_user, employer=None, opco=None, **data) -> Employer:
    project_holder = _project_holder_of(acting_user)
    if employer is None:
        employer = Employer(project_holder=project_holder)
    elif employer.project_holder_id != project_holder.pk:
        raise PermissionDenied("Cet employeur appartient à un autre porteur de projet.")
    previous_opco_id = employer.opco_id if employer.idcc == IDCC_NO_AGREEMENT else None
    for name, value in data.items():
        setattr(employer, name, value)
    employer.siret = compact_siret(employer.siret)
    employer.idcc = normalize_idcc(employer.idcc)
    duplicate = Employer.objects.filter(project_holder=project_holder, siret=employer.siret).exclude(pk=employer.pk)
    if employer.siret and duplicate.exists():
        raise ValidationError({"siret": "Cet établissement (SIRET) est déjà enregistré par votre structure."})
    if employer.idcc == IDCC_NO_AGREEMENT:
        # Without an agreement the employer's OPCO is kept on an edit that does not restate it.
        if opco is None and previous_opco_id:
            opco = employer.opco
        if opco is None:
            raise ValidationError({"opco": "Sans convention collective (IDCC 9999), indiquez l'OPCO de l'employeur."})
        if opco.kind != OrganisationKind.OPCO:
            raise ValidationError({"opco": "Choisissez un OPCO de la liste."})
        employer.opco = opco
    else:
        derived = opco_for_idcc(employer.idcc)
        if derived is None:
            raise ValidationError(
                {
                    "idcc": f"Aucun OPCO n'est associé à l'IDCC {employer.idcc} dans la table de correspondance : "
                    "vérifiez l'IDCC, ou indiquez 9999 et l'OPCO de l'employeur."
                }
            )
        if opco is not None and opco != derived:
            raise ValidationError(
                {"opco": f"L'OPCO découle de l'IDCC {employer.idcc} ({derived.code}) et ne peut pas être choisi."}
            )
        employer.opco = derived
    return _save(employer)


# ---- pathways --------------------------------------------------------------------------------------


def _check_pathway_links(project_holder, candidate, employer, certification, target_blocks, companion):
    errors = {}
    if candidate.project_holder_id != project_holder.pk:
        errors["candidate"] = ["Ce candidat n'appartient pas à votre structure."]
    if employer.project_holder_id != project_holder.pk:
        errors["employer"] = ["Cet employeur n'appartient pas à votre structure."]
    eligible = type(certification).objects.vae_eligible().filter(pk=certification.pk).exists()
    if not eligible:
        errors["certification"] = [
            f"La certification {certification.code} n'est pas ouverte à la VAE inversée "
            "(elle doit être active et accessible « Par expérience »)."
        ]
    foreign = [block.code for block in target_blocks if block.certification_id != certification.pk]
    if foreign:
        errors["target_blocks"] = [f"Ces blocs n'appartiennent pas à la certification visée : {', '.join(foreign)}."]
    if companion is not None and companion.role != Role.COMPANION:
        errors["companion"] = ["La personne désignée n'est pas accompagnateur ou accompagnatrice sur la plateforme."]
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def pathway_create(
    *, acting_user, candidate, employer, certification, target_blocks=(), companion=None, contract=None
) -> Pathway:
    project_holder = _project_holder_of(acting_user)
    # Lock the project holder: two pathways created at once cannot both take the last place.
    project_holder = ProjectHolder.objects.select_for_update().get(pk=project_holder.pk)
    target_blocks = list(target_blocks)
    _check_pathway_links(project_holder, candidate, employer, certification, target_blocks, companion)
    opened = Pathway.objects.filter(project_holder=project_holder).count()
    if opened >= project_holder.pathway_ceiling:
        raise ValidationError(
            {
                "non_field_errors": [
                    f"Le plafond de parcours de votre structure est atteint ({opened} sur "
                    f"{project_holder.pathway_ceiling}, abandons compris)."
                ]
            }
        )
    pathway = Pathway(
        project_holder=project_holder,
        candidate=candidate,
        employer=employer,
        certification=certification,
        companion=companion,
    )
    if contract is not None:
        _raise_contract_errors(pathway, Contract(pathway=pathway, **contract))
    _save(pathway)
    pathway.reference = f"VAEI-{pathway.created_at:%Y}-{pathway.pk:06d}"
    pathway.save(update_fields=["reference"])
    pathway.target_blocks.set(target_blocks)
    if contract is not None:
        Contract.objects.create(pathway=pathway, **contract)
    return pathway


@transaction.atomic
def pathway_update(*, acting_user, pathway, **data) -> Pathway:
    project_holder = _project_holder_of(acting_user)
    pathway = Pathway.objects.select_for_update().get(pk=pathway.pk)
    if pathway.project_holder_id != project_holder.pk:
        raise PermissionDenied("Ce parcours appartient à un autre porteur de projet.")
    if pathway.phase not in OPEN_PHASES:
        raise ValidationError({"non_field_errors": ["Un parcours terminé ou abandonné ne peut plus être modifié."]})
    locked = {
        name
        for name in ("candidate", "employer", "certification")
        if name in data and data[name] != getattr(pathway, name)
    }
    if "target_blocks" in data and {block.pk for block in data["target_blocks"]} != set(
        pathway.target_blocks.values_list("pk", flat=True)
    ):
        locked.add("target_blocks")
    if locked and pathway.phase != PathwayPhase.POSITIONING:
        raise ValidationError(
            {name: ["Ne peut plus être modifié après la phase de positionnement."] for name in sorted(locked)}
        )
    if "companion" in data and data["companion"] is None and pathway.phase != PathwayPhase.POSITIONING:
        # Only the companion moves support and delivery on: the pathway would be stranded.
        raise ValidationError({"companion": ["Un accompagnateur est indispensable après la phase de positionnement."]})
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
    return pathway


def _raise_contract_errors(pathway, contract):
    errors = check_contract(pathway=pathway, contract=contract)
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def contract_save(*, acting_user, pathway, **data) -> Contract:
    _require_role(acting_user, Role.PROJECT_HOLDER)
    pathway = Pathway.objects.select_for_update().get(pk=pathway.pk)
    if pathway.project_holder_id != acting_user.membership.organisation_id:
        raise PermissionDenied("Ce parcours appartient à un autre porteur de projet.")
    if pathway.phase not in (PathwayPhase.POSITIONING, PathwayPhase.SUPPORT, PathwayPhase.ADMISSIBILITY):
        raise ValidationError(
            {"non_field_errors": ["Le contrat ne peut plus être modifié une fois la mise en œuvre commencée."]}
        )
    contract = getattr(pathway, "contract", None) or Contract(pathway=pathway)
    for name, value in data.items():
        setattr(contract, name, value)
    _raise_contract_errors(pathway, contract)
    return _save(contract)


@transaction.atomic
def contract_renew(*, acting_user, pathway, end_date) -> Contract:
    """Extend the contract after a renewal (a failed jury): a new contract year on the same pathway."""
    _require_role(acting_user, Role.PROJECT_HOLDER)
    pathway = Pathway.objects.select_for_update().get(pk=pathway.pk)
    if pathway.project_holder_id != acting_user.membership.organisation_id:
        raise PermissionDenied("Ce parcours appartient à un autre porteur de projet.")
    renewed = pathway.transitions.filter(from_phase=PathwayPhase.EVALUATION, to_phase=PathwayPhase.DELIVERY).exists()
    if pathway.phase != PathwayPhase.DELIVERY or not renewed:
        raise ValidationError(
            {"end_date": ["Le contrat ne se prolonge qu'après un renouvellement décidé à la suite du jury."]}
        )
    contract = pathway.contract
    if end_date <= contract.end_date:
        raise ValidationError({"end_date": [f"La nouvelle date de fin doit suivre le {contract.end_date:%d/%m/%Y}."]})
    contract.end_date = end_date
    errors = check_contract(pathway=pathway, contract=contract)
    if errors:
        raise ValidationError(errors)
    return _save(contract)


# ---- documents and decisions -------------------------------------------------------------------------


def document_add(*, acting_user, pathway, kind, uploaded_file) -> Document:
    _require_role(acting_user, Role.PROJECT_HOLDER, Role.COMPANION)
    _require_visible(acting_user, pathway)
    if pathway.phase not in OPEN_PHASES:
        raise ValidationError({"file": ["Le parcours est clos : aucune pièce ne peut plus être déposée."]})
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


def _require_phase(pathway, phases, action):
    if pathway.phase not in phases:
        labels = ", ".join(PathwayPhase(phase).label.lower() for phase in phases)
        raise ValidationError(
            {
                "non_field_errors": [
                    f"{action} n'est possible qu'en phase : {labels} (phase actuelle : "
                    f"{PathwayPhase(pathway.phase).label.lower()})."
                ]
            }
        )


@transaction.atomic
def support_opinion_record(*, acting_user, pathway, job_match, pedagogical_path, comment="") -> SupportOpinion:
    _require_role(acting_user, Role.COMPANION)
    pathway = Pathway.objects.select_for_update().get(pk=pathway.pk)
    _require_visible(acting_user, pathway)
    _require_phase(pathway, [PathwayPhase.SUPPORT], "L'avis d'accompagnement")
    opinion = getattr(pathway, "support_opinion", None) or SupportOpinion(pathway=pathway)
    opinion.job_match, opinion.pedagogical_path, opinion.comment = job_match, pedagogical_path, comment
    opinion.given_by = acting_user
    return _save(opinion)


@transaction.atomic
def admissibility_record(*, acting_user, pathway, decision, comment="") -> Admissibility:
    _require_role(acting_user, Role.CERTIFIER)
    pathway = Pathway.objects.select_for_update().get(pk=pathway.pk)
    _require_visible(acting_user, pathway)
    _require_phase(pathway, [PathwayPhase.ADMISSIBILITY], "La décision de recevabilité")
    if decision == AdmissibilityDecision.NOT_ADMISSIBLE and not (comment or "").strip():
        raise ValidationError({"comment": ["Motivez la décision de non-recevabilité."]})
    record = getattr(pathway, "admissibility", None) or Admissibility(pathway=pathway)
    record.decision, record.comment, record.decided_by = decision, comment, acting_user
    _save(record)
    from pathways.tasks import notify_admissibility as notify_admissibility_task

    transaction.on_commit(lambda: notify_admissibility_task.delay(record.pk))
    return record


@transaction.atomic
def jury_session_set(*, acting_user, pathway, session_date) -> Pathway:
    _require_role(acting_user, Role.CERTIFIER)
    pathway = Pathway.objects.select_for_update().get(pk=pathway.pk)
    _require_visible(acting_user, pathway)
    _require_phase(
        pathway, [PathwayPhase.ADMISSIBILITY, PathwayPhase.DELIVERY, PathwayPhase.EVALUATION], "La date de jury"
    )
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
    from pathways.tasks import notify_jury_session as notify_jury_session_task

    transaction.on_commit(lambda: notify_jury_session_task.delay(pathway.pk, str(session_date)))
    return pathway


# ---- the transition ----------------------------------------------------------------------------------


@transaction.atomic
def pathway_transition(*, acting_user, pathway, to, comment="") -> Pathway:
    """The only code that writes `phase`: lock, check role and guards, move, log, notify on commit."""
    pathway = Pathway.objects.select_for_update().get(pk=pathway.pk)
    _require_visible(acting_user, pathway)
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
    if acting_user.role not in transition.roles:
        raise PermissionDenied(f"Votre rôle ne permet pas l'action « {transition.label} ».")
    unmet = transition.unmet(pathway, comment)
    if unmet:
        raise TransitionRefused(f"Le parcours ne peut pas passer en « {PathwayPhase(to).label} ».", unmet)

    pathway.phase = to
    pathway.phase_changed_at = timezone.now()
    update_fields = ["phase", "phase_changed_at", "updated_at"]
    if to == PathwayPhase.ABANDONED:
        pathway.abandon_reason = comment.strip()
        update_fields.append("abandon_reason")
    pathway.full_clean()
    pathway.save(update_fields=update_fields)
    log = PathwayTransition.objects.create(
        pathway=pathway, from_phase=source, to_phase=to, by=acting_user, comment=(comment or "").strip()
    )
    from pathways.tasks import notify_transition as notify_transition_task

    transaction.on_commit(lambda: notify_transition_task.delay(log.pk))
    return pathway
