"""`make bench`: seed (once per size), serve as in production, load, report. Loopback only.

    python bench/run.py --pathways 100000 [--seconds 10] [--reseed] [--label before]

Database: BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/vae_bench), created and seeded
(migrate, seed_demo, seed_large) unless it already holds that size. Server: gunicorn, 2 sync workers,
DJANGO_ENV=production, CONN_MAX_AGE=60, Redis (BENCH_REDIS_URL, default db 11) and a real Celery worker.
Load: bench/load.py (locust) in a second process, one operation at a time for BENCH_SECONDS, each
preceded by its two references measured in the same run: the static JSON ceiling of the same byte size
(served by the same gunicorn through WhiteNoise) and the framework floor (GET /api/v1/me/).
Report: bench/results/<date>-<size>[-label].md and .json (bench/report.py).
"""

import argparse
import datetime as dt
import http.client
import json
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"
PYTHON = str(BIN / "python")
RESULTS = ROOT / "bench" / "results"
PASSWORD = "demo-vae-2026"


def log(message):
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", flush=True)


def sh(args, env, **kwargs):
    return subprocess.run(args, env=env, cwd=ROOT, check=True, **kwargs)


def database_state(url):
    """(exists, bench pathways) of the bench database."""
    import psycopg2

    parts = urllib.parse.urlparse(url)
    admin = parts._replace(path="/postgres").geturl()
    conn = psycopg2.connect(admin)
    try:
        with conn.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [parts.path.lstrip("/")])
            if not cursor.fetchone():
                return False, 0
    finally:
        conn.close()
    try:
        conn = psycopg2.connect(url)
        with conn.cursor() as cursor:
            cursor.execute(
                "SELECT COUNT(*) FROM pathways_pathway p JOIN pathways_projectholder h ON h.organisation_id = "
                "p.project_holder_id WHERE h.laureate_reference LIKE 'BENCH-%%'"
            )
            count = cursor.fetchone()[0]
        conn.close()
        return True, count
    except psycopg2.Error:
        return True, 0


def recreate(url):
    import psycopg2

    parts = urllib.parse.urlparse(url)
    name = parts.path.lstrip("/")
    conn = psycopg2.connect(parts._replace(path="/postgres").geturl())
    conn.autocommit = True  # DROP/CREATE DATABASE run outside a transaction
    try:
        with conn.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            cursor.execute(f'CREATE DATABASE "{name}"')
    finally:
        conn.close()


# The PostgreSQL settings of docker-compose's `db` service (data on SSD, held in memory: an index lookup costs
# little more than a sequential read), set on the bench's database so its plans are the production ones.
PG_SETTINGS = {"random_page_cost": "1.1"}


def tune(url):
    """docker-compose's settings, then `VACUUM (ANALYZE)`: the state autovacuum keeps a production database in.

    Without it a freshly seeded table has no visibility map (every index-only scan reads the table too: a deep
    page of the Ministry's list read 8 000 heap pages, 13 ms of SQL instead of 1 ms) nor hint bits (each read
    checks the commit log); a PostgreSQL with autovacuum off, as on the bench machine, never gets there. Run
    before every measure: the previous run's writes are vacuumed too (about 3 s at 100 000 pathways).
    """
    import psycopg2

    name = urllib.parse.urlparse(url).path.lstrip("/")
    conn = psycopg2.connect(url)
    conn.autocommit = True
    try:
        with conn.cursor() as cursor:
            for setting, value in PG_SETTINGS.items():
                cursor.execute(f'ALTER DATABASE "{name}" SET {setting} = {value}')
            cursor.execute("VACUUM (ANALYZE)")
    finally:
        conn.close()


