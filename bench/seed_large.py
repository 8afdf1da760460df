"""Seed a national-scale data set into $DATABASE_URL (PostgreSQL), after `migrate` and `seed_demo`.

    python bench/seed_large.py --pathways 100000

~300 new project holders (each with an accepted project granting room for its pathways: the demo
holders' ceilings are left alone), 5 000 employers on real IDCC → OPCO pairs (accounts.IdccOpco,
loaded from /work/shared/data by seed_demo), 2 000 certifications with 3–6 skill blocks, and N
pathways walked through the phases over ~2 years of past timestamps: target blocks, a transition row
per phase reached, documents' metadata, support opinion, admissibility, plan actions, ~5 assessments
from delivery on, juries with block results, funding files per contract year in every status,
payment requests, messages and exit situations. Users for every role log in with the demo password.

Speed: rows are generated in Python and streamed with PostgreSQL COPY, in batches, with explicit ids
(sequences are moved at the end). Seed data: the services are bypassed, but every row satisfies the
database constraints and the app's invariants (funding caps, approved ≤ requested, payments ≤
approved, project ceilings). At the end, `manage.py refresh_indicators` is called if it exists.
"""

import argparse
import datetime as dt
import functools
import io
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vae_inversee.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth.hashers import make_password  # noqa: E402
from django.core.management import call_command, get_commands  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

DEMO_PASSWORD = "demo-vae-2026"
HOLDERS = 300
EMPLOYERS = 5000
CERTIFICATIONS = 2000
COMPANION_ORGS = 30
CERTIFIER_ORGS = 20
BATCH = 20000
MARKER = "BENCH"  # laureate references "BENCH-NNN": how a seeded database is recognised

# (phase, weight): where the pathways stand today.
PHASES = [("positioning", 15), ("support", 10), ("admissibility", 10), ("delivery", 40), ("evaluation", 10),
          ("completed", 10), ("abandoned", 5)]  # fmt: skip
ORDER = ["positioning", "support", "admissibility", "delivery", "evaluation", "completed"]
NAMES = {"support": "start_support", "admissibility": "request_admissibility", "delivery": "start_delivery",
         "evaluation": "start_evaluation", "completed": "complete"}  # fmt: skip
# Base days spent in each phase (scaled per pathway) so the medians are not 0.
DAYS = {"positioning": 25, "support": 40, "admissibility": 20, "delivery": 210, "evaluation": 35}
FIRST = ["Camille", "Nour", "Léa", "Yanis", "Inès", "Hugo", "Amina", "Lucas", "Chloé", "Mehdi", "Sarah", "Théo",
         "Fatou", "Julien", "Emma", "Karim", "Manon", "Sofiane", "Zoé", "Antoine"]  # fmt: skip
LAST = ["Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy", "Moreau", "Simon",
        "Laurent", "Lefèvre", "Michel", "Garcia", "David", "Bertrand", "Roux", "Vincent", "Fournier", "Morel",
        "Girard", "André", "Mercier", "Dupont", "Lambert", "Bonnet", "François", "Martinez", "Légaré"]  # fmt: skip
TRADES = ["Agent de propreté et d'hygiène", "Assistant de vie aux familles", "Cuisinier", "Agent de maintenance des "
          "bâtiments", "Préparateur de commandes", "Aide-soignant", "Conducteur de bus", "Vendeur conseil en "
          "magasin", "Soudeur", "Électricien d'équipement", "Serveur en restauration", "Carrossier",
          "Employé commercial", "Agent de sûreté", "Maçon", "Accompagnant éducatif et social"]  # fmt: skip


def luhn_digit(digits: str) -> str:
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char) * (1 if index % 2 else 2)
        total += value - 9 if value > 9 else value
    return str((10 - total % 10) % 10)


@functools.cache
def siret(number: int) -> str:
    siren8 = f"{number:08d}"[-8:]
    siren = siren8 + luhn_digit(siren8)
    body = siren + "0001"
    return body + luhn_digit(body)


