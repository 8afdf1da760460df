"""The web tier holds no state: two gunicorn instances, one PostgreSQL, one Redis, one walk spread across them.

Each request of one pathway's walk goes to the other instance than the one before: the portal session
opened on A is read on B, the CSRF token of a page served by B is accepted by A, an API token issued by
B authenticates on A, a document uploaded on A is downloaded from B, the agreement PDF decided on A is
rendered by the Celery worker and served by B, a login throttle (Redis) and a lockout (django-axes,
database) count failures made on both, and the same transition sent to both at once is taken once (the
row lock is PostgreSQL's, not a process's). Production settings, not eager Celery (integration, issue 16).
"""

import os
import re
import socket
import subprocess
import sys
import threading
import time
import uuid
from http.cookies import SimpleCookie
from pathlib import Path

import pytest
import requests
from django.contrib.auth.hashers import PBKDF2PasswordHasher

from pathways.enums import AdmissibilityDecision, DocumentKind
from pathways.models import Document, Pathway
from tests import celery_worker
from tests.accounts.factories import UserFactory
from tests.celery_worker import redis_reachable, running_worker, stop
from tests.conftest import require_service
from tests.pathways.factories import PDF_BYTES, PathwayFactory, add_contract, give_plan, staff_of

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "mot-de-passe-solide-2026"
SECRET_KEY = "two-instances-k7Jq2vXo9LmB4nRt8ZyWc1HdFs6GpUe3AiKo0VbNxQz5Mw"
SALT_KEY = "Zr8uQm3Xc1VbN6tLp0JsWk4HdYe7GfAo"
# Behind the (trusted) proxy that terminates TLS: production's secure cookies and HTTPS checks stay on.
PROXIED = {"X-Forwarded-Proto": "https"}
COLLECT_STATIC = """
import django
django.setup()
from django.conf import settings
from django.core.management import call_command
# The manifest production's WhiteNoise storage reads, without its slow compression (a test of state, not of
# static files): the names and the staticfiles.json are the same.
settings.STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"}
call_command("collectstatic", interactive=False, verbosity=0)
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Browser:
    """One user's cookies, carried by hand: requests' jar keeps Secure cookies off plain http."""

    def __init__(self, instances):
        self.instances = instances
        self.cookies: dict[str, str] = {}
        self.turn = 0

    def next(self):
        """The other instance than the last request's."""
        instance = self.instances[self.turn % 2]
        self.turn += 1
        return instance

    def request(self, method, path, *, on=None, token=None, **kwargs):
        base = on or self.next()
        headers = {**PROXIED, "Origin": f"https://{base.split('://')[1]}", **kwargs.pop("headers", {})}
        if token:
            headers["Authorization"] = f"Token {token}"
        elif self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        response = requests.request(method, base + path, headers=headers, allow_redirects=False, timeout=60, **kwargs)
        for header in response.raw.headers.getlist("Set-Cookie"):
            for name, morsel in SimpleCookie(header).items():
                if not morsel.value:  # a deletion (Django does not mark those Secure)
                    self.cookies.pop(name, None)
                    continue
                assert morsel["secure"], f"cookie {name} without Secure in production"
                self.cookies[name] = morsel.value
        response.served_by = base
        return response

    def csrf(self, path, **kwargs):
        page = self.request("GET", path, **kwargs)
        assert page.status_code == 200, page.text[:500]
        return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)

    def log_in(self, email, password=PASSWORD):
        token = self.csrf("/connexion/")
        return self.request("POST", "/connexion/", data={"csrfmiddlewaretoken": token, "username": email,
                                                         "password": password})  # fmt: skip

    def api_token(self, email):
        response = self.request("POST", "/api/v1/auth/token/", json={"email": email, "password": PASSWORD})
        assert response.status_code == 200, response.text
        return response.json()["token"]