def seed(url, pathways, reseed, env):
    """Seed once per size; the keys of the encrypted fields are kept with the seed (bench data only)."""
    name = urllib.parse.urlparse(url).path.lstrip("/")
    state_file = RESULTS / f".seed-{name}.json"
    state = json.loads(state_file.read_text()) if state_file.exists() else {}
    exists, count = database_state(url)
    if not reseed and exists and count == pathways and state.get("pathways") == pathways:
        log(f"base {name} déjà semée à {pathways} parcours (seed : {state.get('seconds')} s) : réutilisée")
        return state
    state = {"pathways": pathways, "secret_key": secrets.token_urlsafe(50), "salt_key": secrets.token_urlsafe(40)}
    env = {**env, "SECRET_KEY": state["secret_key"], "SALT_KEY": state["salt_key"]}
    log(f"base {name} : création, migrate, seed_demo")
    recreate(url)
    sh([PYTHON, "manage.py", "migrate", "--noinput", "-v", "0"], env)
    sh([PYTHON, "manage.py", "seed_demo"], env, stdout=subprocess.DEVNULL)
    log(f"seed_large --pathways {pathways}")
    started = time.monotonic()
    sh([PYTHON, "bench/seed_large.py", "--pathways", str(pathways)], env)
    state["seconds"] = round(time.monotonic() - started, 1)
    state["at"] = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    state_file.parent.mkdir(parents=True, exist_ok=True)
    state_file.write_text(json.dumps(state))
    return state


class Server:
    """gunicorn (2 sync workers) + a Celery worker, as in production."""

    def __init__(self, env, port):
        self.env, self.port, self.processes = env, port, []

    def start(self):
        self.processes = [
            subprocess.Popen(
                [str(BIN / "gunicorn"), "vae_inversee.wsgi:application", "-b", f"127.0.0.1:{self.port}", "-w", "2",
                 "--worker-class", "sync", "--timeout", "120", "--log-level", "warning"],
                env=self.env, cwd=ROOT,
            ),
            subprocess.Popen(
                # Background work at a lower CPU priority than the requests, as a one-machine deployment
                # would run it (docker-compose gives the worker pool its own containers).
                ["nice", "-n", "10", str(BIN / "celery"), "-A", "vae_inversee", "worker", "-c", "1", "--loglevel", "WARNING",
                 "--without-gossip", "--without-mingle"],
                env=self.env, cwd=ROOT, stdout=subprocess.DEVNULL,
            ),
        ]  # fmt: skip
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                status, _, _ = request(self.port, "GET", "/api/v1/me/")
                if status in (200, 401, 403):
                    return
            except OSError:
                pass
            time.sleep(0.3)
        raise SystemExit("gunicorn ne répond pas.")

    def stop(self):
        for process in self.processes:
            process.terminate()
        for process in self.processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
        self.processes = []


PROXY = {"X-Forwarded-Proto": "https"}  # as behind the TLS-terminating proxy of production


def request(port, method, path, headers=None, body=None):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    connection.request(method, path, body=body, headers={**PROXY, **(headers or {})})
    response = connection.getresponse()
    data = response.read()
    cookies = {}
    for name, value in response.getheaders():
        if name.lower() == "set-cookie":
            key, _, rest = value.partition("=")
            cookies[key] = rest.split(";", 1)[0]
    connection.close()
    return response.status, data, cookies


def portal_login(port, email):
    """The login form, its CSRF token and the session cookie read from Set-Cookie and sent back by hand:
    the cookies are Secure (production) and a cookie jar would not send them over loopback http."""
    status, _, cookies = request(port, "GET", "/connexion/")
    csrf = cookies["csrftoken"]
    body = urllib.parse.urlencode({"username": email, "password": PASSWORD, "csrfmiddlewaretoken": csrf})
    status, data, more = request(port, "POST", "/connexion/", {
        "Content-Type": "application/x-www-form-urlencoded", "Cookie": f"csrftoken={csrf}",
        "Referer": f"https://127.0.0.1:{port}/connexion/"}, body)  # fmt: skip
    cookies.update(more)
    if status != 302 or len(cookies) < 2:
        raise SystemExit(f"Connexion au portail refusée pour {email} : {status} {data[:200]!r}")
    return "; ".join(f"{k}={v}" for k, v in cookies.items())


