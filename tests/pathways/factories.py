"""Factories for pathways. `walk_to(pathway, phase)` moves a pathway through the real service."""

import contextlib
import datetime
import io
from decimal import Decimal

import factory
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image
from pypdf import PdfWriter

from funding import services as funding_services
from funding.models import FundingFile
from funding.money import Amounts
from pathways import services
from pathways.enums import (
    AdmissibilityDecision,
    DocumentKind,
    HighestQualification,
    PathwayPhase,
    PlanActionKind,
    ProjectDocumentKind,
    ProjectPartnerRole,
    ProjectStatus,
)
from pathways.models import (
    Candidate,
    Contract,
    Employer,
    Pathway,
    PlanAction,
    Project,
    ProjectDocument,
    ProjectHolder,
    ProjectPartner,
)
from tests.accounts.factories import OrganisationFactory, UserFactory, luhn_siret
from tests.certifications.factories import CertificationFactory
from vae_inversee.accounts.models import Organisation
from vae_inversee.lib.dates import add_months


def _real_pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _real_png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "white").save(buffer, "PNG")
    return buffer.getvalue()


# Real files: uploads are opened (pypdf, Pillow), not only sniffed.
PDF_BYTES = _real_pdf()
PNG_BYTES = _real_png()


def pdf_upload(name="piece.pdf", content=PDF_BYTES):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


class ProjectHolderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProjectHolder
        skip_postgeneration_save = True

    organisation = factory.SubFactory(OrganisationFactory, kind="project_holder")
    laureate_reference = factory.Sequence(lambda n: f"AAP-VAEI-2023-{n:03d}")
    accepted_on = datetime.date(2023, 9, 1)

    @factory.post_generation
    def pathway_ceiling(self, create, extracted, **kwargs):
        """One accepted project granting `pathway_ceiling` pathways (50 unless told; 0: no project)."""
        if create and extracted != 0:
            granted = 50 if extracted is None else extracted
            ProjectFactory(project_holder=self, accepted=True, requested_pathways=granted, granted_pathways=granted)


class ProjectFactory(factory.django.DjangoModelFactory):
    """A project application; `accepted=True` for an accepted project (by default a draft)."""

    class Meta:
        model = Project
        skip_postgeneration_save = True

    class Params:
        accepted = factory.Trait(
            status=ProjectStatus.ACCEPTED,
            granted_pathways=factory.SelfAttribute("requested_pathways"),
            decided_at=factory.LazyFunction(timezone.now),
        )

    project_holder = factory.SubFactory("tests.pathways.factories.ProjectHolderFactory", pathway_ceiling=0)
    reference = factory.Sequence(lambda n: f"PRJ-2025-{n:04d}")
    title = factory.Sequence(lambda n: f"Projet VAE inversée n° {n}")
    summary = "Des parcours de VAE inversée dans les métiers en tension du territoire."
    regions = factory.LazyFunction(lambda: ["53"])
    sectors = "Aide à domicile, logistique"
    requested_pathways = 10

    @factory.post_generation
    def certifications(self, create, extracted, **kwargs):
        if create and extracted:
            self.certifications.set(extracted)


class ProjectDocumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProjectDocument

    project = factory.SubFactory(ProjectFactory)
    kind = ProjectDocumentKind.PROJECT_SHEET
    file = factory.LazyFunction(lambda: pdf_upload("fiche-projet.pdf"))
    original_name = "fiche-projet.pdf"
    content_type = "application/pdf"
    size = factory.LazyFunction(lambda: len(PDF_BYTES))
    uploaded_by = factory.SubFactory(UserFactory, role="project_holder")


class ProjectPartnerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProjectPartner

    project = factory.SubFactory(ProjectFactory)
    name = factory.Sequence(lambda n: f"Partenaire {n}")
    siret = factory.Sequence(lambda n: luhn_siret(7000 + n))
    role = ProjectPartnerRole.COMPANION


class CandidateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Candidate

    project_holder = factory.SubFactory(ProjectHolderFactory)
    first_name = "Aminata"
    last_name = factory.Sequence(lambda n: f"Diallo{n}")
    birth_date = datetime.date(1990, 3, 12)
    email = factory.Sequence(lambda n: f"candidat{n}@exemple.fr")
    highest_qualification = HighestQualification.BELOW_BAC_PRO


class EmployerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Employer

    project_holder = factory.SubFactory(ProjectHolderFactory)
    name = factory.Sequence(lambda n: f"Entreprise {n}")
    siret = factory.Sequence(lambda n: luhn_siret(5000 + n))
    idcc = "1516"
    opco = factory.LazyFunction(lambda: Organisation.objects.get(kind="opco", code="AKTO"))
    address = "1 rue de la Paix, 75002 Paris"


