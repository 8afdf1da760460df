"""Project applications on the services (product.md section 10): the status table and its guards, the
decision, the implicit refusal and the reminders on a frozen date, the notices, the ceilings, the migration."""

import datetime

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from pathways import project_deadlines, project_services, projects_workflow, services
from pathways.enums import ProjectStatus
from pathways.models import Pathway, Project, ProjectTransition
from pathways.services import TransitionRefused
from pathways.tasks import project_deadlines_daily
from tests.accounts.factories import UserFactory, luhn_siret
from tests.pathways.factories import (
    CandidateFactory,
    CertificationFactory,
    EmployerFactory,
    ProjectFactory,
    ProjectHolderFactory,
    pdf_upload,
)
from vae_inversee.accounts.models import Organisation
from vae_inversee.lib.errors import Conflict
from vae_inversee.notifications.models import Notification

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def holder():
    return ProjectHolderFactory(pathway_ceiling=0)


@pytest.fixture
def staff(holder):
    return UserFactory(organisation=holder.organisation)


@pytest.fixture
def ministry():
    return UserFactory(role="ministry")


def draft(staff, *, partners=None, sheet=True, **data):
    project = project_services.project_create(
        acting_user=staff,
        title=data.pop("title", "Projet d'aide à domicile"),
        regions=data.pop("regions", ["53"]),
        requested_pathways=data.pop("requested_pathways", 6),
        certifications=[CertificationFactory(vae_target=True)],
        partners=partners
        if partners is not None
        else [{"name": "Cap VAE", "siret": luhn_siret(1), "role": "companion"}],
        **data,
    )
    if sheet:
        project_services.project_document_add(
            acting_user=staff, project=project, kind="project_sheet", uploaded_file=pdf_upload()
        )
    return project


def complete(staff, ministry, at, **kwargs):
    project = draft(staff, **kwargs)
    project_services.project_submit(acting_user=staff, project=project)
    with time_machine.travel(at, tick=False):
        project_services.project_mark_complete(acting_user=ministry, project=project)
    project.refresh_from_db()
    return project


def test_submit_lists_every_unmet_condition(staff):
    project = project_services.project_create(acting_user=staff, title="Vide", regions=["11"], requested_pathways=2)
    with pytest.raises(TransitionRefused) as refused:
        project_services.project_submit(acting_user=staff, project=project)
    assert refused.value.unmet == [
        "Le projet doit viser au moins une certification du catalogue.",
        "Le projet doit nommer au moins un partenaire (nom, SIRET, rôle).",
        "La fiche projet signée doit être déposée.",
    ]
    assert project.transitions.count() == 0


def test_regions_are_the_eighteen_insee_codes_and_partners_have_a_valid_siret(staff):
    with pytest.raises(ValidationError) as error:
        project_services.project_create(
            acting_user=staff, title="X", regions=["32", "99", "32"], requested_pathways=1,
            partners=[{"name": "Employeur", "siret": "12345678901234", "role": "employer"}],
        )  # fmt: skip
    errors = error.value.message_dict
    assert errors["regions"] == ["Code de région INSEE inconnu : 99."]
    assert errors["partners"][0].startswith("Partenaire 1 — SIRET :")
    assert not Project.objects.exists()
    project = project_services.project_create(acting_user=staff, title="X", regions=[2, "6"], requested_pathways=1)
    assert project.regions == ["02", "06"] and project.region_labels == ["Martinique", "Mayotte"]
    assert project.reference == f"PRJ-{timezone.localdate(project.created_at):%Y}-{project.pk:04d}"


