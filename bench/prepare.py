"""The bench's in-process side (run by bench/run.py with the server's environment): API tokens for the
bench users, the pools of distinct targets of the writes (picked by SQL in the right state), the
parameters of the reads, the PDF render and indicators recompute timings, and EXPLAIN (ANALYZE, BUFFERS) of the main list queries
captured from the real views (CaptureQueriesContext) as the given user.

    python bench/prepare.py prepare out.json --pool N
    python bench/prepare.py explain out.json
"""

import datetime as dt
import json
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vae_inversee.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from rest_framework.test import APIClient  # noqa: E402

from vae_inversee.accounts.models import User  # noqa: E402
from vae_inversee.accounts.services import api_token_issue  # noqa: E402

# The holders whose pathways the writes change: enough for three pools of transitions (run.py: the writes
# measured and the writes under the two indicators reads) across a few runs on the same seed.
HOLDERS_FOR_WRITES = 60


def rows(sql, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def token(email, cache={}):  # noqa: B006 - one token per user per run
    if email not in cache:
        cache[email] = api_token_issue(acting_user=User.objects.get(email=email), name="bench")[1]
    return cache[email]


def holder_email(org_id):
    return rows("SELECT u.email FROM accounts_user u JOIN accounts_membership m ON m.user_id = u.id "
                "WHERE m.organisation_id = %s ORDER BY u.id LIMIT 1", [org_id])[0][0]  # fmt: skip


def parameters():
    """Who reads what: the first bench holder, the OPCO with most files, the Ministry."""
    holder_org = rows("SELECT organisation_id FROM pathways_projectholder WHERE laureate_reference = 'BENCH-001'")[0][0]
    holder = holder_email(holder_org)
    holder_count = rows("SELECT COUNT(*) FROM pathways_pathway WHERE project_holder_id = %s", [holder_org])[0][0]
    total = rows("SELECT COUNT(*) FROM pathways_pathway")[0][0]
    opco_id, opco_code = rows(
        "SELECT f.opco_id, o.code FROM funding_fundingfile f JOIN accounts_organisation o ON o.id = f.opco_id "
        "GROUP BY 1, 2 ORDER BY COUNT(*) DESC LIMIT 1"
    )[0]
    detail_ids = [r[0] for r in rows("SELECT id FROM pathways_pathway WHERE project_holder_id = %s AND phase = "
                                     "'delivery' ORDER BY id LIMIT 50", [holder_org])]  # fmt: skip
    agreement = rows("SELECT f.id, p.project_holder_id FROM funding_fundingfile f JOIN pathways_pathway p ON "
                     "p.id = f.pathway_id WHERE f.agreement <> '' ORDER BY f.id LIMIT 5")  # fmt: skip
    return {
        "holder": holder, "holder_pathways": holder_count, "pathways": total,
        "opco": f"bench.opco.{opco_code.lower()}@bench.vae", "opco_id": opco_id, "opco_code": opco_code,
        "ministry": "bench.ministere@bench.vae", "detail_ids": detail_ids,
        "holder_last_page": max(1, -(-holder_count // 20)), "ministry_deep_page": min(400, max(1, total // 40)),
        "agreement_ids": [a[0] for a in agreement],
        "agreement_user": holder_email(agreement[0][1]) if agreement else None,
        "q": "Martin",
    }  # fmt: skip


def pools(size):
    holders = [r[0] for r in rows("SELECT organisation_id FROM pathways_projectholder WHERE laureate_reference LIKE "
                                  "'BENCH-%%' ORDER BY laureate_reference LIMIT %s", [HOLDERS_FOR_WRITES])]  # fmt: skip
    emails = {org: holder_email(org) for org in holders}
    transition = rows("SELECT id, project_holder_id FROM pathways_pathway WHERE phase = 'positioning' AND "
                      "project_holder_id = ANY(%s) ORDER BY id LIMIT %s", [holders, 3 * size])  # fmt: skip
    approve = rows(
        "SELECT f.id, o.code, f.requested_teaching, f.requested_design, f.requested_support FROM funding_fundingfile f "
        "JOIN accounts_organisation o ON o.id = f.opco_id WHERE f.status = 'submitted' ORDER BY f.id LIMIT %s",
        [size],
    )
    payment = rows(
        "SELECT f.id, p.project_holder_id, c.start_date FROM funding_fundingfile f JOIN pathways_pathway p ON "
        "p.id = f.pathway_id JOIN pathways_contract c ON c.pathway_id = p.id WHERE f.status = 'approved' AND "
        "f.contract_year = 1 AND p.phase IN ('delivery', 'evaluation') AND p.project_holder_id = ANY(%s) "
        "ORDER BY f.id LIMIT %s",
        [holders, size],
    )
    return {
        "transition": [{"id": pid, "token": token(emails[org])} for pid, org in transition],
        "approve": [
            {
                "id": fid,
                "token": token(f"bench.opco.{code.lower()}@bench.vae"),
                "body": {"approved_teaching": str(t), "approved_design": str(d), "approved_support": str(s)},
            }
            for fid, code, t, d, s in approve
        ],  # fmt: skip
        "payment": [
            {
                "id": fid,
                "token": token(emails[org]),
                "period_start": (start + dt.timedelta(days=10)).isoformat(),
                "period_end": (start + dt.timedelta(days=40)).isoformat(),
            }
            for fid, org, start in payment
        ],
    }


def pdf_render_ms(file_ids, times=5):
    from funding.agreements import agreement_context
    from funding.models import FundingFile
    from vae_inversee.lib.pdf import render_pdf

    funding_file = FundingFile.objects.select_related("pathway", "decided_by").get(pk=file_ids[0])
    timings = []
    for _ in range(times):
        started = time.perf_counter()
        render_pdf("funding/pdf/agreement.html", agreement_context(funding_file))
        timings.append((time.perf_counter() - started) * 1000)
    return round(statistics.median(timings), 1)


def indicators_recompute_ms(email, times=3):
    """The Ministry's indicators computed from the data, as the first read after a write does (every later
    read of the same data version is a cache hit, measured under load as "API indicateurs JSON")."""
    from evaluation.indicators import compute_from_scratch

    user = User.objects.get(email=email)
    timings = []
    for _ in range(times):
        started = time.perf_counter()
        compute_from_scratch(user)
        timings.append((time.perf_counter() - started) * 1000)
    return round(statistics.median(timings), 1)


def prepare(out, size):
    params = parameters()
    data = {"params": params, "pools": pools(size)}
    data["tokens"] = {email: token(email) for email in {params["holder"], params["opco"], params["ministry"]}}
    if params["agreement_user"]:
        data["tokens"][params["agreement_user"]] = token(params["agreement_user"])
        data["pdf_render_ms"] = pdf_render_ms(params["agreement_ids"])
    data["indicators_recompute_ms"] = indicators_recompute_ms(params["ministry"])
    # A real PDF for the invoices of the payment requests (the upload check opens it).
    from vae_inversee.lib.pdf import render_pdf

    data["invoice_pdf"] = render_pdf("funding/pdf/agreement.html", _invoice_context()).decode("latin-1")
    json.dump(data, open(out, "w"), indent=1)


def _invoice_context():
    from funding.agreements import agreement_context
    from funding.models import FundingFile

    return agreement_context(FundingFile.objects.decided().select_related("pathway").order_by("pk").first())


# ---- EXPLAIN ANALYZE of the main list queries ------------------------------------------------------------


def explain(out):
    params = parameters()
    cases = [
        ("API liste, porteur, page 1", params["holder"], "/api/v1/pathways/"),
        ("API liste, Ministère, page 1", params["ministry"], "/api/v1/pathways/"),
        ("API liste, Ministère, page profonde", params["ministry"], f"/api/v1/pathways/?page={params['ministry_deep_page']}"),
        ("API liste, Ministère, ?q=", params["ministry"], f"/api/v1/pathways/?q={params['q']}"),
        ("API liste, phase + OPCO", params["ministry"], f"/api/v1/pathways/?phase=delivery&opco={params['opco_code']}"),
        ("API file de l'OPCO", params["opco"], "/api/v1/funding-files/?status=submitted"),
        ("API indicateurs", params["ministry"], "/api/v1/indicators/"),
        ("portail /porteur/", params["holder"], "/porteur/"),
        ("portail /opco/", params["opco"], "/opco/"),
        ("portail /pilotage/parcours/", params["ministry"], "/pilotage/parcours/"),
        ("portail /pilotage/", params["ministry"], "/pilotage/"),
    ]  # fmt: skip
    results = []
    for label, email, url in cases:
        user = User.objects.get(email=email)
        client = APIClient(SERVER_NAME="127.0.0.1") if url.startswith("/api/") else Client(SERVER_NAME="127.0.0.1")
        if url.startswith("/api/"):
            client.force_authenticate(user)
        else:
            client.force_login(user)
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(url, secure=True)
            elapsed = (time.perf_counter() - started) * 1000
        queries = [q for q in captured.captured_queries if q["sql"].lstrip().upper().startswith(("SELECT", "WITH"))]
        slowest = sorted(queries, key=lambda q: float(q["time"]), reverse=True)[:2]
        plans = []
        for query in slowest:
            with connection.cursor() as cursor:
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + query["sql"])
                plan = "\n".join(r[0] for r in cursor.fetchall())
            plans.append({"sql": query["sql"][:1500], "ms": round(float(query["time"]) * 1000, 1), "plan": plan})
        results.append({"label": label, "url": url, "user": email, "status": response.status_code,
                        "queries": len(captured.captured_queries), "ms": round(elapsed, 1), "plans": plans})  # fmt: skip
        print(f"  EXPLAIN {label}: {response.status_code}, {len(captured.captured_queries)} requêtes, {elapsed:.0f} ms",
              flush=True)  # fmt: skip
    json.dump(results, open(out, "w"), indent=1)


if __name__ == "__main__":
    command, out = sys.argv[1], sys.argv[2]
    if command == "prepare":
        prepare(out, int(sys.argv[4]) if len(sys.argv) > 4 else 2000)
    else:
        explain(out)
