"""The demo data set of `make run` (product.md section 7). Idempotent: keyed on natural keys.

Organisations and people are fictitious; SIRETs are built to pass the Luhn check, IDCCs and
OPCOs are real, and the catalogue is the real France Compétences sample plus a handful of
certifications open to VAE, marked as demonstration sheets.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import time_machine
from django.core.files.base import ContentFile
from django.db import transaction
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from stdnum import luhn

from certifications.enums import VAE_ACCESS_ROUTE, Register
from certifications.importer import import_rncp_export
from certifications.models import AccessRoute, Certification, Certifier, SkillBlock
from evaluation import services as evaluation_services
from evaluation import sessions as evaluation_sessions
from evaluation.enums import JuryOutcome, ProgressLevel
from funding import services as funding_services
from funding.models import FundingFile, FundingPolicy
from funding.money import Amounts
from funding.reference import load_default_policy
from pathways import services
from pathways.contracts import minimum_monthly_salary
from pathways.enums import AdmissibilityDecision, DocumentKind, HighestQualification, PathwayPhase
from pathways.models import Candidate, Employer, Pathway, PathwayMessage, ProjectHolder, SmicRate
from pathways.reference import load_smic_rates
from vae_inversee.accounts import services as account_services
from vae_inversee.accounts.enums import OrganisationKind, Role
from vae_inversee.accounts.models import CollectiveAgreement, IdccOpco, Membership, Organisation, SavedFilter, User
from vae_inversee.accounts.reference import load_reference_data
from vae_inversee.accounts.selectors import opco_for_idcc
from vae_inversee.demo.candidates import seed_candidate_accounts
from vae_inversee.demo.money_flow import demo_plan, seed_payments
from vae_inversee.demo.outcomes import seed_outcomes
from vae_inversee.demo.projects import seed_projects
from vae_inversee.lib.pdf import render_pdf
from vae_inversee.notifications.models import DailySummary, EmailRhythm, Notification
from vae_inversee.webhooks import events as webhook_events
from vae_inversee.webhooks import services as webhook_services
from vae_inversee.webhooks.models import WebhookEndpoint

DEMO_PASSWORD = "demo-vae-2026"
DEMO_NIR = "294037505605422"
SAMPLE_EXPORT = Path(__file__).resolve().parents[2] / "certifications" / "data" / "export-fiches-csv-2024-02-22.zip"


def siret(first13: str) -> str:
    """A valid SIRET from 13 digits: the 9th digit is replaced so the SIREN passes Luhn, the 14th so the SIRET does."""
    siren = first13[:8] + luhn.calc_check_digit(first13[:8])
    body = siren + first13[9:13]
    return body + luhn.calc_check_digit(body)


# (name, kind, siret, region)
ORGANISATIONS = [
    ("GEIQ Propreté Île-de-France", OrganisationKind.PROJECT_HOLDER, siret("5123456780001"), "Île-de-France"),
    (
        "Groupement Emploi Formation Hauts-de-France",
        OrganisationKind.PROJECT_HOLDER,
        siret("5234567890001"),
        "Hauts-de-France",
    ),
    ("Association Compétences Occitanie", OrganisationKind.PROJECT_HOLDER, siret("5345678900001"), "Occitanie"),
    ("Cap Parcours VAE", OrganisationKind.COMPANION, siret("8123456780001"), "Île-de-France"),
    ("AAP Sud Accompagnement", OrganisationKind.COMPANION, siret("8234567890001"), "Occitanie"),
    (
        "Ministère du Travail — titres professionnels",
        OrganisationKind.CERTIFIER,
        siret("1100000720001"),
        "Île-de-France",
    ),
    (
        "UIMM — certificats de qualification paritaire de la métallurgie",
        OrganisationKind.CERTIFIER,
        siret("7752369930002"),
        "Île-de-France",
    ),
    ("Éducation nationale — diplômes professionnels", OrganisationKind.CERTIFIER, "11004301500012", "Île-de-France"),
    ("Ministère du Travail — DGEFP", OrganisationKind.MINISTRY, siret("1100000720002"), "Île-de-France"),
]

# Laureates of the national call: (organisation, laureate reference, pathway ceiling, notice date)
PROJECT_HOLDERS = [
    ("GEIQ Propreté Île-de-France", "AAP-VAEI-2023-014", 40, "2023-09-12"),
    ("Groupement Emploi Formation Hauts-de-France", "AAP-VAEI-2023-027", 25, "2023-10-03"),
    ("Association Compétences Occitanie", "AAP-VAEI-2024-006", 20, "2024-02-20"),
]

# (e-mail, first name, last name, organisation name or OPCO code)
PEOPLE = [
    ("porteur@demo.vae", "Camille", "Laurent", "GEIQ Propreté Île-de-France"),
    ("porteur.hdf@demo.vae", "Nicolas", "Lefebvre", "Groupement Emploi Formation Hauts-de-France"),
    ("porteur.occitanie@demo.vae", "Inès", "Garcia", "Association Compétences Occitanie"),
    ("accompagnateur@demo.vae", "Julien", "Moreau", "Cap Parcours VAE"),
    ("accompagnatrice@demo.vae", "Sophie", "Bernard", "Cap Parcours VAE"),
    ("accompagnateur.sud@demo.vae", "Karim", "Benali", "AAP Sud Accompagnement"),
    ("opco@demo.vae", "Claire", "Dubois", "AKTO"),
    ("opco.ep@demo.vae", "Thomas", "Petit", "OPCOEP"),
    ("opco.uniformation@demo.vae", "Aurélie", "Roux", "UNIFORMATION"),
    ("opco.sante@demo.vae", "Marc", "Fontaine", "OPCOSANTE"),
    ("opco.2i@demo.vae", "Stéphane", "Carpentier", "OPCO2I"),
    ("certificateur@demo.vae", "Nathalie", "Girard", "Ministère du Travail — titres professionnels"),
    (
        "certificateur.uimm@demo.vae",
        "Philippe",
        "Mercier",
        "UIMM — certificats de qualification paritaire de la métallurgie",
    ),
    ("certificateur.en@demo.vae", "Hélène", "Blanc", "Éducation nationale — diplômes professionnels"),
    ("ministere@demo.vae", "Élise", "Marchand", "Ministère du Travail — DGEFP"),
]

# Demonstration sheets open to VAE: (code, title, abbreviation, level, certifier org, [(block title)])
DEMO_CERTIFICATIONS = [
    (
        "RNCP90001",
        "Agent de propreté et d'hygiène",
        "Titre professionnel",
        3,
        "Ministère du Travail — titres professionnels",
        [
            "Réaliser une prestation de nettoyage manuel",
            "Réaliser une prestation de nettoyage mécanisé",
            "Réaliser une prestation de remise en état mécanisée",
        ],
    ),
    (
        "RNCP90002",
        "Assistant de vie aux familles",
        "Titre professionnel",
        3,
        "Ministère du Travail — titres professionnels",
        [
            "Entretenir le logement et le linge d'un particulier",
            "Accompagner la personne dans les actes essentiels du quotidien",
            "Relayer les parents dans la prise en charge des enfants à leur domicile",
        ],
    ),
    (
        "RNCP90003",
        "Cuisinier",
        "Titre professionnel",
        3,
        "Ministère du Travail — titres professionnels",
        [
            "Préparer, cuire et dresser des entrées froides et chaudes",
            "Préparer, cuire et dresser des plats chauds et des desserts",
            "Organiser la production culinaire en restauration traditionnelle",
            "Assurer l'hygiène et la sécurité en cuisine",
        ],
    ),
    (
        "RNCP90004",
        "Agent de restauration",
        "Titre professionnel",
        3,
        "Ministère du Travail — titres professionnels",
        [
            "Préparer en assemblage des hors-d'œuvre, des desserts et des préparations culinaires",
            "Réaliser des grillades et remettre en température des préparations culinaires",
            "Accueillir les clients et distribuer les plats en restauration self-service",
            "Réaliser le lavage de la vaisselle et l'entretien des locaux",
        ],
    ),
    (
        "RNCP90005",
        "Opérateur régleur sur machine-outil à commande numérique",
        "CQPM",
        3,
        "UIMM — certificats de qualification paritaire de la métallurgie",
        [
            "Préparer la production sur machine-outil à commande numérique",
            "Régler la machine et lancer la production",
            "Conduire la production et contrôler les pièces",
            "Assurer la maintenance de premier niveau",
            "Communiquer et rendre compte de son activité",
        ],
    ),
    (
        "RNCP90006",
        "Accompagnant éducatif petite enfance",
        "CAP",
        3,
        "Éducation nationale — diplômes professionnels",
        [
            "Accompagner le développement du jeune enfant",
            "Exercer son activité en accueil collectif",
            "Exercer son activité en accueil individuel",
        ],
    ),
]
DEMO_ACCESS_ROUTES = [VAE_ACCESS_ROUTE, "En contrat de professionnalisation", "Après un parcours de formation continue"]

# (project holder, name, 13 first SIRET digits, IDCC, address)
EMPLOYERS = [
    (
        "GEIQ Propreté Île-de-France",
        "Nettoyage Services Franciliens",
        "4123456780001",
        "3043",
        "12 rue de la Roquette, 75011 Paris",
    ),
    ("GEIQ Propreté Île-de-France", "Brasserie du Canal", "4234567890001", "1979", "48 quai de Valmy, 75010 Paris"),
    (
        "GEIQ Propreté Île-de-France",
        "Institut de formation Avenir Métiers",
        "4345678900001",
        "1516",
        "5 avenue Jean-Jaurès, 93100 Montreuil",
    ),
    (
        "Groupement Emploi Formation Hauts-de-France",
        "Aide à Domicile Métropole",
        "4456789010001",
        "2941",
        "27 boulevard de la Liberté, 59000 Lille",
    ),
    (
        "Groupement Emploi Formation Hauts-de-France",
        "Chimie du Nord Industrie",
        "4567890120001",
        "0044",
        "3 rue de l'Usine, 59300 Valenciennes",
    ),
    (
        "Groupement Emploi Formation Hauts-de-France",
        "Crèche Les Petits Pas",
        "4678901230001",
        "1261",
        "9 rue Nationale, 62000 Arras",
    ),
    (
        "Association Compétences Occitanie",
        "Clinique Saint-Roch",
        "4789012340001",
        "2264",
        "560 avenue du Colonel-Pavelet, 34000 Montpellier",
    ),
    (
        "Association Compétences Occitanie",
        "Boulangerie Martin",
        "4890123450001",
        "0843",
        "2 place du Capitole, 31000 Toulouse",
    ),
    (
        "Association Compétences Occitanie",
        "Restaurant La Garrigue",
        "4901234560001",
        "1979",
        "14 rue de l'Aiguillerie, 34000 Montpellier",
    ),
]

# (project holder, first name, last name, birth date, qualification)
CANDIDATES = [
    ("GEIQ Propreté Île-de-France", "Aminata", "Diallo", "1994-03-12", HighestQualification.NONE),
    ("GEIQ Propreté Île-de-France", "Kevin", "Martin", "2004-07-25", HighestQualification.BELOW_BAC_PRO),
    ("GEIQ Propreté Île-de-France", "Fatima", "El Amrani", "1987-11-02", HighestQualification.BELOW_BAC_PRO),
    ("GEIQ Propreté Île-de-France", "Lucas", "Robert", "2006-01-30", HighestQualification.NONE),
    ("GEIQ Propreté Île-de-France", "Mariana", "Pereira", "1979-05-18", HighestQualification.NONE),
    ("GEIQ Propreté Île-de-France", "Jordan", "Leroy", "2001-09-09", HighestQualification.BAC_PRO_OR_ABOVE),
    ("GEIQ Propreté Île-de-France", "Sandrine", "Morel", "1972-02-14", HighestQualification.BELOW_BAC_PRO),
    (
        "Groupement Emploi Formation Hauts-de-France",
        "Océane",
        "Dupont",
        "2003-04-04",
        HighestQualification.BAC_PRO_OR_ABOVE,
    ),
    ("Groupement Emploi Formation Hauts-de-France", "Mehdi", "Haddad", "1990-12-21", HighestQualification.NONE),
    (
        "Groupement Emploi Formation Hauts-de-France",
        "Chloé",
        "Lambert",
        "1998-06-06",
        HighestQualification.BELOW_BAC_PRO,
    ),
    (
        "Groupement Emploi Formation Hauts-de-France",
        "Patrick",
        "Vasseur",
        "1968-08-17",
        HighestQualification.BELOW_BAC_PRO,
    ),
    ("Groupement Emploi Formation Hauts-de-France", "Léa", "Caron", "2005-10-01", HighestQualification.NONE),
    ("Association Compétences Occitanie", "Yanis", "Ferrand", "2002-02-28", HighestQualification.BELOW_BAC_PRO),
    ("Association Compétences Occitanie", "Nadia", "Bouzid", "1985-07-07", HighestQualification.BAC_PRO_OR_ABOVE),
    ("Association Compétences Occitanie", "Hugo", "Fabre", "1999-11-11", HighestQualification.NONE),
    ("Association Compétences Occitanie", "Marie", "Rouquette", "1976-03-03", HighestQualification.BELOW_BAC_PRO),
]


# More candidates so that every phase has several pathways: (first name, last name, birth year, qualification).
EXTRA_FIRST_NAMES = [
    "Samir",
    "Julie",
    "Moussa",
    "Élodie",
    "Thierry",
    "Anaïs",
    "Bruno",
    "Kadiatou",
    "Romain",
    "Linda",
    "Yacine",
    "Céline",
    "Dylan",
    "Fatou",
    "Gérald",
    "Manon",
    "Ibrahim",
    "Nadège",
]
EXTRA_LAST_NAMES = [
    "Girard",
    "Bonnet",
    "Traoré",
    "Lopez",
    "Faure",
    "Mercier",
    "Chevalier",
    "Camara",
    "Gauthier",
    "Perrin",
    "Morin",
    "Nicolas",
    "Henry",
    "Sow",
    "Roussel",
    "Lemoine",
    "Benhamou",
    "Collet",
]
QUALIFICATIONS = [HighestQualification.NONE, HighestQualification.BELOW_BAC_PRO, HighestQualification.BAC_PRO_OR_ABOVE]

# Demo pathways: (project holder, employer name, certification code, target phase), each on its own candidate.
_P = PathwayPhase
PATHWAY_PLAN = (
    [("GEIQ Propreté Île-de-France", "Nettoyage Services Franciliens", "RNCP90001", phase) for phase in
     [_P.POSITIONING, _P.POSITIONING, _P.SUPPORT, _P.SUPPORT, _P.ADMISSIBILITY, _P.ADMISSIBILITY, _P.DELIVERY,
      _P.DELIVERY, _P.EVALUATION, _P.EVALUATION, _P.EVALUATION, _P.COMPLETED, _P.ABANDONED]]
    + [("GEIQ Propreté Île-de-France", "Brasserie du Canal", "RNCP90004", phase) for phase in
       [_P.POSITIONING, _P.SUPPORT, _P.ADMISSIBILITY, _P.DELIVERY, _P.EVALUATION, _P.COMPLETED]]
    + [("GEIQ Propreté Île-de-France", "Institut de formation Avenir Métiers", "RNCP90002", phase) for phase in
       [_P.POSITIONING, _P.ADMISSIBILITY, _P.DELIVERY]]
    + [("Groupement Emploi Formation Hauts-de-France", "Aide à Domicile Métropole", "RNCP90002", phase) for phase in
       [_P.POSITIONING, _P.SUPPORT, _P.ADMISSIBILITY, _P.DELIVERY, _P.EVALUATION, _P.EVALUATION, _P.ABANDONED]]
    + [("Groupement Emploi Formation Hauts-de-France", "Chimie du Nord Industrie", "RNCP90005", phase) for phase in
       [_P.POSITIONING, _P.SUPPORT, _P.DELIVERY, _P.COMPLETED]]
    + [("Groupement Emploi Formation Hauts-de-France", "Crèche Les Petits Pas", "RNCP90006", phase) for phase in
       [_P.POSITIONING, _P.ADMISSIBILITY, _P.DELIVERY]]
    + [("Association Compétences Occitanie", "Clinique Saint-Roch", "RNCP90001", phase) for phase in
       [_P.POSITIONING, _P.SUPPORT, _P.ADMISSIBILITY, _P.DELIVERY, _P.ABANDONED]]
    + [("Association Compétences Occitanie", "Boulangerie Martin", "RS6117", phase) for phase in
       [_P.POSITIONING, _P.SUPPORT]]
    + [("Association Compétences Occitanie", "Restaurant La Garrigue", "RNCP90003", phase) for phase in
       [_P.POSITIONING, _P.SUPPORT, _P.ADMISSIBILITY, _P.DELIVERY, _P.EVALUATION, _P.COMPLETED, _P.ABANDONED]]
)  # fmt: skip
COMPANIONS = {
    "GEIQ Propreté Île-de-France": ["accompagnateur@demo.vae", "accompagnatrice@demo.vae"],
    "Groupement Emploi Formation Hauts-de-France": ["accompagnateur@demo.vae", "accompagnatrice@demo.vae"],
    "Association Compétences Occitanie": ["accompagnateur.sud@demo.vae"],
}
HOLDER_STAFF = {
    "GEIQ Propreté Île-de-France": "porteur@demo.vae",
    "Groupement Emploi Formation Hauts-de-France": "porteur.hdf@demo.vae",
    "Association Compétences Occitanie": "porteur.occitanie@demo.vae",
}
ABANDON_REASONS = [
    "Rupture du contrat pendant la période d'essai.",
    "Le candidat a trouvé un emploi en CDI dans une autre entreprise.",
    "Déménagement du candidat hors de la région.",
    "Raisons de santé.",
]
TUTORS = ["Sylvie Marchal", "Didier Lacroix", "Karima Saïdi", "Pascal Renaud", "Agnès Colin", "Hervé Dumas",
          "Nora Belkacem", "Olivier Brun", "Isabelle Giraud", "Franck Noël", "Valérie Picard", "Jean-Luc Arnaud",
          "Sabrina Klein", "Laurent Vidal", "Corinne Masson", "Rachid Ouali", "Émilie Barbier"]  # fmt: skip


class _Report(list):
    def tally(self, label, created):
        key = (label, created)
        self.counts[key] = self.counts.get(key, 0) + 1

    def __init__(self):
        super().__init__()
        self.counts = {}

    def finish(self):
        labels = sorted({label for label, _ in self.counts})
        for label in labels:
            self.append(
                f"{label} : {self.counts.get((label, True), 0)} créé(s), {self.counts.get((label, False), 0)} déjà présent(s)"
            )
        return self


def seed_demo() -> list[str]:
    # The demo's hundred phase changes would each send a notification e-mail: not at start-up.
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
        with transaction.atomic():
            return _seed()


def _seed() -> list[str]:
    report = _Report()
    # Reference data normally comes with the migrations; a flushed database (browser tests) lacks it.
    load_reference_data(Organisation, IdccOpco, CollectiveAgreement)
    load_smic_rates(SmicRate)
    load_default_policy(FundingPolicy)
    import_report = import_rncp_export(SAMPLE_EXPORT)
    report.append(f"Catalogue France Compétences (échantillon) : {import_report.summary()}")

    organisations = {org.code: org for org in Organisation.objects.opcos()}
    for name, kind, siret_value, region in ORGANISATIONS:
        org, created = Organisation.objects.update_or_create(
            name=name, kind=kind, defaults={"siret": siret_value, "region": region}
        )
        organisations[name] = org
        report.tally("Organisations", created)

    for email, first_name, last_name, org_key in PEOPLE:
        organisation = organisations[org_key]
        user, created = User.objects.get_or_create(
            email=email, defaults={"first_name": first_name, "last_name": last_name}
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        # The first person of each organisation is its admin (every organisation has one, section 2).
        first_of_organisation = not Membership.objects.filter(organisation=organisation).exclude(user=user).exists()
        Membership.objects.update_or_create(
            user=user,
            defaults={"organisation": organisation, "role": Role(organisation.kind)},
            create_defaults={
                "organisation": organisation,
                "role": Role(organisation.kind),
                "is_admin": first_of_organisation,
            },
        )
        report.tally("Comptes", created)

    holders, ceilings = {}, {}
    for name, reference, ceiling, accepted_on in PROJECT_HOLDERS:
        holders[name], created = ProjectHolder.objects.update_or_create(
            organisation=organisations[name],
            defaults={
                "laureate_reference": reference,
                "accepted_on": datetime.date.fromisoformat(accepted_on),
            },
        )
        report.tally("Porteurs de projet lauréats", created)
        ceilings[name] = ceiling

    admin, created = User.objects.get_or_create(
        email="admin@demo.vae",
        defaults={"first_name": "Admin", "last_name": "Plateforme", "is_staff": True, "is_superuser": True},
    )
    if created:
        admin.set_password(DEMO_PASSWORD)
        admin.save(update_fields=["password"])
    report.tally("Comptes", created)

    routes = [AccessRoute.objects.get_or_create(label=label)[0] for label in DEMO_ACCESS_ROUTES]
    for code, title, abbreviation, level, certifier_org, blocks in DEMO_CERTIFICATIONS:
        certifier_organisation = organisations[certifier_org]
        # Keep the name the France Compétences export gives a known certifier; only link it.
        certifier, _ = Certifier.objects.get_or_create(
            siret=certifier_organisation.siret, defaults={"name": certifier_organisation.name}
        )
        if certifier.organisation_id != certifier_organisation.pk:
            certifier.organisation = certifier_organisation
            certifier.save(update_fields=["organisation"])
        certification, created = Certification.objects.update_or_create(
            code=code,
            defaults={
                "register": Register.RNCP,
                "title": title,
                "abbreviation": abbreviation,
                "level": level,
                "active": True,
                "registration_type": "Fiche de démonstration",
                "registered_until": datetime.date(2028, 12, 31),
            },
        )
        certification.certifiers.add(certifier)
        certification.access_routes.add(*routes)
        for index, block_title in enumerate(blocks, start=1):
            SkillBlock.objects.update_or_create(
                code=f"{code}BC{index:02d}", defaults={"certification": certification, "title": block_title}
            )
        report.tally("Certifications de démonstration", created)
    # The sample's Éducation nationale certifier is the demo's Éducation nationale organisation.
    Certifier.objects.filter(siret="11004301500012").update(
        organisation=organisations["Éducation nationale — diplômes professionnels"]
    )

    for holder, name, first13, idcc, address in EMPLOYERS:
        _, created = Employer.objects.update_or_create(
            project_holder=holders[holder],
            siret=siret(first13),
            defaults={"name": name, "idcc": idcc, "opco": opco_for_idcc(idcc), "address": address},
        )
        report.tally("Employeurs", created)

    for holder, first_name, last_name, birth_date, qualification in CANDIDATES:
        slug = f"{first_name}.{last_name}".lower().replace(" ", "-").replace("é", "e").replace("ï", "i")
        _, created = Candidate.objects.update_or_create(
            project_holder=holders[holder],
            first_name=first_name,
            last_name=last_name,
            defaults={
                "birth_date": datetime.date.fromisoformat(birth_date),
                "highest_qualification": qualification,
                "email": f"{slug}@exemple.fr",
            },
        )
        report.tally("Candidats", created)
    # One NIR (fictitious, valid key, matching the birth date): the candidate record shows it masked. The
    # field encrypts it; the filter keeps a second run from writing it again.
    Candidate.objects.filter(first_name="Aminata", last_name="Diallo", nir="").update(nir=DEMO_NIR)

    for index, first_name in enumerate(EXTRA_FIRST_NAMES * 3):
        holder = list(holders)[index % 3]
        last_name = EXTRA_LAST_NAMES[(index * 7 + index // 18) % len(EXTRA_LAST_NAMES)]
        _, created = Candidate.objects.update_or_create(
            project_holder=holders[holder],
            first_name=first_name,
            last_name=last_name,
            defaults={
                "birth_date": datetime.date(1968 + (index * 5) % 37, 1 + index % 12, 1 + (index * 3) % 28),
                "highest_qualification": QUALIFICATIONS[index % 3],
                "email": "",
            },
        )
        report.tally("Candidats", created)

    seed_projects(holders, ceilings, report, {name: User.objects.get(email=HOLDER_STAFF[name]) for name in holders})
    _seed_webhooks(report)
    _seed_invitations(report)
    created_pathways = _seed_pathways(holders)
    outcomes = seed_outcomes(holders)
    created_requests = seed_payments(
        list(User.objects.filter(membership__isnull=False).select_related("membership__organisation").order_by("pk"))
    )
    report.append(f"Demandes de paiement : {created_requests} créé(s)")
    report.append(f"Messages, notes internes et assignations : {_seed_working_together()} parcours")
    report.append(f"Filtres enregistrés : {_seed_saved_filters()} créé(s)")
    report.append(f"Sessions de jury : {_seed_jury_sessions()} candidat(s) convoqué(s)")
    report.append(f"Comptes de candidats (« Mon parcours ») : {seed_candidate_accounts(DEMO_PASSWORD)} créé(s)")
    # The demo's history happened "in the past": its notifications are already read and mailed.
    Notification.objects.filter(read_at__isnull=True).update(read_at=timezone.now(), emailed_at=timezone.now())
    report.append(f"Résumé quotidien des courriels : {_seed_daily_summary()}")
    report.append(
        f"Parcours : {created_pathways} créé(s), {Pathway.objects.count() - created_pathways} déjà présent(s)"
    )
    report.append(f"Situations à l'issue des parcours : {outcomes} enregistrée(s)")
    return report.finish()


# One user on the daily summary (issue 13): yesterday's summary sent, two notifications waiting for the next.
SUMMARY_USER = "accompagnatrice@demo.vae"
SUMMARY_NOTIFICATIONS = [
    # (event key, days ago, in yesterday's summary, subject)
    ("demo-resume:1", 2, True, "Un parcours que vous accompagnez est passé en recevabilité"),
    ("demo-resume:2", 2, True, "Nouveau message sur un parcours que vous accompagnez"),
    ("demo-resume:3", 0, False, "Le certificateur a déclaré un dossier recevable"),
    ("demo-resume:4", 0, False, "Nouveau message sur un parcours que vous accompagnez"),
]


def _seed_daily_summary() -> str:
    user = User.objects.get(email=SUMMARY_USER)
    EmailRhythm.objects.update_or_create(user=user, defaults={"daily_summary": True})
    now = timezone.now()
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    summary, _ = DailySummary.objects.get_or_create(recipient=user, day=yesterday, defaults={"emailed_at": now})
    link = reverse("notifications:inbox")
    for event_key, days_ago, summarised, subject in SUMMARY_NOTIFICATIONS:
        notification, created = Notification.objects.get_or_create(
            recipient=user,
            event_key=event_key,
            defaults={"category": "message", "subject": subject, "body": subject + ".", "link": link},
        )
        if created:
            Notification.objects.filter(pk=notification.pk).update(
                created_at=now - datetime.timedelta(days=days_ago, hours=3),
                emailed_at=now - datetime.timedelta(days=1) if summarised else None,
            )
        if summarised:
            summary.notifications.add(notification)
    return f"{SUMMARY_USER} le reçoit (celui d'hier envoyé, deux notifications en attente du prochain)"


# Webhooks (product.md section 14): nothing listens on port 9, so the demo shows their failures, the retries
# waiting, and the holder's endpoint disabled after too many failures (its admin notified).
DEMO_WEBHOOKS = [
    ("porteur@demo.vae", "http://127.0.0.1:9/demo/porteur", list(webhook_events.EVENTS), "Logiciel de gestion"),
    ("opco@demo.vae", "http://127.0.0.1:9/demo/opco", ["funding_file.decided"], "Back-office OPCO"),
]


def _seed_webhooks(report):
    for email, url, events, description in DEMO_WEBHOOKS:
        user = User.objects.select_related("membership").get(email=email)
        organisation = user.membership.organisation
        if not Membership.objects.filter(organisation=organisation, is_admin=True).exists():
            Membership.objects.filter(user=user).update(is_admin=True)
            user.membership.refresh_from_db()
        exists = WebhookEndpoint.objects.filter(organisation=organisation, url=url).exists()
        if not exists:
            webhook_services.endpoint_create(acting_user=user, url=url, events=events, description=description)
        report.tally("Webhooks", not exists)


# Invitations of the holder's organisation in each state (section 2): waiting, expired, revoked, accepted.
DEMO_INVITATIONS = [
    ("camille.attente@demo.vae", "Camille", "Attente", "pending"),
    ("louis.expire@demo.vae", "Louis", "Expiré", "expired"),
    ("nina.revoquee@demo.vae", "Nina", "Révoquée", "revoked"),
    ("paul.accepte@demo.vae", "Paul", "Accepté", "accepted"),
]


def _seed_invitations(report):
    admin = User.objects.select_related("membership__organisation").get(email="porteur@demo.vae")
    organisation = admin.membership.organisation
    for email, first_name, last_name, state in DEMO_INVITATIONS:
        exists = organisation.invitations.filter(email=email).exists()
        report.tally("Invitations", not exists)
        if exists:
            continue
        # The expired one was sent ten days ago (links are valid 7 days).
        sent = timezone.now() - datetime.timedelta(days=10 if state == "expired" else 1)
        with time_machine.travel(sent, tick=False):
            invitation, secret = account_services.invitation_create(
                organisation=organisation, email=email, acting_user=admin, first_name=first_name, last_name=last_name
            )
        if state == "revoked":
            account_services.invitation_revoke(invitation=invitation, acting_user=admin)
        elif state == "accepted":
            account_services.invitation_accept(secret=secret, password=DEMO_PASSWORD)


def _demo_documents():
    rendered = {}
    for kind in (DocumentKind.FEASIBILITY_STUDY, DocumentKind.SKILLS_DIAGNOSIS):
        rendered[kind] = render_pdf("pathways/pdf/demo_document.html", {"title": kind.label})
    return rendered


def _seed_pathways(holders) -> int:
    """Walk each planned pathway to its phase through the services. Skips holders already seeded."""
    users = {user.email: user for user in User.objects.select_related("membership__organisation")}
    documents = None
    created = 0
    per_holder_index = {}
    for holder_name, employer_name, code, target in PATHWAY_PLAN:
        holder = holders[holder_name]
        index = per_holder_index[holder_name] = per_holder_index.get(holder_name, -1) + 1
        candidates = list(Candidate.objects.filter(project_holder=holder).order_by("id"))
        candidate = candidates[index % len(candidates)]
        if Pathway.objects.filter(candidate=candidate).exists():
            continue
        documents = documents or _demo_documents()
        staff = users[HOLDER_STAFF[holder_name]]
        companion = users[COMPANIONS[holder_name][index % len(COMPANIONS[holder_name])]]
        certification = Certification.objects.get(code=code)
        certifier_org = certification.certifiers.filter(organisation__isnull=False).first()
        certifier = (
            User.objects.filter(membership__organisation=certifier_org.organisation).first() if certifier_org else None
        )
        employer = Employer.objects.get(project_holder=holder, name=employer_name)
        signed_on = datetime.date(2025, 1, 6) + datetime.timedelta(days=(len(PATHWAY_PLAN) - created) * 7)
        start = signed_on + datetime.timedelta(days=14)
        minimum = minimum_monthly_salary(
            birth_date=candidate.birth_date,
            qualification=candidate.highest_qualification,
            start_date=start,
            weekly_hours=Decimal("35"),
        )[0]
        contract = {
            "signed_on": signed_on,
            "start_date": start,
            "end_date": start + datetime.timedelta(days=364),
            "weekly_hours": Decimal("35"),
            "monthly_gross_salary": max(minimum + Decimal("40"), Decimal("1400.00")).quantize(Decimal("1")),
            "tutor_name": TUTORS[created % len(TUTORS)],
            "tutor_is_employer": False,
        }
        timeline = _timeline(signed_on, contract["start_date"], contract["end_date"], created)
        with time_machine.travel(timeline[PathwayPhase.POSITIONING], tick=False):
            pathway = services.pathway_create(
                acting_user=staff,
                candidate=candidate,
                employer=employer,
                certification=certification,
                target_blocks=certification.skill_blocks.all()[: max(1, 3 - index % 2)],
                companion=companion,
                # The contract is recorded by the time the file goes to the certifier and the OPCO.
                contract=contract if target in WITH_CONTRACT else None,
            )
        created += 1
        if target in WALKED:
            opco_staff = User.objects.filter(membership__organisation=employer.opco).first()
            _walk(pathway, target, Cast(staff, companion, certifier, opco_staff), documents, created, timeline)
        else:
            with time_machine.travel(timeline[PathwayPhase.ABANDONED], tick=False):
                services.pathway_transition(
                    acting_user=staff,
                    pathway=pathway,
                    to=target,
                    comment=ABANDON_REASONS[created % len(ABANDON_REASONS)],
                )
    return created


DEMO_THREAD = [
    ("opco", "Bonjour, pouvez-vous nous transmettre le devis détaillé de l'organisme de formation ?"),
    ("staff", "Bonjour, le devis est joint. N'hésitez pas si un élément manque."),
]


def _seed_working_together() -> int:
    """Threads, internal notes and assignments on the pathways the OPCO sees (section 13), once."""
    if PathwayMessage.objects.exists():
        return 0
    seeded = 0
    quote = _demo_documents()[DocumentKind.FEASIBILITY_STUDY]
    for funding_file in FundingFile.objects.exclude(status="draft").select_related("pathway", "opco"):
        pathway = funding_file.pathway
        holder_staff = User.objects.filter(membership__organisation=pathway.project_holder.organisation).first()
        opco_staff = User.objects.filter(membership__organisation=funding_file.opco, is_active=True).first()
        if holder_staff is None or opco_staff is None or pathway.messages.exists():
            continue
        with time_machine.travel(funding_file.submitted_at + datetime.timedelta(hours=1), tick=False):
            for who, body in DEMO_THREAD:
                author = opco_staff if who == "opco" else holder_staff
                attachment = ContentFile(quote, name="devis.pdf") if who == "staff" else None
                services.message_post(acting_user=author, pathway=pathway, body=body, attachment=attachment)
            funding_services.funding_file_note_add(
                acting_user=opco_staff, funding_file=funding_file, body="Devis reçu ; montants conformes au barème."
            )
            services.pathway_note_add(
                acting_user=opco_staff, pathway=pathway, body="Employeur déjà accompagné en 2024 : dossier complet."
            )
            # Every other file is assigned: the queue shows both « assigned to me » and « unassigned ».
            if seeded % 2 == 0:
                funding_services.funding_file_assign(
                    acting_user=opco_staff, funding_file=funding_file, assignee=opco_staff
                )
        seeded += 1
    for pathway in Pathway.objects.filter(phase__in=["admissibility", "delivery", "evaluation"]):
        certifier_org = pathway.certification.certifiers.filter(organisation__isnull=False).first()
        certifier = (
            User.objects.filter(membership__organisation=certifier_org.organisation).first() if certifier_org else None
        )
        if certifier is not None and pathway.pk % 2 == 0:
            services.pathway_assign(acting_user=certifier, pathway=pathway, assignee=certifier)
    return seeded


# Saved filter sets of the lists (section 13): each main account finds one or two on its list.
DEMO_SAVED_FILTERS = [
    ("porteur@demo.vae", "pathways:project_holder_home", "En accompagnement", "phase=support"),
    ("porteur@demo.vae", "pathways:project_holder_home", "Les plus récents", "tri=-mis-a-jour"),
    ("accompagnateur@demo.vae", "pathways:companion_home", "Recevabilités en cours", "phase=admissibility"),
    ("opco@demo.vae", "funding:opco_home", "Mes dossiers transmis", "status=submitted&assignee=me"),
    ("opco@demo.vae", "funding:opco_home", "Non assignés, plus gros montants", "assignee=none&tri=-total-demande"),
    ("certificateur@demo.vae", "evaluation:certifier_home", "Jurys non assignés", "file=jury&assignee=none"),
    ("ministere@demo.vae", "funding:ministry_list", "Dossiers accordés", "status=approved&tri=-accorde"),
]


def _seed_saved_filters() -> int:
    created = 0
    for email, list_key, name, query in DEMO_SAVED_FILTERS:
        user = User.objects.filter(email=email).first()
        if user is None or SavedFilter.objects.filter(user=user, list_key=list_key, name=name).exists():
            continue
        account_services.saved_filter_save(user=user, list_key=list_key, name=name, query=query)
        created += 1
    return created


# The demo's jury sessions (section 13, "Bulk"): (certification, days before today, results recorded?).
JURY_SESSIONS = [("RNCP90002", 12, True), ("RNCP90001", 3, False)]


def _seed_jury_sessions() -> int:
    """A session held and recorded (a full and a partial validation, awaiting closure), and a session of
    three candidates held a few days ago whose results await the certifier's page. Once."""
    convened = 0
    for code, days_ago, recorded in JURY_SESSIONS:
        certification = Certification.objects.get(code=code)
        certifier_org = certification.certifiers.filter(organisation__isnull=False).first()
        certifier = User.objects.filter(membership__organisation=certifier_org.organisation).order_by("pk").first()
        pathways = list(
            Pathway.objects.filter(
                certification=certification, phase=PathwayPhase.EVALUATION, juries__isnull=True
            ).order_by("pk")
        )
        day = timezone.localdate() - datetime.timedelta(days=days_ago)
        if not pathways or len({pathway.jury_session_date for pathway in pathways}) == 1 and len(pathways) > 1:
            continue  # seeded already
        evaluation_sessions.jury_session_schedule(
            acting_user=certifier, certification=certification, session_date=day, pathways=pathways
        )
        convened += len(pathways)
        if recorded:
            results = []
            for index, pathway in enumerate(pathways):
                blocks = list(pathway.target_blocks.order_by("code"))
                partial = index % 2 == 1 and len(blocks) > 1
                results.append(
                    {
                        "pathway": pathway.pk,
                        "outcome": JuryOutcome.PARTIAL if partial else JuryOutcome.FULL,
                        "block_results": [
                            (block.pk, not partial or position < len(blocks) - 1)
                            for position, block in enumerate(blocks)
                        ],
                        "comment": "Session collective : entretien et mise en situation professionnelle.",
                    }
                )
            evaluation_sessions.jury_session_results_record(
                acting_user=certifier, certification=certification, session_date=day, results=results
            )
    return convened