def operations(prep, cookies, pool_size):
    p, tokens = prep["params"], prep["tokens"]

    def api(email):
        return {"Authorization": f"Token {tokens[email]}", "Accept": "application/json"}

    def portal(email):
        return {"Cookie": cookies[email]}

    holder, opco, ministry = p["holder"], p["opco"], p["ministry"]
    reads = [
        ("API liste, porteur, page 1", api(holder), ["/api/v1/pathways/"], "list"),
        ("API liste, porteur, dernière page", api(holder), [f"/api/v1/pathways/?page={p['holder_last_page']}"], "list"),
        ("API liste, Ministère, page 1", api(ministry), ["/api/v1/pathways/"], "list"),
        ("API liste, Ministère, page profonde", api(ministry), [f"/api/v1/pathways/?page={p['ministry_deep_page']}"], "list"),
        ("API liste, phase + OPCO", api(ministry), [f"/api/v1/pathways/?phase=delivery&opco={p['opco_code']}"], "list"),
        ("API liste, ?q= (Ministère)", api(ministry), [f"/api/v1/pathways/?q={p['q']}"], "list"),
        ("API liste, ?q= (porteur)", api(holder), [f"/api/v1/pathways/?q={p['q']}"], "list"),
        ("API détail", api(holder), [f"/api/v1/pathways/{i}/" for i in p["detail_ids"]], "detail"),
        ("portail /porteur/ page 1", portal(holder), ["/porteur/"], "list"),
        ("portail /porteur/ dernière page", portal(holder), [f"/porteur/?page={p['holder_last_page']}"], "list"),
        ("portail /porteur/ ?q=", portal(holder), [f"/porteur/?q={p['q']}"], "list"),
        ("portail détail", portal(holder), [f"/parcours/{i}/" for i in p["detail_ids"]], "detail"),
        ("portail messages du parcours", portal(holder), [f"/parcours/{i}/messages/" for i in p["detail_ids"]],
         "detail"),
        ("portail file OPCO /opco/", portal(opco), ["/opco/"], "list"),
        ("portail file OPCO ?q=", portal(opco), [f"/opco/?q={p['q']}"], "list"),
        ("API file OPCO", api(opco), ["/api/v1/funding-files/?status=submitted"], "list"),
        ("portail Ministère /pilotage/parcours/", portal(ministry), ["/pilotage/parcours/"], "list"),
        ("portail Ministère ?q=", portal(ministry), [f"/pilotage/parcours/?q={p['q']}"], "list"),
        ("portail tableau de bord /pilotage/", portal(ministry), ["/pilotage/"], "indicators"),
        ("API indicateurs JSON", api(ministry), ["/api/v1/indicators/"], "indicators"),
        ("API indicateurs CSV", api(ministry), ["/api/v1/indicators/?format=csv"], "indicators"),
        ("API indicateurs XLSX", api(ministry), ["/api/v1/indicators/?format=xlsx"], "indicators"),
    ]  # fmt: skip
    if p.get("agreement_user"):
        reads.append(("API accord PDF", api(p["agreement_user"]),
                      [f"/api/v1/funding-files/{i}/agreement/" for i in p["agreement_ids"]], "pdf"))  # fmt: skip
    ops = [{"name": name, "users": 2, "kind": kind, "requests": [{"method": "GET", "path": u, "headers": h}
            for u in urls]} for name, h, urls, kind in reads]  # fmt: skip
    pools = prep["pools"]

    def auth(token):
        return {"Authorization": f"Token {token}", "Accept": "application/json"}

    def transitions(targets):
        return [{"method": "POST", "path": f"/api/v1/pathways/{t['id']}/transition/", "headers": auth(t["token"]),
                 "json": {"to": "support"}} for t in targets]  # fmt: skip

    # A third of the pool each: the writes measured, and the writes under the indicators read as they go on.
    moves = pools["transition"]
    ops.append({"name": "écriture : changement de phase", "users": 8, "kind": "write", "pool": True,
                "requests": transitions(moves[0::3])})  # fmt: skip
    for (name, h, path), behind in zip(
        (("API indicateurs JSON pendant des écritures", api(ministry), "/api/v1/indicators/"),
         ("portail tableau de bord pendant des écritures", portal(ministry), "/pilotage/")),
        (moves[1::3], moves[2::3]), strict=True,
    ):  # fmt: skip
        ops.append({"name": name, "users": 2, "kind": "indicators",
                    "requests": [{"method": "GET", "path": path, "headers": h}],
                    "background": {"users": 2, "pool": True, "requests": transitions(behind)}})  # fmt: skip
    ops.append({"name": "écriture : accord de financement", "users": 8, "kind": "write", "pool": True, "requests": [
        {"method": "POST", "path": f"/api/v1/funding-files/{t['id']}/approve/", "headers": auth(t["token"]),
         "json": t["body"]} for t in pools["approve"]]})  # fmt: skip
    stamp = int(time.time())
    ops.append({"name": "écriture : demande de paiement", "users": 8, "kind": "write", "pool": True, "requests": [
        {"method": "POST", "path": "/api/v1/payment-requests/", "headers": auth(t["token"]),
         "data": {"funding_file": str(t["id"]), "category": "teaching", "amount": "10.00",
                  "invoice_number": f"BENCH-{stamp}-{n}", "invoice_date": dt.date.today().isoformat(),
                  "provider_name": "Organisme de banc", "provider_siret": "73282932000074",
                  "period_start": t["period_start"], "period_end": t["period_end"]},
         "files": {"invoice": ["facture.pdf", prep["invoice_pdf"], "application/pdf"]}}
        for n, t in enumerate(pools["payment"])]})  # fmt: skip
    return ops


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pathways", type=int, default=int(os.environ.get("PATHWAYS", 100000)))
    parser.add_argument("--seconds", type=float, default=float(os.environ.get("BENCH_SECONDS", 10)))
    parser.add_argument("--port", type=int, default=int(os.environ.get("BENCH_PORT", 8011)))
    parser.add_argument("--reseed", action="store_true")
    parser.add_argument("--label", default=os.environ.get("BENCH_LABEL", ""))
    parser.add_argument("--only", default="", help="noms d'opérations séparés par des virgules (sous-chaînes)")
    args = parser.parse_args()
    url = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/vae_bench")
    redis_url = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/11")
    if urllib.parse.urlparse(url).hostname not in ("127.0.0.1", "localhost"):
        raise SystemExit("Le banc ne vise que la machine locale.")
    base_env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_ENV", "REDIS_URL")}
    base_env.update({"DATABASE_URL": url})
    from report import font_subsetting  # bench/report.py

    if not font_subsetting().startswith("HarfBuzz"):
        log(
            "attention : libharfbuzz-subset0 absent (apt install libharfbuzz-subset0) ; WeasyPrint réduit les polices "
            "par fontTools, le rendu des PDF et le worker en sont 4 à 5 fois plus lents (le rapport le dit)"
        )
    state = seed(url, args.pathways, args.reseed, base_env)
    log("VACUUM (ANALYZE)")
    tune(url)  # before the server's first connection
    work = Path(tempfile.mkdtemp(prefix="vae-bench-"))
    env = {**base_env, "DJANGO_ENV": "production", "SECRET_KEY": state["secret_key"], "SALT_KEY": state["salt_key"],
           "ALLOWED_HOSTS": "127.0.0.1,localhost", "CONN_MAX_AGE": "60", "REDIS_URL": redis_url,
           "CELERY_TASK_ALWAYS_EAGER": "false", "STATIC_ROOT": str(work / "static"),
           "SITE_URL": f"https://127.0.0.1:{args.port}", "SECURE_HSTS_SECONDS": "0"}  # fmt: skip
    import redis

    redis.Redis.from_url(redis_url).flushdb()  # the bench's own Redis db: login throttles start afresh
    log("collectstatic")
    sh([PYTHON, "manage.py", "collectstatic", "--noinput", "-v", "0"], env)
    log("jetons, réserves d'écriture, rendu PDF")
    pool_size = int(max(200, min(4000, args.seconds * 150)))
    sh([PYTHON, "bench/prepare.py", "prepare", str(work / "prep.json"), "--pool", str(pool_size)], env)
    prep = json.loads((work / "prep.json").read_text())
    server = Server(env, args.port)
    server.start()
    try:
        cookies = {e: portal_login(args.port, e) for e in (prep["params"]["holder"], prep["params"]["opco"],
                                                           prep["params"]["ministry"])}  # fmt: skip
        ops = operations(prep, cookies, pool_size)
        if args.only:
            wanted = [w.strip() for w in args.only.split(",")]
            ops = [op for op in ops if any(w in op["name"] for w in wanted)]
        # The ceiling of each op: a static JSON of its response's byte size, served by the same gunicorn.
        static_dir = work / "static" / "bench"
        static_dir.mkdir(parents=True, exist_ok=True)
        for index, op in enumerate(ops):
            first = op["requests"][0]
            size = 2000
            if first["method"] == "GET":
                status, data, _ = request(args.port, "GET", first["path"], first["headers"])
                size = max(len(data), 2)
            op["probe_bytes"] = size
            (static_dir / f"op{index}.json").write_text('"' + "x" * (size - 2) + '"')
    finally:
        server.stop()
    server.start()  # WhiteNoise indexes STATIC_ROOT at start-up
    try:
        me = {
            "method": "GET",
            "path": "/api/v1/me/",
            "headers": {"Authorization": f"Token {prep['tokens'][prep['params']['holder']]}"},
        }  # noqa: E501
        plan = {"base": f"http://127.0.0.1:{args.port}", "headers": PROXY, "broker": redis_url, "idle": me,
                "operations": []}  # fmt: skip
        for index, op in enumerate(ops):
            for ref in (
                {"name": f"plafond statique {op['probe_bytes']} o #{index}", "ref": "ceiling",
                 "requests": [{"method": "GET", "path": f"/static/bench/op{index}.json", "headers": {}}]},
                {"name": f"plancher /api/v1/me/ #{index}", "ref": "floor", "requests": [me]},
            ):  # fmt: skip
                plan["operations"].append({**ref, "users": op["users"], "seconds": args.seconds, "of": op["name"]})
            plan["operations"].append({**op, "seconds": args.seconds})
        (work / "plan.json").write_text(json.dumps(plan))
        log(f"charge : {len(ops)} opérations × 3 × {args.seconds:g} s (locust, second processus)")
        sh([PYTHON, "bench/load.py", str(work / "plan.json"), str(work / "load.json")], {**base_env, "PYTHONPATH": ""})
        load = json.loads((work / "load.json").read_text())
    finally:
        server.stop()
    explain, rncp = [], None
    if not args.only:  # a partial run (--only) measures its ops alone
        log("EXPLAIN (ANALYZE, BUFFERS) des listes")
        sh([PYTHON, "bench/prepare.py", "explain", str(work / "explain.json")], env)
        explain = json.loads((work / "explain.json").read_text())
        log("import RNCP de 10 000 fiches")
        rncp = rncp_import(env, work)
    from report import write_report  # bench/report.py

    paths = write_report(
        results=RESULTS, pathways=args.pathways, label=args.label, seconds=args.seconds, seed=state, plan=plan,
        load=load, explain=explain, pdf_render_ms=prep.get("pdf_render_ms"), rncp=rncp,
        indicators_recompute_ms=prep.get("indicators_recompute_ms"),
        command=" ".join([Path(sys.argv[0]).name, *sys.argv[1:]]),
    )  # fmt: skip
    shutil.rmtree(work, ignore_errors=True)
    log(f"rapport : {', '.join(str(p.relative_to(ROOT)) for p in paths)}")


def rncp_import(env, work):
    """Time `manage.py import_rncp` on a generated 10 000-fiche export (bench/rncp_export.py)."""
    archive = work / "export-fiches-csv-bench.zip"
    try:
        sh([PYTHON, "bench/rncp_export.py", str(archive), "10000"], env)
    except (subprocess.CalledProcessError, FileNotFoundError) as error:
        return {"error": str(error)}
    started = time.monotonic()
    result = subprocess.run([PYTHON, "manage.py", "import_rncp", str(archive)], env=env, cwd=ROOT,
                            capture_output=True, text=True)  # fmt: skip
    return {"fiches": 10000, "seconds": round(time.monotonic() - started, 1), "returncode": result.returncode,
            "output": (result.stdout + result.stderr)[-600:]}  # fmt: skip


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    main()