class PathwayFactory(factory.django.DjangoModelFactory):
    """A pathway in positioning with everything set to move on (documents excepted)."""

    class Meta:
        model = Pathway
        skip_postgeneration_save = True

    project_holder = factory.SubFactory(ProjectHolderFactory)
    project = factory.LazyAttribute(lambda o: o.project_holder.projects.accepted().order_by("pk").first())
    candidate = factory.SubFactory(CandidateFactory, project_holder=factory.SelfAttribute("..project_holder"))
    employer = factory.SubFactory(EmployerFactory, project_holder=factory.SelfAttribute("..project_holder"))
    certification = factory.SubFactory(CertificationFactory, vae_target=True, level=3)
    companion = factory.SubFactory(UserFactory, role="companion")
    reference = factory.Sequence(lambda n: f"VAEI-2025-{n:06d}")

    @factory.post_generation
    def target_blocks(self, create, extracted, **kwargs):
        if create:
            self.target_blocks.set(extracted if extracted is not None else self.certification.skill_blocks.all())


def contract_data(**overrides):
    data = {
        "signed_on": datetime.date(2025, 9, 1),
        "start_date": datetime.date(2025, 9, 15),
        "end_date": datetime.date(2026, 9, 14),
        "weekly_hours": Decimal("35"),
        "monthly_gross_salary": Decimal("1900.00"),
        "tutor_name": "Marie Tuteur",
        "tutor_is_employer": False,
    }
    data.update(overrides)
    return data


def add_contract(pathway, **overrides):
    return Contract.objects.create(pathway=pathway, **contract_data(**overrides))


PROVIDER_SIRET = luhn_siret(7100)
# What a plan costs per contract year by default: the annual caps, so any file within them is covered.
PLAN_PER_YEAR = {"teaching": "6000.00", "design": "1000.00", "support": "2000.00"}
PLAN_KINDS = {
    "teaching": PlanActionKind.TRAINING,
    "design": PlanActionKind.DESIGN,
    "support": PlanActionKind.VAE_SUPPORT,
}


def give_plan(pathway, staff=None, per_year=None):
    """A plan satisfying the admissibility guards, through the service: per contract year a training (all
    target blocks), a design and a VAE support action costing `per_year` (the caps by default)."""
    pathway = Pathway.objects.get(pk=pathway.pk)
    if not Contract.objects.filter(pathway=pathway).exists():
        add_contract(pathway)
        pathway = Pathway.objects.get(pk=pathway.pk)
    holder = (staff or {}).get("project_holder") or UserFactory(organisation=pathway.project_holder.organisation)
    contract = pathway.contract
    blocks = list(pathway.target_blocks.all())
    year = 1
    while (start := add_months(contract.start_date, 12 * (year - 1))) <= contract.end_date:
        end = min(add_months(contract.start_date, 12 * year) - datetime.timedelta(days=1), contract.end_date)
        for category, cost in (per_year or PLAN_PER_YEAR).items():
            services.plan_action_save(
                acting_user=holder, pathway=pathway, kind=PLAN_KINDS[category], title=f"{category} année {year}",
                provider_name="Organisme de formation", provider_siret=PROVIDER_SIRET, planned_hours=Decimal("35"),
                start_date=start, end_date=end, cost=Decimal(cost),
                skill_blocks=blocks if category == "teaching" else [],
            )  # fmt: skip
        year += 1
    return pathway


def ensure_plan(pathway, staff=None):
    if not PlanAction.objects.filter(pathway=pathway).exists():
        give_plan(pathway, staff)
    return Pathway.objects.get(pk=pathway.pk)


def staff_of(pathway):
    """One user per role who may see the pathway (creating them as needed)."""
    certifier_org = pathway.certification.certifiers.first().organisation
    return {
        "project_holder": UserFactory(organisation=pathway.project_holder.organisation),
        "companion": pathway.companion,
        "opco": UserFactory(organisation=pathway.employer.opco),
        "certifier": UserFactory(organisation=certifier_org),
        "ministry": UserFactory(role="ministry"),
    }


ACTING_ROLE = {
    PathwayPhase.SUPPORT: "project_holder",
    PathwayPhase.ADMISSIBILITY: "companion",
    PathwayPhase.DELIVERY: "project_holder",
    PathwayPhase.EVALUATION: "companion",
    PathwayPhase.COMPLETED: "certifier",
}
FORWARD = [PathwayPhase.SUPPORT, PathwayPhase.ADMISSIBILITY, PathwayPhase.DELIVERY, PathwayPhase.EVALUATION,
           PathwayPhase.COMPLETED]  # fmt: skip