# Amounts asked per category, cycled over the demo pathways (euros, within the 12-month caps).
DEMO_REQUESTS = [
    ("5400.00", "900.00", "1800.00"),
    ("6000.00", "1000.00", "2000.00"),
    ("3800.00", "600.00", "1500.00"),
    ("4500.00", "800.00", "1200.00"),
]


def _fund(pathway, staff, opco_staff, *, decision, index=0):
    """The first contract year's funding file, taken as far as `decision` through the services."""
    teaching, design, support = DEMO_REQUESTS[index % len(DEMO_REQUESTS)]
    funding_file = funding_services.funding_file_create(
        acting_user=staff, pathway=pathway, requested=Amounts.of(teaching=teaching, design=design, support=support)
    )
    if decision == "draft":
        return funding_file
    funding_services.funding_file_submit(acting_user=staff, funding_file=funding_file)
    if decision == "approve":
        # Some files are approved for less than asked on teaching costs.
        granted = Decimal(teaching) - (Decimal("400") if index % 3 == 0 else 0)
        funding_services.funding_file_approve(
            acting_user=opco_staff,
            funding_file=funding_file,
            approved=Amounts.of(teaching=granted, design=design, support=support),
            reason="Frais pédagogiques ramenés au devis de l'organisme de formation." if index % 3 == 0 else "",
        )
    elif decision == "changes":
        funding_services.funding_file_request_changes(
            acting_user=opco_staff,
            funding_file=funding_file,
            reason="Merci de joindre le devis détaillé de l'organisme de formation.",
        )
    return funding_file