def test_roles_scope_and_statuses(staff, ministry):
    project = draft(staff)
    other_holder_staff = UserFactory(role="project_holder")
    with pytest.raises(PermissionDenied):
        project_services.project_mark_complete(acting_user=staff, project=project)
    with pytest.raises(PermissionDenied):
        project_services.project_submit(acting_user=ministry, project=project)
    # A draft is the holder's alone: outside the Ministry's scope.
    assert not Project.objects.visible_to(ministry).exists()
    assert not Project.objects.visible_to(other_holder_staff).exists()
    with pytest.raises(PermissionDenied, match="Ce projet n'est pas dans votre périmètre."):
        project_services.project_update(acting_user=other_holder_staff, project=project, title="Pris")
    project_services.project_submit(acting_user=staff, project=project)
    assert Project.objects.visible_to(ministry).count() == 1
    with pytest.raises(Conflict, match="Le projet est « déposé » : il ne peut plus être modifié."):
        project_services.project_update(acting_user=staff, project=project, title="Autre")
    with pytest.raises(Conflict):
        project_services.project_accept(acting_user=ministry, project=project, granted_pathways=1)
    for role in ("companion", "opco", "certifier"):
        assert not Project.objects.visible_to(UserFactory(role=role)).exists()


def test_accept_within_the_requested_number_and_tell_the_partner_employers_opco(
    staff, ministry, django_capture_on_commit_callbacks
):
    employer = EmployerFactory(siret=luhn_siret(77))
    opco_staff = UserFactory(organisation=employer.opco)
    unrelated_opco_staff = UserFactory(organisation=Organisation.objects.get(kind="opco", code="ATLAS"))
    project = complete(
        staff, ministry, datetime.datetime(2026, 1, 10, 9, tzinfo=datetime.UTC),
        partners=[{"name": employer.name, "siret": employer.siret, "role": "employer"}],
    )  # fmt: skip
    assert project.decision_deadline == datetime.date(2026, 3, 10)
    with time_machine.travel(datetime.datetime(2026, 2, 1, 9, tzinfo=datetime.UTC), tick=False):
        for granted in (0, 7):
            with pytest.raises(ValidationError) as error:
                project_services.project_accept(acting_user=ministry, project=project, granted_pathways=granted)
            assert error.value.message_dict == {
                "granted_pathways": ["Le nombre de parcours accordés est compris entre 1 et le nombre demandé (6)."]
            }
        with django_capture_on_commit_callbacks(execute=True):
            project_services.project_accept(acting_user=ministry, project=project, granted_pathways=3, comment="Ok")
    project.refresh_from_db()
    assert (project.status, project.granted_pathways, project.decided_by) == ("accepted", 3, ministry)
    assert project.project_holder.pathway_ceiling == 3
    assert Notification.objects.filter(recipient=staff, subject__endswith="projet accepté").exists()
    assert Notification.objects.filter(recipient=opco_staff, subject__endswith="projet accepté").exists()
    assert not Notification.objects.filter(recipient=unrelated_opco_staff).exists()


def test_the_daily_task_on_a_frozen_date_deems_rejected_the_day_after_and_reminds_the_ministry(staff, ministry):
    project = complete(staff, ministry, datetime.datetime(2026, 1, 31, 9, tzinfo=datetime.UTC))
    assert project.decision_deadline == datetime.date(2026, 3, 31)

    # 15 and 3 days before the deadline, the Ministry's staff are reminded, once.
    for day, expected in [("2026-03-15", 0), ("2026-03-16", 1), ("2026-03-16", 0), ("2026-03-28", 1)]:
        assert project_deadlines_daily.apply(kwargs={"today": day}).get()["reminders"] == expected
    reminders = Notification.objects.filter(recipient=ministry, event_key__startswith="project_deadline:")
    assert sorted(reminders.values_list("event_key", flat=True)) == [
        f"project_deadline:{project.pk}:15",
        f"project_deadline:{project.pk}:3",
    ]
    assert "plus que 3 jours, jusqu'au 31/03/2026" in reminders.get(event_key__endswith=":3").body

    # The deadline itself is still the Ministry's; the next day, frozen, the task refuses.
    with time_machine.travel(datetime.datetime(2026, 3, 31, 20, tzinfo=datetime.UTC), tick=False):
        assert project_deadlines.projects_deem_rejected() == []
    with time_machine.travel(datetime.datetime(2026, 4, 1, 5, tzinfo=datetime.UTC), tick=False):
        assert project_deadlines_daily.apply().get() == {"deemed_rejected": 1, "reminders": 0}
    project.refresh_from_db()
    assert project.status == ProjectStatus.DEEMED_REJECTED
    log = project.transitions.last()
    assert (log.name, log.from_status, log.to_status, log.by) == ("deem_rejected", "complete", "deemed_rejected", None)
    assert Notification.objects.filter(recipient=staff, subject__endswith="refusé implicitement (silence de deux mois)")
    with pytest.raises(Conflict, match="Le délai de décision a expiré le 31/03/2026"):
        project_services.project_reject(acting_user=ministry, project=project, reason="Trop tard")