def fulfil_guards(pathway, step, staff):
    """Do, through the services, what the move into `step` needs."""
    if step == PathwayPhase.SUPPORT:
        for kind in (DocumentKind.FEASIBILITY_STUDY, DocumentKind.SKILLS_DIAGNOSIS):
            services.document_add(
                acting_user=staff["project_holder"], pathway=pathway, kind=kind, uploaded_file=pdf_upload()
            )
    elif step == PathwayPhase.ADMISSIBILITY:
        ensure_plan(pathway, staff)
        services.support_opinion_record(
            acting_user=staff["companion"], pathway=pathway, job_match=True, pedagogical_path=True
        )
    elif step == PathwayPhase.DELIVERY:
        services.admissibility_record(
            acting_user=staff["certifier"], pathway=pathway, decision=AdmissibilityDecision.ADMISSIBLE
        )
        if not Contract.objects.filter(pathway=pathway).exists():
            add_contract(pathway)
        approve_year_one(pathway, staff)
    elif step == PathwayPhase.EVALUATION:
        record_progress(pathway, staff)
        services.jury_session_set(
            acting_user=staff["certifier"], pathway=pathway, session_date=pathway.contract.end_date
        )
    elif step == PathwayPhase.COMPLETED:
        record_jury(pathway, staff, outcome="full")


def record_progress(pathway, staff, level="acquired"):
    from evaluation import services as evaluation_services

    for block in pathway.target_blocks.all() or [None]:
        evaluation_services.assessment_record(
            acting_user=staff["companion"], pathway=pathway, skill_block=block, level=level,
            assessed_at=pathway.contract.start_date,
        )  # fmt: skip


def record_jury(pathway, staff, outcome="full", validated=None):
    """The certifier's result; `validated`: how many targeted blocks pass (all for full, none for none)."""
    from evaluation import services as evaluation_services

    blocks = list(pathway.target_blocks.order_by("code"))
    if validated is None:
        validated = len(blocks) if outcome == "full" else (1 if outcome == "partial" else 0)
    return evaluation_services.jury_record(
        acting_user=staff["certifier"], pathway=pathway, session_date=pathway.jury_session_date, outcome=outcome,
        block_results=[(block, index < validated) for index, block in enumerate(blocks)],
    )  # fmt: skip


def approve_year_one(pathway, staff):
    """The OPCO approves the first contract year's funding file (the guard of admissibility → delivery)."""
    pathway = Pathway.objects.get(pk=pathway.pk)
    funding_file = FundingFile.objects.filter(pathway=pathway, contract_year=1).first()
    if funding_file is None:
        ensure_plan(pathway, staff)
        funding_file = funding_services.funding_file_create(
            acting_user=staff["project_holder"],
            pathway=pathway,
            requested=Amounts.parse({"teaching": "4000.00", "design": "500.00", "support": "1500.00"}),
        )
    if funding_file.status in ("draft", "changes_requested"):
        funding_file = funding_services.funding_file_submit(
            acting_user=staff["project_holder"], funding_file=funding_file
        )
    if funding_file.status != "approved":
        funding_services.funding_file_approve(
            acting_user=staff["opco"], funding_file=funding_file, approved=funding_file.requested
        )
    return funding_file


def show_to_opco(pathway, staff=None):
    """An OPCO sees a pathway through a funding file addressed to it, once submitted: submit year 1's."""
    staff = staff or staff_of(pathway)
    if not Contract.objects.filter(pathway=pathway).exists():
        add_contract(pathway)
    funding_file = FundingFile.objects.filter(pathway=pathway, contract_year=1).first()
    if funding_file is None:
        ensure_plan(pathway, staff)
        funding_file = funding_services.funding_file_create(
            acting_user=staff["project_holder"], pathway=pathway, requested=Amounts.of(teaching="1000.00")
        )
    if funding_file.status == "draft":
        funding_services.funding_file_submit(acting_user=staff["project_holder"], funding_file=funding_file)
    return pathway


def walk_to(pathway, phase, staff=None, moments=None):
    """Fulfil each guard and take each transition up to `phase`, through the services.

    `moments` ({step: datetime}) walks each step at that moment (time-machine): the log is append-only,
    so a timeline is lived, never rewritten.
    """
    staff = staff or staff_of(pathway)
    if phase == PathwayPhase.POSITIONING:
        return pathway
    for step in FORWARD[: FORWARD.index(phase) + 1]:
        moment = (moments or {}).get(step)
        with time_machine.travel(moment, tick=False) if moment else contextlib.nullcontext():
            pathway = Pathway.objects.get(pk=pathway.pk)
            fulfil_guards(pathway, step, staff)
            pathway = services.pathway_transition(acting_user=staff[ACTING_ROLE[step]], pathway=pathway, to=step)
    return pathway


CANDIDATE_PASSWORD = "mon-parcours-2026"


def candidate_account(pathway, staff=None, password=CANDIDATE_PASSWORD):
    """The pathway's candidate invited by their holder and activated through the link: their user."""
    from sesame.tokens import create_token

    from pathways import candidate_access
    from pathways.enums import CANDIDATE_INVITATION_SCOPE

    holder = (staff or {}).get("project_holder") or UserFactory(organisation=pathway.project_holder.organisation)
    candidate = candidate_access.candidate_invite(acting_user=holder, candidate=pathway.candidate)
    token = create_token(candidate.user, CANDIDATE_INVITATION_SCOPE)
    return candidate_access.candidate_activate(token=token, password=password)
