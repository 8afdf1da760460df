"""A candidate's data for a right-of-access request (RGPD art. 15): one ZIP, `donnees.json` and the pieces.

Here, above pathways and funding, because the data spread over the three apps. `candidate_export` is
the service (the policy's "candidate.export", the scope, the access log); `candidate_data` reads, in a
fixed number of queries whatever the number of pathways. The NIR is in clear: it is the person's own.
"""

import json
import shutil
import tempfile
import zipfile

from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.text import get_valid_filename

from evaluation.models import Assessment, Jury, JuryBlockResult
from evaluation.selectors import acquired_blocks_of
from funding.enums import CATEGORIES
from funding.models import FundingFile
from pathways.models import CandidateAccessKind, Document, Pathway, PathwayTransition
from pathways.personal_data import candidate_access_record
from vae_inversee.lib import policy

OUT_OF_SCOPE = "Ce candidat appartient à un autre porteur de projet."
DATA_FILE = "donnees.json"
PIECES = "pieces"
# Beyond this size the archive is written to a temporary file rather than kept in memory.
IN_MEMORY_LIMIT = 20 * 1024 * 1024
README = (
    "Données personnelles détenues sur la plateforme VAE inversée à la date de l'export (RGPD, article 15) : "
    "identité, parcours et leurs phases, contrats, pièces (métadonnées ; les fichiers sont dans le dossier "
    "pieces/), avis, relevés de progression, jurys et blocs acquis, dossiers de financement."
)


def _person(user):
    return (user.get_full_name() or user.email) if user else None


def _choice(obj, field):
    value = getattr(obj, field)
    return {"code": value, "libelle": getattr(obj, f"get_{field}_display")()} if value else None


def _pathways(candidate):
    return list(
        Pathway.objects.filter(candidate=candidate)
        .select_related("certification", "employer", "companion", "contract", "support_opinion", "admissibility")
        .prefetch_related(
            "target_blocks",
            Prefetch("transitions", queryset=PathwayTransition.objects.select_related("by").order_by("at", "pk")),
            Prefetch("documents", queryset=Document.objects.select_related("uploaded_by").order_by("uploaded_at")),
            Prefetch(
                "assessments", queryset=Assessment.objects.select_related("skill_block").order_by("assessed_at", "pk")
            ),
            Prefetch(
                "juries",
                queryset=Jury.objects.prefetch_related(
                    Prefetch("block_results", queryset=JuryBlockResult.objects.select_related("skill_block"))
                ).order_by("attempt"),
            ),
            Prefetch("funding_files", queryset=FundingFile.objects.order_by("contract_year")),
        )
        .order_by("created_at", "pk")
    )


def _piece_path(pathway, document) -> str:
    return f"{PIECES}/{pathway.reference or pathway.pk}/{document.pk}-{get_valid_filename(document.original_name)}"


def _contract(pathway):
    contract = getattr(pathway, "contract", None)
    if contract is None:
        return None
    return {
        "conclu_le": contract.signed_on,
        "debut": contract.start_date,
        "fin": contract.end_date,
        "duree_hebdomadaire_heures": contract.weekly_hours,
        "salaire_mensuel_brut_euros": contract.monthly_gross_salary,
        "tuteur": contract.tutor_name,
        "tuteur_employeur": contract.tutor_is_employer,
    }


def _decision(record, **fields):
    if record is None:
        return None
    return {**fields, "commentaire": record.comment}


def _funding_file(funding_file):
    def amounts(prefix):
        values = {category.value: getattr(funding_file, f"{prefix}_{category}") for category in CATEGORIES}
        return None if all(value is None for value in values.values()) else values

    return {
        "annee_de_contrat": funding_file.contract_year,
        "statut": _choice(funding_file, "status"),
        "mois_couverts": funding_file.months,
        "demande_euros": amounts("requested"),
        "accorde_euros": amounts("approved"),
        "motif": funding_file.decision_reason,
        "transmis_le": funding_file.submitted_at,
        "decide_le": funding_file.decided_at,
    }


