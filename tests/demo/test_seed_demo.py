import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone

from certifications.models import Certification
from evaluation.enums import OutcomeSituation
from evaluation.models import PathwayOutcome
from evaluation.reminders import collect
from funding.models import FundingFile, FundingFileNote, PaymentBatch, PaymentRequest
from pathways.enums import CLOSED_PHASES, PathwayPhase, ProjectStatus
from pathways.models import Candidate, Employer, Pathway, PathwayMessage, PathwayNote, Project, ProjectHolder
from tests.demo_snapshot import seeded_demo
from vae_inversee.accounts.models import Organisation, User
from vae_inversee.demo.seed import DEMO_PASSWORD, seed_demo
from vae_inversee.lib.dates import add_months
from vae_inversee.webhooks.models import WebhookDelivery, WebhookEndpoint, WebhookMessage

DEMO_LOGINS = {
    "porteur@demo.vae": "project_holder",
    "accompagnateur@demo.vae": "companion",
    "opco@demo.vae": "opco",
    "certificateur@demo.vae": "certifier",
    "ministere@demo.vae": "ministry",
    "candidat@demo.vae": "candidate",
}


def test_demo_logins_have_their_roles_and_the_shared_password(db):
    seeded_demo()
    for email, role in DEMO_LOGINS.items():
        user = User.objects.select_related("membership__organisation").get(email=email)
        assert user.role == role
        assert user.check_password(DEMO_PASSWORD)
    admin = User.objects.get(email="admin@demo.vae")
    assert admin.is_superuser and admin.is_staff and admin.check_password(DEMO_PASSWORD)
    assert User.objects.get(email="opco@demo.vae").organisation.code == "AKTO"


def test_demo_certifier_certifies_the_eligible_demo_certifications(db):
    seeded_demo()
    certifier_org = User.objects.get(email="certificateur@demo.vae").organisation
    certified = Certification.objects.vae_eligible().filter(certifiers__organisation=certifier_org)
    assert certified.count() >= 3
    for certification in certified:
        assert 3 <= certification.skill_blocks.count() <= 5
    # Working together (section 13): threads with an attachment, notes, assignments, an admin per organisation.
    assert PathwayMessage.objects.exclude(attachment="").exists() and PathwayNote.objects.exists()
    assert FundingFileNote.objects.exists()
    assert FundingFile.objects.filter(assignee__isnull=False).exists()
    assert FundingFile.objects.exclude(status="draft").filter(assignee__isnull=True).exists()
    assert Pathway.objects.filter(assignee__isnull=False).exists()
    for organisation in Organisation.objects.filter(memberships__isnull=False).distinct():
        assert organisation.memberships.filter(is_admin=True).exists(), organisation


def test_demo_has_several_actors_with_valid_identifiers(db):
    seeded_demo()
    assert (
        User.objects.filter(membership__role="project_holder").values("membership__organisation").distinct().count()
        >= 3
    )
    assert Employer.objects.count() >= 8
    assert Candidate.objects.count() >= 15
    for employer in Employer.objects.select_related("opco"):
        employer.full_clean()  # SIRET (Luhn) and IDCC valid
        assert employer.opco.kind == "opco"
    # The real sample export is in the catalogue, next to the demonstration sheets.
    assert Certification.objects.filter(code__in=["RNCP509", "RS5000", "RS6117"]).count() == 3


def test_seeding_twice_creates_nothing_more(db):
    seeded_demo()
    counts = (User.objects.count(), Employer.objects.count(), Candidate.objects.count(), Certification.objects.count())
    report = seed_demo()
    assert counts == (
        User.objects.count(),
        Employer.objects.count(),
        Candidate.objects.count(),
        Certification.objects.count(),
    )
    assert all(" 0 créé(s)" in line for line in report if "créé" in line), report


def test_command_prints_the_password(db, capsys):
    seeded_demo()
    call_command("seed_demo")
    assert "demo-vae-2026" in capsys.readouterr().out