def _progress(pathway, companion, index):
    """The diagnosis is not recorded; during delivery, two progress records per targeted block."""
    start = pathway.contract.start_date
    blocks = list(pathway.target_blocks.order_by("code")) or [None]
    for position, block in enumerate(blocks):
        evaluation_services.assessment_record(
            acting_user=companion, pathway=pathway, skill_block=block, level=ProgressLevel.IN_PROGRESS,
            assessed_at=start + datetime.timedelta(days=60), comment="Mises en situation régulières avec le tuteur.",
        )  # fmt: skip
        level = ProgressLevel.ACQUIRED if (position + index) % 3 else ProgressLevel.IN_PROGRESS
        evaluation_services.assessment_record(
            acting_user=companion, pathway=pathway, skill_block=block, level=level,
            assessed_at=start + datetime.timedelta(days=200),
        )  # fmt: skip


def _jury(pathway, certifier, index):
    """Completed demo pathways: full validations, and partial ones keeping the blocks acquired."""
    pathway.refresh_from_db()
    blocks = list(pathway.target_blocks.order_by("code"))
    outcome = JuryOutcome.PARTIAL if index % 2 and len(blocks) > 1 else JuryOutcome.FULL
    validated = len(blocks) if outcome == JuryOutcome.FULL else len(blocks) - 1
    evaluation_services.jury_record(
        acting_user=certifier, pathway=pathway, session_date=pathway.jury_session_date, outcome=outcome,
        block_results=[(block, position < validated) for position, block in enumerate(blocks)],
        comment="Entretien avec le jury et mise en situation professionnelle.",
    )  # fmt: skip