def test_a_pathway_opens_only_in_an_accepted_project_of_its_own_holder(staff, ministry):
    holder = staff.membership.organisation.project_holder
    other = ProjectFactory(accepted=True)
    mine = draft(staff)
    certification = CertificationFactory(vae_target=True)

    def create(project=None):
        return services.pathway_create(
            acting_user=staff,
            candidate=CandidateFactory(project_holder=holder),
            employer=EmployerFactory(project_holder=holder),
            certification=certification,
            project=project,
        )

    with pytest.raises(ValidationError) as error:
        create(other)
    assert error.value.message_dict == {"project": ["Ce projet n'appartient pas à votre structure."]}
    with pytest.raises(ValidationError) as error:
        create(mine)
    assert error.value.message_dict == {
        "project": [f"Le projet {mine.reference} est « brouillon » : seul un projet accepté peut ouvrir des parcours."]
    }
    assert not Pathway.objects.exists()


def test_several_accepted_projects_need_the_project_named():
    holder = ProjectHolderFactory(pathway_ceiling=2)
    second = ProjectFactory(project_holder=holder, accepted=True, requested_pathways=3)
    user = UserFactory(organisation=holder.organisation)
    certification = CertificationFactory(vae_target=True)
    parts = {
        "candidate": CandidateFactory(project_holder=holder),
        "employer": EmployerFactory(project_holder=holder),
        "certification": certification,
    }
    with pytest.raises(ValidationError) as error:
        services.pathway_create(acting_user=user, **parts)
    assert error.value.message_dict == {
        "project": ["Votre structure a plusieurs projets acceptés : choisissez le projet du parcours."]
    }
    assert services.pathway_create(acting_user=user, project=second, **parts).project == second
    assert holder.pathway_ceiling == 5


def test_the_project_log_is_append_only(staff):
    project = draft(staff)
    project_services.project_submit(acting_user=staff, project=project)
    log = ProjectTransition.objects.get()
    with pytest.raises(IntegrityError):
        log.save()
    with pytest.raises(IntegrityError):
        ProjectTransition.objects.all().delete()
    with pytest.raises(IntegrityError):
        ProjectTransition.objects.update(comment="réécrit")


def test_the_status_table_is_one_table():
    assert {move.name for move in projects_workflow.MOVES} == {
        "submit", "request_complements", "mark_complete", "accept", "reject", "deem_rejected",
    }  # fmt: skip
    targets = {move.target for move in projects_workflow.MOVES}
    assert targets == set(ProjectStatus.values) - {ProjectStatus.DRAFT}
    assert [move.name for move in projects_workflow.moves_from(ProjectStatus.COMPLETE)] == ["accept", "reject"]


@pytest.mark.django_db(transaction=True)
def test_the_migration_gives_each_existing_holder_one_accepted_project_with_its_ceiling():
    executor = MigrationExecutor(connection)
    executor.migrate([("pathways", "0006_personal_data")])
    old = executor.loader.project_state([("pathways", "0006_personal_data")]).apps
    Organisation = old.get_model("accounts", "Organisation")
    ProjectHolder = old.get_model("pathways", "ProjectHolder")
    organisation = Organisation.objects.create(name="Porteur historique", kind="project_holder")
    ProjectHolder.objects.create(organisation=organisation, laureate_reference="AAP-OLD-1", pathway_ceiling=17)

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())

    project = Project.objects.get(project_holder_id=organisation.pk)
    assert (project.status, project.requested_pathways, project.granted_pathways) == ("accepted", 17, 17)
    assert project.reference.startswith("PRJ-")
    assert project.project_holder.pathway_ceiling == 17
