from django.core.management import call_command

from certifications.models import Certification
from funding.models import PaymentBatch, PaymentRequest
from pathways.enums import PathwayPhase
from pathways.models import Candidate, Employer, Pathway
from vae_inversee.accounts.models import User
from vae_inversee.demo.seed import DEMO_PASSWORD, seed_demo

DEMO_LOGINS = {
    "porteur@demo.vae": "project_holder",
    "accompagnateur@demo.vae": "companion",
    "opco@demo.vae": "opco",
    "certificateur@demo.vae": "certifier",
    "ministere@demo.vae": "ministry",
}


def test_demo_logins_have_their_roles_and_the_shared_password(db):
    seed_demo()
    for email, role in DEMO_LOGINS.items():
        user = User.objects.select_related("membership__organisation").get(email=email)
        assert user.role == role
        assert user.check_password(DEMO_PASSWORD)
    admin = User.objects.get(email="admin@demo.vae")
    assert admin.is_superuser and admin.is_staff and admin.check_password(DEMO_PASSWORD)
    assert User.objects.get(email="opco@demo.vae").organisation.code == "AKTO"


def test_demo_certifier_certifies_the_eligible_demo_certifications(db):
    seed_demo()
    certifier_org = User.objects.get(email="certificateur@demo.vae").organisation
    certified = Certification.objects.vae_eligible().filter(certifiers__organisation=certifier_org)
    assert certified.count() >= 3
    for certification in certified:
        assert 3 <= certification.skill_blocks.count() <= 5


def test_demo_has_several_actors_with_valid_identifiers(db):
    seed_demo()
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
    seed_demo()
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
    call_command("seed_demo")
    assert "demo-vae-2026" in capsys.readouterr().out


def test_demo_shows_the_money_flow_in_every_status(db):
    seed_demo()
    walked = Pathway.objects.exclude(phase__in=[PathwayPhase.POSITIONING, PathwayPhase.ABANDONED])
    assert walked.exists() and not walked.filter(plan_actions__isnull=True).exists()
    assert set(PaymentRequest.objects.values_list("status", flat=True)) == {"submitted", "approved", "rejected", "paid"}
    assert PaymentBatch.objects.filter(status="paid").count() == 1
