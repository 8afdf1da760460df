"""The demo's project applications (product.md section 10), walked through the services like the pathways.

Each demo holder gets one accepted project granting its ceiling, accepted before its first pathway (so
that API clients omitting `project` keep working), and the demo shows a project in every other status:
a draft, a submitted one, one sent back for complements, a complete one whose decision deadline passes
tomorrow, a rejected one and one deemed rejected by the daily task.
"""

import datetime

import time_machine
from django.core.files.base import ContentFile
from django.utils import timezone

from certifications.models import Certification
from pathways import project_deadlines, project_services
from pathways.enums import ProjectDocumentKind, ProjectPartnerRole, ProjectStatus
from pathways.models import Employer, Project
from vae_inversee.accounts.enums import Role
from vae_inversee.accounts.models import Organisation, User
from vae_inversee.lib.dates import add_months
from vae_inversee.lib.pdf import render_pdf

# Region codes (INSEE) of each demo holder.
HOLDER_REGIONS = {
    "GEIQ Propreté Île-de-France": ["11"],
    "Groupement Emploi Formation Hauts-de-France": ["32", "28"],
    "Association Compétences Occitanie": ["76"],
}
HOLDER_CERTIFICATIONS = {
    "GEIQ Propreté Île-de-France": ["RNCP90001"],
    "Groupement Emploi Formation Hauts-de-France": ["RNCP90002", "RNCP90001"],
    "Association Compétences Occitanie": ["RNCP90002"],
}
# The companion organisation every demo project names as partner.
COMPANION_PARTNER = "Cap Parcours VAE"

# (holder, title, status reached, requested pathways)
OTHER_PROJECTS = [
    ("GEIQ Propreté Île-de-France", "Propreté hospitalière — deuxième vague", ProjectStatus.DRAFT, 15),
    ("Groupement Emploi Formation Hauts-de-France", "Logistique du dernier kilomètre", ProjectStatus.SUBMITTED, 20),
    ("Association Compétences Occitanie", "Aide à domicile en zone rurale", ProjectStatus.COMPLEMENTS_REQUESTED, 12),
    ("GEIQ Propreté Île-de-France", "Propreté industrielle en Seine-Saint-Denis", ProjectStatus.COMPLETE, 10),
    ("Groupement Emploi Formation Hauts-de-France", "Agents de quai — Dunkerque", ProjectStatus.REJECTED, 30),
    ("Association Compétences Occitanie", "Viticulture et métiers de la vigne", ProjectStatus.DEEMED_REJECTED, 8),
]


def _at(day, hour=10):
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=datetime.UTC)


def _complete_day_for_deadline(deadline):
    """The day a file completed for its deadline to be `deadline` (or the nearest one after it)."""
    for offset in range(0, 5):
        for back in range(56, 66):
            day = deadline - datetime.timedelta(days=back)
            if add_months(day, 2) == deadline + datetime.timedelta(days=offset):
                return day
    return add_months(deadline, -2)


def _partners(holder):
    employers = list(Employer.objects.filter(project_holder=holder).order_by("pk")[:2])
    companion = Organisation.objects.get(name=COMPANION_PARTNER)
    partners = [{"name": e.name, "siret": e.siret, "role": ProjectPartnerRole.EMPLOYER} for e in employers]
    return [
        *partners,
        {"name": companion.name, "siret": companion.siret, "role": ProjectPartnerRole.COMPANION},
    ]


