"""The only writers of project applications (product.md section 10), beside pathways.services.

Each service asks the policy (the actions of pathways.policy, declared from pathways.projects_workflow),
locks the project, checks everything, writes, logs the move and enqueues its notice.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from certifications.models import Certification
from pathways import projects_workflow, tasks
from pathways.enums import ProjectStatus
from pathways.models import Project, ProjectDocument, ProjectHolder, ProjectPartner, ProjectTransition
from pathways.services import TransitionRefused
from pathways.uploads import inspect_upload
from vae_inversee.lib import policy
from vae_inversee.lib.identifiers import compact_siret
from vae_inversee.outbox.services import enqueue
from vae_inversee.webhooks.services import emit

OUT_OF_SCOPE = "Ce projet n'est pas dans votre périmètre."
PROJECT_FIELDS = ("title", "summary", "regions", "sectors", "requested_pathways")


def _holder_of(user, action) -> ProjectHolder:
    policy.require_role(user, action)
    try:
        return user.membership.organisation.project_holder
    except ProjectHolder.DoesNotExist:
        raise PermissionDenied("Votre structure n'est pas enregistrée comme porteur de projet.")


def _locked(user, action, project) -> Project:
    """Role (403), the project locked and in scope, then the action allowed in its status (409)."""
    policy.require_role(user, action)
    project = Project.objects.select_for_update().get(pk=project.pk)
    policy.require_visible(user, project, OUT_OF_SCOPE)
    policy.authorize(user, action, project)
    return project


def _partners_clean(partners) -> list[ProjectPartner]:
    """Every partner checked at once; the errors keyed `partners` with the line's number."""
    cleaned, errors = [], []
    for index, data in enumerate(partners, start=1):
        partner = ProjectPartner(
            name=(data.get("name") or "").strip(),
            siret=compact_siret(data.get("siret") or ""),
            role=data.get("role") or "",
        )
        try:
            partner.full_clean(exclude=["project"])
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                errors.extend(
                    f"Partenaire {index} — {partner._meta.get_field(name).verbose_name} : {m}" for m in messages
                )
        cleaned.append(partner)
    if errors:
        raise ValidationError({"partners": errors})
    return cleaned


def _certifications_clean(certifications) -> list:
    certifications = list(certifications)
    closed = [c.code for c in certifications if not Certification.objects.vae_eligible().filter(pk=c.pk).exists()]
    if closed:
        raise ValidationError(
            {"certifications": [f"Ces certifications ne sont pas ouvertes à la VAE inversée : {', '.join(closed)}."]}
        )
    return certifications


def _write(project, data, certifications, partners):
    errors = {}
    for name in PROJECT_FIELDS:
        if name in data:
            setattr(project, name, data[name])
    if isinstance(project.regions, list):
        project.regions = [str(code).strip().zfill(2) for code in project.regions]
    try:
        project.full_clean()
    except ValidationError as error:
        errors.update(error.message_dict)
    try:
        certifications = _certifications_clean(certifications) if certifications is not None else None
    except ValidationError as error:
        errors.update(error.message_dict)
    try:
        partners = _partners_clean(partners) if partners is not None else None
    except ValidationError as error:
        errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    project.save()
    if project.reference is None:
        # The primary key makes the reference unique without a counter to race on.
        project.reference = f"PRJ-{timezone.localdate(project.created_at):%Y}-{project.pk:04d}"
        project.save(update_fields=["reference"])
    if certifications is not None:
        project.certifications.set(certifications)
    if partners is not None:
        project.partners.all().delete()
        for partner in partners:
            partner.project = project
            partner.save()
    return project


@transaction.atomic
def project_create(*, acting_user, certifications=(), partners=(), **data) -> Project:
    holder = _holder_of(acting_user, "project.create")
    return _write(Project(project_holder=holder), data, certifications, partners)


@transaction.atomic
def project_update(*, acting_user, project, certifications=None, partners=None, **data) -> Project:
    """A draft, or a project sent back for complements: only the fields given change."""
    project = _locked(acting_user, "project.update", project)
    return _write(project, data, certifications, partners)


def project_document_add(*, acting_user, project, kind, uploaded_file) -> ProjectDocument:
    policy.require_role(acting_user, "project.document_add")
    policy.require_visible(acting_user, project, OUT_OF_SCOPE)
    policy.authorize(acting_user, "project.document_add", project)
    content_type = inspect_upload(uploaded_file)
    document = ProjectDocument(
        project=project,
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


# ---- the moves ------------------------------------------------------------------------------------------


def apply_move(project, move, *, by, comment="", granted=None) -> ProjectTransition:
    """Write a move already checked: the status, its dates, the decision, one log row (no notice)."""
    now = timezone.now()
    source = project.status
    project.status = move.target
    fields = ["status", "updated_at"]
    if move.target == ProjectStatus.SUBMITTED:
        project.submitted_at = now
        fields.append("submitted_at")
    if move.target == ProjectStatus.COMPLETE:
        project.complete_at = now
        fields.append("complete_at")
    if move.records_reason:
        project.decision_reason = comment
        fields.append("decision_reason")
    if move.records_grant:
        project.granted_pathways = granted
        fields.append("granted_pathways")
    if move.records_decision:
        project.decided_at, project.decided_by = now, by
        fields += ["decided_at", "decided_by"]
    project.full_clean()
    project.save(update_fields=fields)
    return ProjectTransition.objects.create(
        project=project, name=move.name, from_status=source, to_status=move.target, by=by, comment=comment
    )


def _move(acting_user, project, name, *, comment="", granted=None) -> Project:
    move = projects_workflow.named(name)
    project = _locked(acting_user, f"project.{name}", project)
    comment = (comment or "").strip()
    data = {"reason": comment, "granted_pathways": granted}
    field_errors = move.field_errors(project, data)
    unmet = move.other_unmet(project, data)
    if unmet:
        raise TransitionRefused(f"Action « {move.label} » impossible.", unmet + sum(field_errors.values(), []))
    if field_errors:
        raise ValidationError(field_errors)
    log = apply_move(project, move, by=acting_user, comment=comment, granted=granted)
    enqueue(tasks.notify_project, log.pk)
    return project


@transaction.atomic
def project_submit(*, acting_user, project, comment="") -> Project:
    return _move(acting_user, project, "submit", comment=comment)


@transaction.atomic
def project_request_complements(*, acting_user, project, reason) -> Project:
    return _move(acting_user, project, "request_complements", comment=reason)


@transaction.atomic
def project_mark_complete(*, acting_user, project, comment="") -> Project:
    return _move(acting_user, project, "mark_complete", comment=comment)


@transaction.atomic
def project_accept(*, acting_user, project, granted_pathways, comment="") -> Project:
    project = _move(acting_user, project, "accept", comment=comment, granted=granted_pathways)
    emit("project.decided", project)
    return project


@transaction.atomic
def project_reject(*, acting_user, project, reason) -> Project:
    project = _move(acting_user, project, "reject", comment=reason)
    emit("project.decided", project)
    return project