class Copier:
    """Rows per table in memory, flushed with COPY (tab-separated; \\N for NULL)."""

    def __init__(self, cursor):
        self.cursor, self.rows, self.columns = cursor, {}, {}

    def add(self, table, columns, row):
        self.columns.setdefault(table, columns)
        self.rows.setdefault(table, []).append(row)

    def flush(self):
        for table, rows in self.rows.items():
            buffer = io.StringIO()
            for row in rows:
                buffer.write("\t".join(r"\N" if v is None else str(v) for v in row))
                buffer.write("\n")
            buffer.seek(0)
            self.cursor.copy_expert(f"COPY {table} ({','.join(self.columns[table])}) FROM STDIN", buffer)
        self.rows = {}


class Ids:
    """Explicit ids after the current maximum of each table; the sequences are moved at the end."""

    def __init__(self, cursor):
        self.cursor, self.next = cursor, {}

    def take(self, table):
        if table not in self.next:
            self.cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}")
            self.next[table] = self.cursor.fetchone()[0] + 1
        value = self.next[table]
        self.next[table] += 1
        return value

    def reset_sequences(self):
        for table in self.next:
            self.cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT COALESCE(MAX(id), 1) FROM {table}))"
            )


def already_seeded(cursor) -> int:
    cursor.execute(
        "SELECT COUNT(*) FROM pathways_pathway p JOIN pathways_projectholder h ON h.organisation_id = p.project_holder_id "
        "WHERE h.laureate_reference LIKE %s",
        [f"{MARKER}-%"],
    )
    return cursor.fetchone()[0]


def _holders_seeded(cursor) -> bool:
    cursor.execute("SELECT 1 FROM pathways_projectholder WHERE laureate_reference LIKE %s", [f"{MARKER}-%"])
    return cursor.fetchone() is not None