@dataclass
class Cast:
    """Who acts on a demo pathway: the holder's staff, the companion, the certifier, the OPCO."""

    staff: object
    companion: object
    certifier: object
    opco: object


def _to_support(pathway, cast, index, timeline):
    services.pathway_transition(acting_user=cast.staff, pathway=pathway, to=PathwayPhase.SUPPORT)
    # The holder writes the pedagogical plan in support; the file later asks for what it costs.
    demo_plan(pathway, cast.staff, DEMO_REQUESTS[index % len(DEMO_REQUESTS)], index)


def _to_admissibility(pathway, cast, index, timeline):
    services.support_opinion_record(
        acting_user=cast.companion,
        pathway=pathway,
        job_match=True,
        pedagogical_path=True,
        comment="Poste et certification en adéquation ; parcours en situation de travail et 200 h de formation.",
    )
    services.pathway_transition(acting_user=cast.companion, pathway=pathway, to=PathwayPhase.ADMISSIBILITY)


def _to_delivery(pathway, cast, index, timeline):
    services.admissibility_record(
        acting_user=cast.certifier, pathway=pathway, decision=AdmissibilityDecision.ADMISSIBLE
    )
    _fund(pathway, cast.staff, cast.opco, decision="approve", index=index)
    services.pathway_transition(acting_user=cast.staff, pathway=pathway, to=PathwayPhase.DELIVERY)