def test_demo_outcomes_in_every_situation_and_one_awaiting_its_six_month_record(db):
    seeded_demo()
    ended = Pathway.objects.filter(phase__in=CLOSED_PHASES)
    assert ended.exists()
    # Each ended pathway has its situation at exit; every situation appears; some six-month records.
    assert PathwayOutcome.objects.filter(at="exit").count() == ended.count()
    assert set(PathwayOutcome.objects.values_list("situation", flat=True)) == set(OutcomeSituation.values)
    assert PathwayOutcome.objects.filter(at="six_months").exists()
    # One pathway ended seven months ago still awaits its six-month situation: the reminder asked it.
    awaiting = Pathway.objects.get(candidate__last_name="Marchand", candidate__first_name="Lucie")
    assert timezone.localdate(awaiting.phase_changed_at) == add_months(timezone.localdate(), -7)
    assert not awaiting.outcomes.filter(at="six_months").exists()
    due = add_months(timezone.localdate(awaiting.phase_changed_at), 6)
    holder = User.objects.get(email="porteur@demo.vae")
    assert any(awaiting.reference in line for line in collect(due).get(holder.pk, []))
    # A second run records nothing more.
    count = PathwayOutcome.objects.count()
    seed_demo()
    assert PathwayOutcome.objects.count() == count


def test_demo_projects_show_every_status_and_each_holder_has_room(db):
    seeded_demo()

    assert set(Project.objects.values_list("status", flat=True)) == set(ProjectStatus.values)
    today = timezone.localdate()
    for holder in ProjectHolder.objects.all():
        accepted = list(Project.objects.accepted().filter(project_holder=holder))
        assert len(accepted) == 1
        assert accepted[0].pathways.count() < accepted[0].granted_pathways
        assert holder.pathways.filter(project=accepted[0]).count() == holder.pathways.count()
    complete = Project.objects.get(status=ProjectStatus.COMPLETE)
    assert complete.decision_deadline >= today + datetime.timedelta(days=1)
    assert complete.decision_deadline <= today + datetime.timedelta(days=4)
    deemed = Project.objects.get(status=ProjectStatus.DEEMED_REJECTED)
    assert deemed.transitions.last().by is None
    assert Project.objects.filter(status=ProjectStatus.DRAFT).get().transitions.count() == 0


def test_demo_shows_the_money_flow_in_every_status(db):
    seeded_demo()
    walked = Pathway.objects.exclude(phase__in=[PathwayPhase.POSITIONING, PathwayPhase.ABANDONED])
    assert walked.exists() and not walked.filter(plan_actions__isnull=True).exists()
    assert set(PaymentRequest.objects.values_list("status", flat=True)) == {"submitted", "approved", "rejected", "paid"}
    assert PaymentBatch.objects.filter(status="paid").count() == 1


@pytest.mark.django_db(transaction=True)
def test_demo_shows_webhooks_failing_retrying_and_disabled():
    # Seeded outside a test transaction: the after-commit deliveries run, as under `make run`.
    seeded_demo()
    holder = WebhookEndpoint.objects.get(url="http://127.0.0.1:9/demo/porteur")
    opco = WebhookEndpoint.objects.get(url="http://127.0.0.1:9/demo/opco")
    # Nothing listens on port 9: each first attempt fails and is logged, the retries wait.
    assert WebhookDelivery.objects.filter(endpoint=opco, succeeded=False).exists()
    assert opco.active and WebhookMessage.objects.filter(endpoint=opco, status="pending").exists()
    # The holder's endpoint hears of many objects: too many failures in a row, disabled, its admin told.
    assert not holder.active and holder.disabled_reason


def test_demo_users_have_saved_filter_sets_that_apply_on_their_lists(client, db):
    from vae_inversee.accounts.models import SavedFilter

    seeded_demo()
    opco = User.objects.get(email="opco@demo.vae")
    saved = list(SavedFilter.objects.filter(user=opco).order_by("name"))
    assert [s.name for s in saved] == ["Mes dossiers transmis", "Non assignés, plus gros montants"]
    assert SavedFilter.objects.values("user").distinct().count() == 5
    client.force_login(opco)
    response = client.get(f"/opco/?{saved[1].query}")
    assert response.status_code == 200 and response.context["sort"] == "-total-demande"
    assert "Non assignés, plus gros montants" in response.content.decode()


def test_the_demo_has_an_active_and_an_invited_candidate(db):
    seeded_demo()
    active = Candidate.objects.select_related("user").get(user__email="candidat@demo.vae")
    assert active.activated_at and active.invited_by.email == "porteur@demo.vae"
    pathway = active.pathways.get(phase__in=[PathwayPhase.DELIVERY, PathwayPhase.EVALUATION])
    assert pathway.plan_actions.exists()
    thread = list(pathway.messages.select_related("author"))
    assert any(m.author == active.user for m in thread) and any(m.attachment for m in thread)
    invited = Candidate.objects.get(user__email="candidat.invite@demo.vae")
    assert invited.invited_at and invited.activated_at is None and not invited.user.has_usable_password()
    # Idempotent.
    seed_demo()
    assert User.objects.filter(email__startswith="candidat").count() == 2