@pytest.fixture
def instances(transactional_db, tmp_path):
    database_url = celery_worker.test_database_url()
    require_service(database_url is not None, "needs PostgreSQL shared by two processes: set DATABASE_URL")
    redis_url = os.environ.get("REDIS_URL", "")
    require_service(redis_reachable(redis_url), "REDIS_URL is not set or Redis does not answer")
    media = tmp_path / "media"
    media.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in {"DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE"}}
    env.update(
        DJANGO_SETTINGS_MODULE="vae_inversee.settings", DJANGO_ENV="production", SECRET_KEY=SECRET_KEY,
        SALT_KEY=SALT_KEY, ALLOWED_HOSTS="127.0.0.1", DATABASE_URL=database_url, CONN_MAX_AGE="60",
        REDIS_URL=redis_url, CELERY_TASK_ALWAYS_EAGER="false", STATIC_ROOT=str(tmp_path / "static"),
        MEDIA_ROOT=str(media), SITE_URL="https://127.0.0.1", LOG_LEVEL="WARNING",
        # Low limits, to reach them with failures spread over both instances.
        API_LOGIN_RATE_PER_ACCOUNT="3/hour", LOGIN_FAILURE_LIMIT="3",
    )  # fmt: skip
    subprocess.run([sys.executable, "-c", COLLECT_STATIC], cwd=ROOT, env=env, check=True, timeout=120)
    processes, urls = [], []
    for name in ("a", "b"):
        port = free_port()
        log = open(tmp_path / f"gunicorn-{name}.log", "w")  # noqa: SIM115 (closed with the process)
        processes.append(
            (subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "vae_inversee.wsgi:application", "--bind", f"127.0.0.1:{port}",
                 "--workers", "1", "--timeout", "60", "--no-control-socket"],
                cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
            ), log)
        )  # fmt: skip
        urls.append(f"http://127.0.0.1:{port}")
    try:
        for url in urls:
            deadline = time.monotonic() + 60
            while True:
                try:
                    if requests.get(url + "/connexion/", headers=PROXIED, timeout=30).status_code == 200:
                        break
                except (requests.ConnectionError, requests.Timeout):
                    pass
                assert time.monotonic() < deadline, (tmp_path / "gunicorn-a.log").read_text()
                time.sleep(0.2)
        with running_worker(tmp_path, needs_database=True, extra_env={"MEDIA_ROOT": str(media)}):
            yield urls, media
    finally:
        for process, log in processes:
            stop(process)
            log.close()
        for name in ("a", "b"):
            print(f"---- gunicorn {name}\n" + (tmp_path / f"gunicorn-{name}.log").read_text())


def with_password(user):
    """The password hashed as production checks it (the test settings hash with MD5); few iterations: fast."""
    hasher = PBKDF2PasswordHasher()
    user.password = hasher.encode(PASSWORD, hasher.salt(), iterations=1000)
    user.save(update_fields=["password"])
    return user