def _pathway(pathway, pieces):
    documents = []
    for document in pathway.documents.all():
        path = _piece_path(pathway, document) if document.file else None
        if path:
            pieces.append((path, document))
        documents.append(
            {
                "type": _choice(document, "kind"),
                "nom_d_origine": document.original_name,
                "type_de_contenu": document.content_type,
                "taille_octets": document.size,
                "deposee_le": document.uploaded_at,
                "deposee_par": _person(document.uploaded_by),
                "fichier": path,
            }
        )
    opinion, admissibility = getattr(pathway, "support_opinion", None), getattr(pathway, "admissibility", None)
    return {
        "reference": pathway.reference,
        "phase": _choice(pathway, "phase"),
        "dans_la_phase_depuis": pathway.phase_changed_at,
        "cree_le": pathway.created_at,
        "certification": {"code": pathway.certification.code, "intitule": pathway.certification.title},
        "blocs_vises": [
            {"code": block.code, "intitule": block.title}
            for block in sorted(pathway.target_blocks.all(), key=lambda block: block.code)
        ],
        "employeur": {"raison_sociale": pathway.employer.name, "siret": pathway.employer.siret},
        "accompagnateur": _person(pathway.companion),
        "motif_abandon": pathway.abandon_reason,
        "date_session_jury": pathway.jury_session_date,
        "changements_de_phase": [
            {
                "de": _choice(log, "from_phase"),
                "vers": _choice(log, "to_phase"),
                "le": log.at,
                "par": _person(log.by),
                "commentaire": log.comment,
            }
            for log in pathway.transitions.all()
        ],
        "contrat": _contract(pathway),
        "pieces": documents,
        "avis_accompagnement": opinion
        and _decision(
            opinion,
            adequation_poste_certification=opinion.job_match,
            parcours_pedagogique=opinion.pedagogical_path,
            rendu_le=opinion.given_at,
        ),
        "recevabilite": admissibility
        and _decision(admissibility, decision=_choice(admissibility, "decision"), decidee_le=admissibility.decided_at),
        "releves_de_progression": [
            {
                "bloc": assessment.skill_block.code if assessment.skill_block else None,
                "niveau": _choice(assessment, "level"),
                "date": assessment.assessed_at,
                "moment": assessment.moment,
                "commentaire": assessment.comment,
            }
            for assessment in pathway.assessments.all()
        ],
        "jurys": [
            {
                "passage": jury.attempt,
                "date_session": jury.session_date,
                "resultat": _choice(jury, "outcome"),
                "blocs_vises": jury.blocks_targeted,
                "blocs_valides": jury.blocks_validated,
                "observations": jury.comment,
                "resultats_par_bloc": [
                    {"bloc": result.skill_block.code, "valide": result.validated}
                    for result in sorted(jury.block_results.all(), key=lambda result: result.skill_block.code)
                ],
            }
            for jury in pathway.juries.all()
        ],
        "dossiers_de_financement": [_funding_file(funding_file) for funding_file in pathway.funding_files.all()],
    }


def candidate_data(candidate, *, acting_user=None) -> tuple[dict, list]:
    """(the content of donnees.json, [(path in the ZIP, Document)] of the stored pieces)."""
    pieces = []
    data = {
        "export": {
            "genere_le": timezone.now(),
            "par": _person(acting_user),
            "porteur_de_projet": candidate.project_holder.organisation.name,
            "contenu": README,
        },
        "identite": {
            "prenom": candidate.first_name,
            "nom": candidate.last_name,
            "date_de_naissance": candidate.birth_date,
            "adresse_electronique": candidate.email,
            "plus_haut_diplome": _choice(candidate, "highest_qualification"),
            "nir": candidate.nir,
            "enregistre_le": candidate.created_at,
            "anonymise_le": candidate.anonymised_at,
        },
        "blocs_acquis": [
            {
                "bloc": acquired.skill_block.code,
                "intitule": acquired.skill_block.title,
                "certification": acquired.skill_block.certification.code,
                "acquis_le": acquired.acquired_on,
                "parcours": acquired.jury.pathway.reference,
            }
            for acquired in acquired_blocks_of(candidate)
        ],
    }
    data["parcours"] = [_pathway(pathway, pieces) for pathway in _pathways(candidate)]
    return data, pieces


def candidate_export(*, acting_user, candidate):
    """The ZIP (an open binary file, at its start) of `candidate`'s data; the export is logged."""
    policy.require_role(acting_user, "candidate.export")
    policy.require_visible(acting_user, candidate, OUT_OF_SCOPE)
    policy.authorize(acting_user, "candidate.export", candidate)
    data, pieces = candidate_data(candidate, acting_user=acting_user)
    missing = []
    archive = tempfile.SpooledTemporaryFile(max_size=IN_MEMORY_LIMIT)
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as zipped:
        for path, document in pieces:
            try:
                with document.file.open("rb") as source, zipped.open(path, "w") as target:
                    shutil.copyfileobj(source, target, 1024 * 1024)
            except FileNotFoundError:
                missing.append(path)
        data["export"]["fichiers_introuvables"] = missing
        zipped.writestr(DATA_FILE, json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2))
    candidate_access_record(acting_user=acting_user, candidate=candidate, kind=CandidateAccessKind.EXPORT)
    archive.seek(0)
    return archive
