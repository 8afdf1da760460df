"""The demo's candidate accounts (« Mon parcours », product.md section 13): one activated, one invited.

candidat@demo.vae (password: the demo's) follows a pathway of porteur@demo.vae's holder in delivery or
evaluation, with its plan, acquired blocks when the demo has some, and a thread where the holder and the OPCO
wrote (with an attachment) and the candidate answered. A second candidate of the same holder is invited but
has not chosen a password yet (their link is in no mailbox: the demo sends no e-mail).
"""

import datetime

from django.core.files.base import ContentFile
from django.utils import timezone
from sesame.tokens import create_token

from evaluation.models import AcquiredBlock
from funding.models import FundingFile
from pathways import candidate_access, services
from pathways.enums import CANDIDATE_INVITATION_SCOPE, DocumentKind, PathwayPhase
from pathways.models import Candidate, Pathway
from vae_inversee.accounts.models import User
from vae_inversee.lib.pdf import render_pdf

ACTIVE_CANDIDATE_EMAIL = "candidat@demo.vae"
INVITED_CANDIDATE_EMAIL = "candidat.invite@demo.vae"
HOLDER_EMAIL = "porteur@demo.vae"
THREAD = [
    ("holder", "Bonjour, voici votre planning de formation pour les prochains mois. Bonne lecture !", True),
    ("opco", "Bonjour, votre financement est accordé. Gardez bien les feuilles d'émargement.", False),
    ("candidate", "Merci beaucoup. J'ai bien reçu le planning, tout me convient.", False),
]


def _candidate_pathway(holder_organisation):
    """A pathway of the holder in delivery or evaluation with a plan, preferably with acquired blocks."""
    pathways = (
        Pathway.objects.filter(
            project_holder__organisation=holder_organisation,
            phase__in=[PathwayPhase.DELIVERY, PathwayPhase.EVALUATION],
            plan_actions__isnull=False,
            candidate__user__isnull=True,
            candidate__anonymised_at__isnull=True,
        )
        .distinct()
        .order_by("pk")
    )
    with_blocks = pathways.filter(candidate__in=AcquiredBlock.objects.values("candidate")).first()
    return with_blocks or pathways.first()


def seed_candidate_accounts(password) -> int:
    """Once: returns how many candidate accounts were created (0 when they exist)."""
    if User.objects.filter(email=ACTIVE_CANDIDATE_EMAIL).exists():
        return 0
    holder = User.objects.select_related("membership__organisation").get(email=HOLDER_EMAIL)
    organisation = holder.organisation
    pathway = _candidate_pathway(organisation)
    if pathway is None:
        return 0
    candidate = pathway.candidate
    Candidate.objects.filter(pk=candidate.pk).update(email=ACTIVE_CANDIDATE_EMAIL)
    candidate = candidate_access.candidate_invite(acting_user=holder, candidate=Candidate.objects.get(pk=candidate.pk))
    user = candidate_access.candidate_activate(
        token=create_token(candidate.user, CANDIDATE_INVITATION_SCOPE), password=password
    )
    _thread(pathway, holder, user)
    # What the candidate was asked for, sent from « Mon parcours » (an « Autre pièce » of the pathway).
    certificate = render_pdf("pathways/pdf/demo_document.html", {"title": "Attestation de suivi de formation"})
    services.document_add(
        acting_user=user,
        pathway=pathway,
        kind=DocumentKind.OTHER,
        uploaded_file=ContentFile(certificate, name="attestation-suivi-formation.pdf"),
    )

    invited = (
        Candidate.objects.filter(project_holder__organisation=organisation, user__isnull=True, anonymised_at=None)
        .exclude(pk=candidate.pk)
        .filter(pathways__isnull=False)
        .order_by("pk")
        .first()
    )
    if invited is None:
        return 1
    Candidate.objects.filter(pk=invited.pk).update(email=INVITED_CANDIDATE_EMAIL)
    candidate_access.candidate_invite(acting_user=holder, candidate=Candidate.objects.get(pk=invited.pk))
    return 2


def _thread(pathway, holder, candidate_user):
    funding_file = FundingFile.objects.filter(pathway=pathway).exclude(status="draft").select_related("opco").first()
    opco_staff = (
        User.objects.filter(membership__organisation=funding_file.opco, is_active=True).order_by("pk").first()
        if funding_file
        else None
    )
    planning = render_pdf("pathways/pdf/demo_document.html", {"title": "Planning de formation"})
    authors = {"holder": holder, "opco": opco_staff, "candidate": candidate_user}
    for who, body, attached in THREAD:
        author = authors[who]
        if author is None:
            continue
        attachment = ContentFile(planning, name="planning-formation.pdf") if attached else None
        services.message_post(acting_user=author, pathway=pathway, body=body, attachment=attachment)
    # The candidate has read what was written before their answer; a later message of the companion is new.
    if pathway.companion_id:
        services.message_post(
            acting_user=pathway.companion,
            pathway=pathway,
            body="Bonjour, notre prochain rendez-vous est fixé au " + _next_week() + ". À bientôt !",
        )


def _next_week() -> str:
    return (timezone.localdate() + datetime.timedelta(days=7)).strftime("%d/%m/%Y")