def _to_evaluation(pathway, cast, index, timeline):
    # The session the jury held (its result is recorded at completion), at the latest at the contract's end.
    services.jury_session_set(acting_user=cast.certifier, pathway=pathway, session_date=timeline[JURY_DAY])
    services.pathway_transition(acting_user=cast.companion, pathway=pathway, to=PathwayPhase.EVALUATION)


def _record_progress(pathway, cast, index, timeline):
    _progress(pathway, cast.companion, index)


def _to_completed(pathway, cast, index, timeline):
    _jury(pathway, cast.certifier, index)
    services.pathway_transition(acting_user=cast.certifier, pathway=pathway, to=PathwayPhase.COMPLETED)


PROGRESS, JURY_DAY = "progress", "jury_day"
# Each step of the walk, in order: what the people of the pathway do to take it, and at which moment.
STEPS = {
    PathwayPhase.SUPPORT: [(PathwayPhase.SUPPORT, _to_support)],
    PathwayPhase.ADMISSIBILITY: [(PathwayPhase.ADMISSIBILITY, _to_admissibility)],
    # Progress is recorded during delivery, its records dated up to 200 days after the start.
    PathwayPhase.DELIVERY: [(PathwayPhase.DELIVERY, _to_delivery), (PROGRESS, _record_progress)],
    PathwayPhase.EVALUATION: [(PathwayPhase.EVALUATION, _to_evaluation)],
    PathwayPhase.COMPLETED: [(PathwayPhase.COMPLETED, _to_completed)],
}
WALKED = [PathwayPhase.POSITIONING, *STEPS]
# From support on: the plan's actions lie inside the contract.
WITH_CONTRACT = [*WALKED[1:], PathwayPhase.ABANDONED]
# Pathways left in admissibility fill the OPCO's queue: files submitted, a draft, changes asked.
FILES_LEFT = {PathwayPhase.ADMISSIBILITY: ["submit", "submit", "draft", "changes"]}