class _Walk:
    def __init__(self, staff, ministry, sheet):
        self.staff, self.ministry, self.sheet = staff, ministry, sheet

    def draft(self, holder_name, holder, title, requested, day):
        with time_machine.travel(_at(day, 9), tick=False):
            project = project_services.project_create(
                acting_user=self.staff,
                title=title,
                summary=f"Parcours de VAE inversée portés par {holder_name} avec ses employeurs partenaires.",
                regions=HOLDER_REGIONS[holder_name],
                sectors="Métiers en tension du territoire : propreté, aide à la personne, logistique",
                requested_pathways=requested,
                certifications=Certification.objects.filter(code__in=HOLDER_CERTIFICATIONS[holder_name]),
                partners=_partners(holder),
            )
            project_services.project_document_add(
                acting_user=self.staff,
                project=project,
                kind=ProjectDocumentKind.PROJECT_SHEET,
                uploaded_file=self.sheet(title),
            )
        return project

    def walk(self, project, target, day, *, granted=None):
        """Walk the project from draft to `target`, a few days per step from `day`."""
        if target == ProjectStatus.DRAFT:
            return project
        with time_machine.travel(_at(day), tick=False):
            project_services.project_submit(acting_user=self.staff, project=project)
        if target == ProjectStatus.SUBMITTED:
            return project
        if target == ProjectStatus.COMPLEMENTS_REQUESTED:
            with time_machine.travel(_at(day + datetime.timedelta(days=6)), tick=False):
                project_services.project_request_complements(
                    acting_user=self.ministry,
                    project=project,
                    reason="Joignez les lettres d'engagement signées des employeurs partenaires.",
                )
            return project
        complete_day = day + datetime.timedelta(days=7)
        with time_machine.travel(_at(complete_day), tick=False):
            project_services.project_mark_complete(acting_user=self.ministry, project=project)
        decision = _at(complete_day + datetime.timedelta(days=21))
        if target == ProjectStatus.ACCEPTED:
            with time_machine.travel(decision, tick=False):
                project_services.project_accept(
                    acting_user=self.ministry,
                    project=project,
                    granted_pathways=granted,
                    comment="Avis favorable de la DGEFP au titre de l'appel à projets.",
                )
        elif target == ProjectStatus.REJECTED:
            with time_machine.travel(decision, tick=False):
                project_services.project_reject(
                    acting_user=self.ministry,
                    project=project,
                    reason="Le projet ne démontre pas de besoin de recrutement dans des métiers en tension.",
                )
        return project


def seed_projects(holders, ceilings, report, holder_staff):
    """Idempotent: a project already there (same holder and title) is left as it is."""
    ministry = User.objects.filter(membership__role=Role.MINISTRY).order_by("pk").first()
    rendered = {}

    def sheet(title):
        if "sheet" not in rendered:
            rendered["sheet"] = render_pdf("pathways/pdf/demo_document.html", {"title": "Fiche projet signée"})
        return ContentFile(rendered["sheet"], name=f"Fiche projet — {title}.pdf")

    today = timezone.localdate()
    for name, holder in holders.items():
        title = f"VAE inversée — {name}"
        if Project.objects.filter(project_holder=holder, title=title).exists():
            report.tally("Projets", False)
            continue
        walk = _Walk(holder_staff[name], ministry, sheet)
        day = (holder.accepted_on or datetime.date(2023, 9, 1)) - datetime.timedelta(days=40)
        project = walk.draft(name, holder, title, ceilings[name] + 5, day)
        walk.walk(project, ProjectStatus.ACCEPTED, day + datetime.timedelta(days=2), granted=ceilings[name])
        report.tally("Projets", True)

    for name, title, target, requested in OTHER_PROJECTS:
        holder = holders[name]
        if Project.objects.filter(project_holder=holder, title=title).exists():
            report.tally("Projets", False)
            continue
        walk = _Walk(holder_staff[name], ministry, sheet)
        if target == ProjectStatus.COMPLETE:
            # Its decision deadline passes tomorrow: the Ministry has been reminded 15 and 3 days before.
            complete_day = _complete_day_for_deadline(today + datetime.timedelta(days=1))
            start = complete_day - datetime.timedelta(days=9)
        elif target == ProjectStatus.DEEMED_REJECTED:
            complete_day = today - datetime.timedelta(days=100)
            start = complete_day - datetime.timedelta(days=9)
        else:
            start = today - datetime.timedelta(days=20)
        project = walk.draft(name, holder, title, requested, start)
        walk.walk(project, target if target != ProjectStatus.DEEMED_REJECTED else ProjectStatus.COMPLETE,
                  start + datetime.timedelta(days=2))  # fmt: skip
        report.tally("Projets", True)
    # The daily task, as it would have run: the overdue file is deemed rejected.
    project_deadlines.projects_deem_rejected(today)