def seed_reference(cursor, ids, copier, pathways, now, password):
    """Organisations, users, holders and projects, employers, certifications: a few thousand rows."""
    user_cols = ["id", "password", "is_superuser", "first_name", "last_name", "is_staff", "is_active", "date_joined",
                 "email"]  # fmt: skip
    org_cols = ["id", "name", "kind", "siret", "code", "scope", "region", "created_at"]
    member_cols = ["id", "role", "created_at", "user_id", "organisation_id", "is_admin"]

    def org(name, kind, number):
        org_id = ids.take("accounts_organisation")
        copier.add("accounts_organisation", org_cols, [org_id, name, kind, siret(number), "", "", "", now])
        return org_id

    def user(email, first, last, org_id, role):
        user_id = ids.take("accounts_user")
        copier.add("accounts_user", user_cols, [user_id, password, "f", first, last, "f", "t", now, email])
        copier.add("accounts_membership", member_cols,
                   [ids.take("accounts_membership"), role, now, user_id, org_id, "t"])  # fmt: skip
        return user_id

    cursor.execute("SELECT id, code FROM accounts_organisation WHERE kind = 'opco' ORDER BY id")
    opcos = cursor.fetchall()
    for opco_id, code in opcos:
        user(f"bench.opco.{code.lower()}@bench.vae", "Gestion", code, opco_id, "opco")
    cursor.execute("SELECT o.id FROM accounts_organisation o WHERE kind = 'ministry' ORDER BY id LIMIT 1")
    ministry = cursor.fetchone()
    if ministry:
        user("bench.ministere@bench.vae", "Pilotage", "National", ministry[0], "ministry")

    per_holder = -(-pathways // HOLDERS) + 10
    holders = []
    for index in range(HOLDERS):
        org_id = org(f"Porteur national {index + 1:03d}", "project_holder", 60000000 + index)
        user_id = user(f"bench.porteur.{index + 1:03d}@bench.vae", "Chargée", f"Projet {index + 1:03d}", org_id,
                       "project_holder")  # fmt: skip
        copier.add("pathways_projectholder", ["organisation_id", "laureate_reference", "accepted_on", "updated_at"],
                   [org_id, f"{MARKER}-{index + 1:03d}", "2024-09-01", now])  # fmt: skip
        project_id = ids.take("pathways_project")
        copier.add(
            "pathways_project",
            ["id", "reference", "title", "summary", "regions", "sectors", "requested_pathways", "granted_pathways",
             "status", "submitted_at", "complete_at", "decided_at", "decision_reason", "created_at", "updated_at",
             "decided_by_id", "project_holder_id"],
            [project_id, f"PRJ-B{index + 1:05d}", f"Projet national {index + 1:03d}", "Parcours VAE inversée.",
             '["11"]', "Métiers en tension", per_holder, per_holder, "accepted", "2024-06-01 09:00:00+00",
             "2024-06-15 09:00:00+00", "2024-08-01 09:00:00+00", "", now, now, None, org_id],
        )  # fmt: skip
        holders.append((org_id, project_id, user_id))

    companions = []
    for index in range(COMPANION_ORGS):
        org_id = org(f"Accompagnement national {index + 1:02d}", "companion", 70000000 + index)
        for k in range(2):
            companions.append(
                user(
                    f"bench.accompagnateur.{index + 1:02d}.{k + 1}@bench.vae",
                    "Accomp",
                    f"{index}-{k}",
                    org_id,
                    "companion",
                )  # fmt: skip
            )

    certifiers = []
    for index in range(CERTIFIER_ORGS):
        org_id = org(f"Certificateur national {index + 1:02d}", "certifier", 80000000 + index)
        user_id = user(f"bench.certificateur.{index + 1:02d}@bench.vae", "Certif", f"{index + 1:02d}", org_id,
                       "certifier")  # fmt: skip
        certifier_id = ids.take("certifications_certifier")
        copier.add("certifications_certifier", ["id", "siret", "name", "organisation_id"],
                   [certifier_id, siret(80000000 + index), f"Certificateur national {index + 1:02d}", org_id])  # fmt: skip
        certifiers.append((certifier_id, user_id))

    cursor.execute("SELECT idcc, opco_id FROM accounts_idccopco ORDER BY idcc")
    idcc_opco = cursor.fetchall()
    employer_cols = ["id", "name", "siret", "idcc", "address", "private_law", "created_at", "opco_id",
                     "project_holder_id", "updated_at"]  # fmt: skip
    employers = {index: [] for index in range(HOLDERS)}
    for index in range(EMPLOYERS):
        holder = index % HOLDERS
        idcc, opco_id = idcc_opco[(index * 7919) % len(idcc_opco)]
        employer_id = ids.take("pathways_employer")
        copier.add("pathways_employer", employer_cols,
                   [employer_id, f"{random.choice(['SAS', 'SARL', 'Association', 'SA'])} {random.choice(LAST)} "
                    f"{random.choice(['Services', 'Industrie', 'Santé', 'Logistique', 'Bâtiment'])} {index + 1}",
                    siret(50000000 + index), idcc, f"{index % 200 + 1} rue de la République", "t", now, opco_id,
                    holders[holder][0], now])  # fmt: skip
        employers[holder].append((employer_id, opco_id))

    cursor.execute("SELECT id FROM certifications_accessroute WHERE label = 'Par expérience'")
    route = cursor.fetchone()[0]
    certifications = []
    for index in range(CERTIFICATIONS):
        certification_id = ids.take("certifications_certification")
        code = f"RNCP{900000 + index}"
        copier.add(
            "certifications_certification",
            ["id", "code", "register", "title", "abbreviation", "level", "active", "registration_type",
             "registered_until", "france_competences_id", "updated_at"],
            [certification_id, code, "RNCP", f"{TRADES[index % len(TRADES)]} — titre {index + 1}", "TP",
             3 + index % 4, "t", "Enregistrement sur demande", "2029-12-31", "", now],
        )  # fmt: skip
        certifier_id, certifier_user = certifiers[index % CERTIFIER_ORGS]
        copier.add("certifications_certification_certifiers", ["id", "certification_id", "certifier_id"],
                   [ids.take("certifications_certification_certifiers"), certification_id, certifier_id])  # fmt: skip
        copier.add("certifications_certification_access_routes", ["id", "certification_id", "accessroute_id"],
                   [ids.take("certifications_certification_access_routes"), certification_id, route])  # fmt: skip
        blocks = []
        for number in range(1, 3 + index % 4 + 1):
            block_id = ids.take("certifications_skillblock")
            copier.add("certifications_skillblock", ["id", "code", "title", "active", "certification_id"],
                       [block_id, f"{code}BC{number:02d}", f"Bloc {number} : compétences {number}", "t",
                        certification_id])  # fmt: skip
            blocks.append(block_id)
        certifications.append((certification_id, blocks, certifier_user))
    copier.flush()
    cursor.execute("SELECT id FROM funding_fundingpolicy ORDER BY effective_from DESC LIMIT 1")
    policy = cursor.fetchone()[0]
    return holders, employers, companions, certifications, policy


PATHWAY_COLS = ["id", "reference", "phase", "phase_changed_at", "abandon_reason", "jury_session_date", "created_at",
                "updated_at", "candidate_id", "certification_id", "companion_id", "employer_id", "project_holder_id",
                "project_id", "assignee_id"]  # fmt: skip
CANDIDATE_COLS = ["id", "first_name", "last_name", "birth_date", "email", "highest_qualification", "nir", "created_at",
                  "project_holder_id", "updated_at"]  # fmt: skip
FILE_COLS = ["id", "contract_year", "status", "months", "cap_teaching", "cap_design", "cap_support", "cap_total",
             "requested_teaching", "requested_design", "requested_support", "approved_teaching", "approved_design",
             "approved_support", "decision_reason", "submitted_at", "decided_at", "agreement", "created_at",
             "updated_at", "decided_by_id", "opco_id", "pathway_id", "policy_id", "assignee_id"]  # fmt: skip
PAYMENT_COLS = ["id", "category", "amount", "invoice_number", "invoice_date", "provider_name", "provider_siret",
                "period_start", "period_end", "realised_hours", "invoice", "invoice_name", "status",
                "approved_amount", "decision_reason", "decided_at", "created_at", "updated_at", "submitted_by_id",
                "funding_file_id"]  # fmt: skip
OPCO_USERS = {}


def seed_pathway(c, ids, ref, world, now, rnd):
    """One pathway and everything around it, with timestamps in the past and in order."""
    holders, employers, companions, certifications, policy = world
    holder_index = rnd.randrange(HOLDERS)
    holder_org, project_id, holder_user = holders[holder_index]
    employer_id, opco_id = rnd.choice(employers[holder_index])
    certification_id, blocks, certifier_user = certifications[rnd.randrange(CERTIFICATIONS)]
    companion = companions[rnd.randrange(len(companions))]
    phase = rnd.choices([p for p, _ in PHASES], weights=[w for _, w in PHASES])[0]
    abandoned = phase == "abandoned"
    reached = rnd.randrange(4) if abandoned else ORDER.index(phase)
    scale = rnd.uniform(0.5, 1.6)
    durations = [DAYS[p] * scale * rnd.uniform(0.7, 1.3) for p in ORDER[:-1]]
    # Time spent in the current phase so far (open: part of its duration; closed: up to 8 months since).
    current = rnd.uniform(0, durations[reached]) if reached < 5 and not abandoned else rnd.uniform(1, 240)
    if abandoned:
        current = rnd.uniform(1, 200)
    elapsed = sum(durations[:reached]) + current
    created = now - dt.timedelta(days=elapsed, seconds=rnd.randrange(86400))
    moments = [created]
    for step in range(reached):
        moments.append(moments[-1] + dt.timedelta(days=durations[step]))
    last = moments[-1]
    if abandoned:
        last = last + dt.timedelta(days=rnd.uniform(0.5, current))
    pathway_id = ids.take("pathways_pathway")
    candidate_id = ids.take("pathways_candidate")
    first, last_name = rnd.choice(FIRST), rnd.choice(LAST)
    c.add("pathways_candidate", CANDIDATE_COLS,
          [candidate_id, first, f"{last_name}-{ref}", dt.date(1965 + rnd.randrange(38), 1 + rnd.randrange(12),
           1 + rnd.randrange(28)), "", rnd.choice(["none", "below_bac_pro", "bac_pro_or_above"]), "", created,
           holder_org, created])  # fmt: skip
    in_evaluation = reached >= 4
    jury_day = (moments[4] + dt.timedelta(days=durations[4] * 0.8)).date() if in_evaluation else None
    c.add("pathways_pathway", PATHWAY_COLS,
          [pathway_id, f"VAEI-B{ref:07d}", phase, last, "Départ du salarié" if abandoned else "", jury_day, created,
           last, candidate_id, certification_id, companion, employer_id, holder_org, project_id, None])  # fmt: skip
    targets = blocks[: rnd.randint(2, len(blocks))]
    for block in targets:
        c.add("pathways_pathway_target_blocks", ["id", "pathway_id", "skillblock_id"],
              [ids.take("pathways_pathway_target_blocks"), pathway_id, block])  # fmt: skip
    for step in range(reached):
        by = (holder_user, companion, certifier_user, companion, certifier_user)[step]
        c.add("pathways_pathwaytransition", ["id", "from_phase", "to_phase", "at", "comment", "by_id", "pathway_id",
                                             "name"],
              [ids.take("pathways_pathwaytransition"), ORDER[step], ORDER[step + 1], moments[step + 1], "", by,
               pathway_id, NAMES[ORDER[step + 1]]])  # fmt: skip
    if abandoned:
        c.add("pathways_pathwaytransition", ["id", "from_phase", "to_phase", "at", "comment", "by_id", "pathway_id",
                                             "name"],
              [ids.take("pathways_pathwaytransition"), ORDER[reached], "abandoned", last, "Départ du salarié",
               holder_user, pathway_id, "abandon"])  # fmt: skip
    doc_cols = ["id", "kind", "file", "original_name", "content_type", "size", "uploaded_at", "uploaded_by_id",
                "pathway_id"]  # fmt: skip
    kinds = ["feasibility_study", "skills_diagnosis"] + (["contract", "admissibility_file"] if reached >= 2 else [])
    for k, kind in enumerate(kinds):
        at = created + dt.timedelta(hours=2 + k) if k < 2 else moments[2] - dt.timedelta(days=1 + k)
        document_id = ids.take("pathways_document")
        c.add("pathways_document", doc_cols,
              [document_id, kind, f"documents/{pathway_id}/bench{document_id}", f"{kind}.pdf", "application/pdf",
               40000 + k * 1000, max(at, created), holder_user if k < 2 else companion, pathway_id])  # fmt: skip
    contract_start = None
    if reached >= 1:
        contract_start = (created + dt.timedelta(days=10)).date()
        months = 24 if rnd.random() < 0.35 else 12
        c.add("pathways_contract", ["id", "signed_on", "start_date", "end_date", "weekly_hours", "monthly_gross_salary",
                                    "tutor_name", "tutor_is_employer", "pathway_id"],
              [ids.take("pathways_contract"), contract_start - dt.timedelta(days=5), contract_start,
               contract_start + dt.timedelta(days=365 * months // 12 - 1), "35.00", "1900.00",
               f"Tuteur {rnd.choice(LAST)}", "f", pathway_id])  # fmt: skip
        # The plan: training covering the target blocks, the VAE support, work activities.
        plan_cols = ["id", "kind", "title", "provider_name", "provider_siret", "planned_hours", "start_date", "end_date",
                     "cost", "realised_hours", "created_at", "updated_at", "pathway_id"]  # fmt: skip
        for kind, title, hours, cost in (
            ("training", "Formation théorique", "210.00", "4200.00"),
            ("vae_support", "Accompagnement VAE", "24.00", "1500.00"),
            ("work_activity", "Activités en situation de travail", "900.00", "0.00"),
        ):
            action_id = ids.take("pathways_planaction")
            c.add("pathways_planaction", plan_cols,
                  [action_id, kind, title, "Organisme régional" if kind != "work_activity" else "",
                   siret(40000000 + holder_index) if kind != "work_activity" else "", hours, contract_start,
                   contract_start + dt.timedelta(days=300), cost, None, moments[1], moments[1], pathway_id])  # fmt: skip
            if kind == "training":
                for block in targets:
                    c.add("pathways_planaction_skill_blocks", ["id", "planaction_id", "skillblock_id"],
                          [ids.take("pathways_planaction_skill_blocks"), action_id, block])  # fmt: skip
    if reached >= 2:
        c.add("pathways_supportopinion", ["id", "job_match", "pedagogical_path", "comment", "given_at", "given_by_id",
                                          "pathway_id"],
              [ids.take("pathways_supportopinion"), "t", "t", "Favorable.", moments[2] - dt.timedelta(hours=3),
               companion, pathway_id])  # fmt: skip
    if reached >= 3:
        c.add("pathways_admissibility", ["id", "decision", "comment", "decided_at", "decided_by_id", "pathway_id"],
              [ids.take("pathways_admissibility"), "admissible", "", moments[3] - dt.timedelta(hours=2), certifier_user,
               pathway_id])  # fmt: skip
        # ~5 progress records from delivery on, in time order, on the target blocks.
        end = moments[4] if reached >= 4 else now
        span = max((end - moments[3]).days, 1)
        count = rnd.randint(4, 6)
        for k in range(count):
            day = (moments[3] + dt.timedelta(days=span * (k + 1) / (count + 1))).date()
            level = (
                "acquired"
                if reached >= 4 and k >= count - 2
                else rnd.choice(["not_started", "in_progress", "in_progress", "acquired"])
            )
            c.add("evaluation_assessment", ["id", "level", "assessed_at", "comment", "phase", "created_at",
                                            "pathway_id", "recorded_by_id", "skill_block_id"],
                  [ids.take("evaluation_assessment"), level, day, "", "delivery", moments[3] + dt.timedelta(days=span *
                   (k + 1) / (count + 1)), pathway_id, companion, targets[k % len(targets)]])  # fmt: skip
    if reached >= 5 and not abandoned:
        draw = rnd.random()
        outcome = "full" if draw < 0.7 else ("partial" if draw < 0.9 else "none")
        validated = len(targets) if outcome == "full" else (rnd.randint(1, len(targets) - 1) if outcome == "partial"
                                                           else 0)  # fmt: skip
        jury_id = ids.take("evaluation_jury")
        c.add("evaluation_jury", ["id", "attempt", "session_date", "outcome", "blocks_targeted", "blocks_validated",
                                  "comment", "recorded_at", "pathway_id", "recorded_by_id"],
              [jury_id, 1, jury_day, outcome, len(targets), validated, "", moments[5] - dt.timedelta(hours=1),
               pathway_id, certifier_user])  # fmt: skip
        for k, block in enumerate(targets):
            c.add("evaluation_juryblockresult", ["id", "validated", "jury_id", "skill_block_id"],
                  [ids.take("evaluation_juryblockresult"), "t" if k < validated else "f", jury_id, block])  # fmt: skip
            if k < validated:
                c.add("evaluation_acquiredblock", ["id", "acquired_on", "candidate_id", "jury_id", "skill_block_id"],
                      [ids.take("evaluation_acquiredblock"), jury_day, candidate_id, jury_id, block])  # fmt: skip
        situation = rnd.choice(["same_employer", "same_employer", "other_employer", "job_seeker", "training"])
        c.add("evaluation_pathwayoutcome", ["id", "at", "situation", "contract_type", "recorded_at", "pathway_id",
                                            "recorded_by_id"],
              [ids.take("evaluation_pathwayoutcome"), "exit", situation,
               "cdi" if situation in ("same_employer", "other_employer") else "", moments[5], pathway_id,
               holder_user])  # fmt: skip
    # Funding: year 1 from admissibility on (every status while in admissibility), year 2 for long contracts.
    if reached >= 2:
        years = 2 if months == 24 and reached >= 3 and (now.date() - contract_start).days > 365 else 1
        opco_user = OPCO_USERS.get(opco_id)
        for year in range(1, years + 1):
            if reached == 2 and year == 1 and not abandoned:
                status = rnd.choices(["draft", "submitted", "changes_requested", "approved", "rejected"],
                                     weights=[15, 45, 10, 25, 5])[0]  # fmt: skip
            elif year == 2:
                status = rnd.choice(["draft", "submitted", "approved", "approved"])
            else:
                status = "approved"
            requested = ("4200.00", "800.00", "1500.00")
            approved = ("4000.00", "800.00", "1500.00") if status == "approved" else (None, None, None)
            submitted = None if status == "draft" else (moments[2] + dt.timedelta(days=year * 2 + (year - 1) * 365))
            submitted = min(submitted, now - dt.timedelta(hours=1)) if submitted else None
            decided = (
                (submitted + dt.timedelta(days=rnd.uniform(1, 15))) if status in ("approved", "rejected") else None
            )
            decided = min(decided, now - dt.timedelta(minutes=30)) if decided else None
            reason = {"rejected": "Pièces non conformes.", "changes_requested": "Joindre le devis."}.get(status, "")
            file_id = ids.take("funding_fundingfile")
            c.add("funding_fundingfile", FILE_COLS,
                  [file_id, year, status, 12, "6000.00", "1000.00", "2000.00", "9000.00", *requested, *approved,
                   reason, submitted, decided, "", submitted or created, decided or submitted or created,
                   opco_user if decided else None, opco_id, pathway_id, policy, None])  # fmt: skip
            if status == "approved" and reached >= 3:
                for k, (category, amount) in enumerate((("teaching", "2000.00"), ("support", "750.00"))[: 1 + ref % 2]):
                    day = min((decided + dt.timedelta(days=30 * (k + 1))), now - dt.timedelta(minutes=5))
                    pay_status = "approved" if k == 0 and ref % 3 else "submitted"
                    c.add("funding_paymentrequest", PAYMENT_COLS,
                          [ids.take("funding_paymentrequest"), category, amount, f"FB{file_id}-{k + 1}", day.date(),
                           "Organisme régional", siret(40000000 + holder_index), contract_start,
                           contract_start + dt.timedelta(days=90), None, f"invoices/{file_id}/bench{k}", "facture.pdf",
                           pay_status, amount if pay_status == "approved" else None, "",
                           day + dt.timedelta(days=3) if pay_status == "approved" else None, day, day, holder_user,
                           file_id])  # fmt: skip
    message_cols = ["id", "body", "attachment", "attachment_name", "attachment_content_type", "attachment_size",
                    "created_at", "author_id", "organisation_id", "pathway_id"]  # fmt: skip
    c.add("pathways_pathwaymessage", message_cols,
          [ids.take("pathways_pathwaymessage"), "Bonjour, le dossier est à jour.", "", "", "", None,
           created + dt.timedelta(days=1), holder_user, holder_org, pathway_id])  # fmt: skip
    if reached >= 1:
        c.add("pathways_pathwaymessage", message_cols,
              [ids.take("pathways_pathwaymessage"), "Merci, je regarde cette semaine.", "", "", "", None,
               moments[1] + dt.timedelta(days=2), companion, None, pathway_id])  # fmt: skip


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pathways", type=int, default=100000)
    parser.add_argument("--batch", type=int, default=BATCH)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args(argv)
    if connection.vendor != "postgresql":
        sys.exit("seed_large vise PostgreSQL (DATABASE_URL=postgres://…).")
    started = time.monotonic()
    rnd = random.Random(args.seed)
    now = timezone.now().replace(microsecond=0)
    password = make_password(DEMO_PASSWORD)
    with connection.cursor() as django_cursor:
        cursor = django_cursor.cursor  # the psycopg2 cursor (copy_expert)
        cursor.execute("SELECT COUNT(*) FROM pathways_projectholder")
        if not cursor.fetchone()[0]:
            sys.exit("Lancez d'abord `manage.py migrate` puis `manage.py seed_demo` sur cette base.")
        if already_seeded(cursor) or _holders_seeded(cursor):
            sys.exit("Cette base contient déjà un jeu seed_large : repartez d'une base neuve (bench/run.py --reseed).")
        ids, copier = Ids(cursor), Copier(cursor)
        with transaction.atomic():
            world = seed_reference(cursor, ids, copier, args.pathways, now, password)
            cursor.execute(
                "SELECT m.organisation_id, MIN(m.user_id) FROM accounts_membership m JOIN accounts_user u "
                "ON u.id = m.user_id WHERE m.role = 'opco' AND u.email LIKE 'bench.%%' GROUP BY m.organisation_id"
            )
            OPCO_USERS.update(dict(cursor.fetchall()))
        print(f"référentiel : {HOLDERS} porteurs, {EMPLOYERS} employeurs, {CERTIFICATIONS} certifications "
              f"({time.monotonic() - started:.1f} s)", flush=True)  # fmt: skip
        cursor.execute("SELECT COUNT(*) FROM pathways_pathway")
        done = 0
        while done < args.pathways:
            size = min(args.batch, args.pathways - done)
            with transaction.atomic():
                for offset in range(size):
                    seed_pathway(copier, ids, done + offset + 1, world, now, rnd)
                copier.flush()
            done += size
            print(f"{done} parcours ({time.monotonic() - started:.1f} s)", flush=True)
        ids.reset_sequences()
        # As autovacuum would after a bulk load: visibility map and hint bits set, statistics fresh (VACUUM
        # cannot run in a transaction: a test's seed is only analysed).
        cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)")
    if "refresh_indicators" in get_commands():
        call_command("refresh_indicators")
    print(f"seed_large : {args.pathways} parcours en {time.monotonic() - started:.1f} s", flush=True)


if __name__ == "__main__":
    main()