def _timeline(signed_on, start, end, index):
    """When each step of a demo pathway happened: the demo walks it at those moments (time-machine), so
    that the log, the files and the indicators (median days per phase) look like months of real work."""
    created = timezone.make_aware(datetime.datetime.combine(signed_on, datetime.time(9, 30))) - datetime.timedelta(
        days=70 + index % 15
    )
    delivery = timezone.make_aware(datetime.datetime.combine(start, datetime.time(10)))
    # A session already held a few weeks before the real today, and not after the contract's end.
    jury_day = min(end, timezone.localdate() - datetime.timedelta(days=10 + index % 20))
    jury = timezone.make_aware(datetime.datetime.combine(jury_day, datetime.time(14)))
    return {
        JURY_DAY: jury_day,
        PathwayPhase.POSITIONING: created,
        PathwayPhase.SUPPORT: created + datetime.timedelta(days=18 + index % 10),
        PathwayPhase.ABANDONED: created + datetime.timedelta(days=30 + index % 20),
        PathwayPhase.ADMISSIBILITY: created + datetime.timedelta(days=40 + index % 12),
        PathwayPhase.DELIVERY: delivery,
        PROGRESS: delivery + datetime.timedelta(days=201),
        PathwayPhase.EVALUATION: jury - datetime.timedelta(days=21 + index % 7),
        PathwayPhase.COMPLETED: jury + datetime.timedelta(days=6),
    }


def _walk(pathway, target, cast, documents, index, timeline):
    with time_machine.travel(timeline[PathwayPhase.POSITIONING] + datetime.timedelta(hours=2), tick=False):
        for kind, content in documents.items():
            services.document_add(
                acting_user=cast.staff,
                pathway=pathway,
                kind=kind,
                uploaded_file=ContentFile(content, name=f"{kind.label} — {pathway.candidate}.pdf"),
            )
    for step in WALKED[1 : WALKED.index(target) + 1]:
        for moment, act in STEPS[step]:
            with time_machine.travel(timeline[moment], tick=False):
                act(pathway, cast, index, timeline)
    decisions = FILES_LEFT.get(target)
    if decisions:
        with time_machine.travel(timeline[PathwayPhase.ADMISSIBILITY] + datetime.timedelta(hours=3), tick=False):
            _fund(pathway, cast.staff, cast.opco, decision=decisions[index % len(decisions)], index=index)