@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
def test_a_pathway_walk_spread_over_two_instances(instances):
    urls, media = instances
    pathway = PathwayFactory()
    staff = staff_of(pathway)
    for user in staff.values():
        with_password(user)
    holder, companion, certifier, opco = (Browser(urls) for _ in range(4))

    # ---- a portal session opened on one instance is read on the other; a CSRF token of B is good on A
    login = holder.log_in(staff["project_holder"].email)
    assert login.status_code == 302, login.text[:500]
    page = holder.request("GET", f"/parcours/{pathway.pk}/")
    assert page.status_code == 200 and pathway.reference in page.text
    assert page.served_by != login.served_by
    csrf_from_b = holder.csrf(f"/parcours/{pathway.pk}/", on=urls[1])
    upload = holder.request(
        "POST", f"/parcours/{pathway.pk}/pieces/", on=urls[0],
        data={"csrfmiddlewaretoken": csrf_from_b, "kind": DocumentKind.FEASIBILITY_STUDY},
        files={"file": ("etude.pdf", PDF_BYTES, "application/pdf")},
    )  # fmt: skip
    assert upload.status_code == 302, upload.text[:500]
    feasibility = Document.objects.get(pathway=pathway, kind=DocumentKind.FEASIBILITY_STUDY)
    download = holder.request("GET", f"/parcours/{pathway.pk}/pieces/{feasibility.pk}/", on=urls[1])
    assert download.status_code == 200 and download.content == PDF_BYTES
    # Without the token the same post is refused, whichever instance.
    refused = holder.request("POST", f"/parcours/{pathway.pk}/phase/", data={"to": "support"})
    assert refused.status_code == 403

    # ---- an API token issued by B authenticates on A; the upload made on A is downloaded from B
    holder_token = holder.api_token(staff["project_holder"].email)
    pathway_url = f"/api/v1/pathways/{pathway.pk}/"
    uploaded = holder.request(
        "POST", f"{pathway_url}documents/", token=holder_token,
        data={"kind": DocumentKind.SKILLS_DIAGNOSIS}, files={"file": ("diagnostic.pdf", PDF_BYTES, "application/pdf")},
    )  # fmt: skip
    assert uploaded.status_code == 201, uploaded.text
    fetched = holder.request("GET", f"{pathway_url}documents/{uploaded.json()['id']}/file/", token=holder_token)
    assert fetched.status_code == 200 and fetched.content == PDF_BYTES
    assert fetched.served_by != uploaded.served_by

    # ---- positioning → support through the portal form, then the other phases through the API, alternating
    csrf = holder.csrf(f"/parcours/{pathway.pk}/")
    moved = holder.request(
        "POST", f"/parcours/{pathway.pk}/phase/", data={"csrfmiddlewaretoken": csrf, "to": "support"}
    )
    assert moved.status_code == 302 and Pathway.objects.get(pk=pathway.pk).phase == "support"

    add_contract(pathway)
    give_plan(pathway, staff)
    companion_token = companion.api_token(staff["companion"].email)
    opinion = {"job_match": True, "pedagogical_path": True}
    assert companion.request("POST", f"{pathway_url}support-opinion/", token=companion_token, json=opinion).ok
    step = companion.request("POST", f"{pathway_url}transition/", token=companion_token, json={"to": "admissibility"})
    assert step.status_code == 200, step.text

    certifier_token = certifier.api_token(staff["certifier"].email)
    decision = {"decision": AdmissibilityDecision.ADMISSIBLE}
    assert certifier.request("POST", f"{pathway_url}admissibility/", token=certifier_token, json=decision).ok
    created = holder.request("POST", "/api/v1/funding-files/", token=holder_token, json={"pathway": pathway.pk})
    assert created.status_code == 201, created.text
    file_url = f"/api/v1/funding-files/{created.json()['id']}/"
    assert holder.request("POST", f"{file_url}submit/", token=holder_token).status_code == 200
    opco_token = opco.api_token(staff["opco"].email)
    amounts = {k: created.json()[k.replace("approved", "requested")] for k in
               ("approved_teaching", "approved_design", "approved_support")}  # fmt: skip
    approved = opco.request("POST", f"{file_url}approve/", token=opco_token, json=amounts)
    assert approved.status_code == 200, approved.text
    # The request only enqueued the PDF (after its commit): the worker renders it, the other instance serves it.
    deadline = time.monotonic() + 45
    while (agreement := opco.request("GET", f"{file_url}agreement/", token=opco_token)).status_code == 404:
        assert time.monotonic() < deadline, agreement.text
        time.sleep(0.3)
    assert agreement.status_code == 200 and agreement.content.startswith(b"%PDF")
    assert any(media.rglob("*.pdf"))
    step = holder.request("POST", f"{pathway_url}transition/", token=holder_token, json={"to": "delivery"})
    assert step.status_code == 200, step.text

    # ---- delivery → evaluation: the same transition sent to both instances at once is taken once
    blocks = list(pathway.target_blocks.order_by("code"))
    for block in blocks:
        assessment = {"pathway": pathway.pk, "skill_block": block.pk, "level": "acquired",
                      "assessed_at": str(pathway.contract.start_date)}  # fmt: skip
        recorded = companion.request("POST", "/api/v1/assessments/", token=companion_token, json=assessment)
        assert recorded.status_code == 201, recorded.text
    session = {"session_date": str(pathway.contract.end_date)}
    assert certifier.request("POST", f"{pathway_url}jury-session/", token=certifier_token, json=session).ok
    barrier, answers = threading.Barrier(2), {}

    def move(url):
        barrier.wait(timeout=10)
        answers[url] = companion.request(
            "POST", f"{pathway_url}transition/", on=url, token=companion_token, json={"to": "evaluation"}
        )

    threads = [threading.Thread(target=move, args=(url,)) for url in urls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    codes = sorted(response.status_code for response in answers.values())
    assert codes[0] == 200 and codes[1] in (400, 409), [r.text for r in answers.values()]
    assert Pathway.objects.get(pk=pathway.pk).transitions.filter(to_phase="evaluation").count() == 1

    # ---- evaluation → completed: the certifier records the jury on one instance, closes on the other
    jury = {"pathway": pathway.pk, "session_date": str(pathway.contract.end_date), "outcome": "full",
            "block_results": [{"skill_block": block.pk, "validated": True} for block in blocks]}  # fmt: skip
    recorded = certifier.request("POST", "/api/v1/juries/", token=certifier_token, json=jury)
    assert recorded.status_code == 201, recorded.text
    step = certifier.request("POST", f"{pathway_url}transition/", token=certifier_token, json={"to": "completed"})
    assert step.status_code == 200, step.text
    detail = holder.request("GET", f"/parcours/{pathway.pk}/")
    assert detail.status_code == 200 and "Terminé" in detail.text

    # ---- the API's login throttle (Redis) counts the failures made on both instances
    stranger = Browser(urls)
    # An address of its own each run: the throttle's counts live in Redis, for an hour.
    wrong = {"email": f"inconnu-{uuid.uuid4().hex}@exemple.fr", "password": "pas-le-bon"}
    answers = [stranger.request("POST", "/api/v1/auth/token/", json=wrong).status_code for _ in range(4)]
    # A per-process counter would have let two failures through on each instance: four 400s.
    assert answers == [400, 400, 400, 429], answers

    # ---- django-axes locks out an account after failures spread over both instances (last: it also
    # locks the client address, 127.0.0.1)
    locked = with_password(UserFactory(role="ministry"))
    intruder = Browser(urls)
    failures = []
    for _ in range(3):
        failures.append(intruder.log_in(locked.email, "pas-le-bon"))
        intruder.turn += 1  # a login is two requests: shift, so that the next post goes to the other instance
    assert [failure.status_code for failure in failures] == [200, 200, 429]
    assert {failure.served_by for failure in failures} == set(urls)
    # Locked on both: even the right password, on the instance that saw fewer failures.
    lockout = intruder.log_in(locked.email)
    assert lockout.status_code == 429 and "Trop de tentatives de connexion" in lockout.text, lockout.text[:300]
