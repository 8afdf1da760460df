"""Every page of every role, listed from the URL conf, audited in a real browser on the demo data set:
axe-core (the npm package of tests/e2e/package.json, injected by Playwright) finds no serious or
critical violation at 1280 px and at 375 px, and no page is wider than a 375 px phone.

A page added to the URL conf is audited without touching this file: its parameters are filled from the
demo objects the role sees. Only POST-only doors and downloads are left out, each by name with its reason.
Set SCREENSHOTS=/some/folder to keep a full-page PNG of each page at both widths (to look at them).
"""

import os
import re
from pathlib import Path
from urllib.parse import urlencode

import pytest
from playwright.sync_api import Error as PlaywrightError
from sesame.tokens import create_token

from certifications.models import Certification
from evaluation import selectors as evaluation_selectors
from evaluation.models import Assessment, Jury
from funding.models import FundingFile, PaymentBatch, PaymentRequest
from pathways.enums import CANDIDATE_INVITATION_SCOPE, PathwayPhase
from pathways.models import Candidate, Document, Employer, Pathway, PlanAction, Project, ProjectDocument
from tests.demo_snapshot import seeded_demo
from tests.e2e.test_demo_logins import log_in
from tests.permission_matrix import concrete, path_of, url_patterns
from vae_inversee.accounts.models import Membership, User
from vae_inversee.accounts.services import invitation_create, invitation_revoke
from vae_inversee.demo.candidates import INVITED_CANDIDATE_EMAIL
from vae_inversee.webhooks.models import WebhookEndpoint

AXE = Path(__file__).parent / "node_modules" / "axe-core" / "axe.min.js"
WIDE, PHONE = {"width": 1280, "height": 900}, {"width": 375, "height": 812}
BLOCKING = {"serious", "critical"}

ROLES = {
    "anonymous": None,
    "project_holder": "porteur@demo.vae",
    "companion": "accompagnateur@demo.vae",
    "opco": "opco@demo.vae",
    "certifier": "certificateur@demo.vae",
    "ministry": "ministere@demo.vae",
    "candidate": "candidat@demo.vae",
}

# Not pages: each by name, with the reason it is not audited.
NOT_PAGES = {
    "admin": "Django's own administration site (staff only)",
    "api-schema": "the OpenAPI schema (YAML), not a page",
    "api-docs": "Swagger UI, a third-party page for developers",
    "accounts:logout": "POST only (the logout button)",
    "accounts:api_token_revoke": "POST only (revoke button)",
    "accounts:saved_filter_save": "POST only (« Enregistrer ces filtres » form under each list's filters)",
    "accounts:saved_filter_delete": "POST only (delete button of a saved filter set, on its list)",
    "accounts:home": "redirects to the role's home page",
    "notifications:mark_read": "POST only (mark-as-read button)",
    "notifications:mark_all_read": "POST only (mark-all-as-read button)",
    "pathways:transition": "POST only (phase buttons of the pathway page)",
    "pathways:abandon": "POST only (abandon form of the pathway page)",
    "pathways:document_upload": "POST only (upload form of the pathway page)",
    "pathways:document_download": "a download (the document file)",
    "pathways:document_withdraw": "POST only (withdraw button of a document)",
    "pathways:support_opinion": "POST only (opinion form of the pathway page)",
    "pathways:admissibility": "POST only (decision form of the pathway page)",
    "pathways:jury_session": "POST only (jury date form of the pathway page)",
    "pathways:candidate_export": "POST only (a download: the candidate's data, ZIP)",
    "pathways:contract_renewal": "POST only (renewal form of the pathway page)",
    "funding:file_approve": "POST only (decision form of the file page)",
    "funding:file_request_changes": "POST only (decision form of the file page)",
    "funding:file_reject": "POST only (decision form of the file page)",
    "funding:agreement": "a download (the agreement PDF)",
    "evaluation:assessment_create": "POST only (progress form of the pathway page)",
    "evaluation:jury_result": "POST only (jury form of the pathway page)",
    "evaluation:indicators_export": "a download (CSV/XLSX)",
    "evaluation:pathways_export": "a download (CSV/XLSX)",
    "evaluation:outcome_record": "POST only (situation form of the pathway page)",
    "pathways:plan_action_delete": "POST only (withdraw button of a plan action)",
    "pathways:plan_action_realise": "POST only (hours form of a plan action)",
    "projects:document_add": "POST only (upload form of the project page)",
    "projects:document_download": "a download (the project's document file)",
    "projects:submit": "POST only (submit button of the project page)",
    "projects:request_complements": "POST only (decision form of the project page)",
    "projects:mark_complete": "POST only (decision form of the project page)",
    "projects:accept": "POST only (decision form of the project page)",
    "projects:reject": "POST only (decision form of the project page)",
    "funding:invoice": "a download (the invoice PDF of a payment request)",
    "funding:payment_request_approve": "POST only (decision form of the payment request page)",
    "funding:payment_request_reject": "POST only (decision form of the payment request page)",
    "funding:batch_create": "POST only (batch form of the batch list)",
    "funding:batch_mark_paid": "POST only (paid form of the batch page)",
    "funding:batch_export": "a download (the batch's transfer file, XML)",
    "accounts:member_set_admin": "POST only (admin switch of the organisation page)",
    "accounts:invitation_revoke": "POST only (revoke button of the organisation page)",
    "funding:file_assign": "POST only (assignment form of the file page)",
    "funding:file_note_add": "POST only (note form of the file page)",
    "pathways:assign": "POST only (assignment form of the pathway page)",
    "pathways:message_attachment": "a download (a message's attachment)",
    "pathways:note_add": "POST only (note form of the pathway's messages page)",
    "webhooks:toggle": "POST only (activation button of the webhook page)",
    "webhooks:delete": "POST only (delete button of the webhook page)",
    "webhooks:redeliver": "POST only (redeliver button of a delivery)",
    "pathways:candidate_invite": "POST only (invite button of the candidate page)",
    "candidate:message_post": "POST only (message form of « Mon parcours »)",
    "candidate:document_add": "POST only (document form of « Mon parcours »)",
    "candidate:document_download": "a download (a document of the candidate's pathway)",
    "candidate:agreement_download": "a download (the agreement PDF, from « Mon parcours »)",
}
# Pages audited apart, with objects the crawl makes itself (not by URL parameters from the demo).
APART = {"accounts:invitation_accept": "its secret exists only in the e-mail: the crawl invites someone"}

# A pathway in each phase: the pathway's pages show different forms in each.
PHASES = [
    PathwayPhase.POSITIONING,
    PathwayPhase.SUPPORT,
    PathwayPhase.ADMISSIBILITY,
    PathwayPhase.DELIVERY,
    PathwayPhase.EVALUATION,
]


def not_a_page(name, route):
    return route.startswith(("admin/", "api/v1/")) or name in NOT_PAGES or name.split(":")[0] in NOT_PAGES


def apart(name):
    return name in APART


def objects_seen_by(user):
    """The demo objects a role sees, one of each kind (a pathway per phase, a project per status), as URL
    parameters."""
    pathways = Pathway.objects.visible_to(user).order_by("pk")
    worlds = []
    for phase in PHASES:
        pathway = pathways.filter(phase=phase).first()
        if pathway is None:
            continue
        project = pathway.project or Project.objects.visible_to(user).order_by("pk").first()
        worlds.append(
            {
                "pathway": pathway,
                "candidate": Candidate.objects.visible_to(user).order_by("pk").first(),
                "employer": Employer.objects.visible_to(user).order_by("pk").first(),
                "document": Document.objects.filter(pathway=pathway).first(),
                "funding_file": FundingFile.objects.visible_to(user).order_by("-pk").first(),
                "assessment": Assessment.objects.filter(pathway=pathway).first(),
                "jury": Jury.objects.filter(pathway=pathway).first(),
                "certification": pathway.certification,
                "project_holder": pathway.project_holder,
                "plan_action": PlanAction.objects.filter(pathway=pathway).order_by("pk").first(),
                "payment_request": PaymentRequest.objects.visible_to(user).order_by("pk").first(),
                "payment_batch": PaymentBatch.objects.visible_to(user).order_by("pk").first(),
                "project": project,
                "project_document": ProjectDocument.objects.filter(project=project).first(),
                # A colleague the organisation's admin could deactivate (never the user themself).
                "membership": Membership.objects.filter(organisation=user.organisation)
                .exclude(user=user)
                .order_by("pk")
                .first(),
                "webhook": WebhookEndpoint.objects.visible_to(user).order_by("pk").first(),
            }
        )
    # Each jury session (a certification and a date): one to record, one recorded.
    for session in evaluation_selectors.jury_sessions(user):
        worlds.append(
            {
                "certification": Certification.objects.get(pk=session["certification"]["id"]),
                "session_date": session["session_date"].isoformat(),
            }
        )
    # A project in each status too (its page shows different forms in each, and only some are editable).
    projects = Project.objects.visible_to(user).order_by("pk")
    for status in projects.order_by().values_list("status", flat=True).distinct():
        project = projects.filter(status=status).first()
        worlds += [
            {**world, "project": project, "project_document": ProjectDocument.objects.filter(project=project).first()}
            for world in worlds[:1]
        ]
    return worlds


def query_of(name) -> str:
    """A page that needs a query string: the invitation link of the demo's invited candidate (opening it
    spends nothing: only choosing the password does)."""
    if name == "candidate:welcome":
        invited = User.objects.get(email=INVITED_CANDIDATE_EMAIL)
        return "?" + urlencode({"sesame": create_token(invited, CANDIDATE_INVITATION_SCOPE)})
    return ""


def pages_of(user):
    """(name, path) of every page of the URL conf, filled for this user (several pathways: each phase)."""
    worlds = objects_seen_by(user) if user else []
    seen = set()
    for name, route in url_patterns():
        if not_a_page(name, route) or apart(name):
            continue
        for objects in worlds or [{}]:
            try:
                values = concrete(name, route, objects, {})
            except (KeyError, AttributeError):
                continue
            if values is None:
                path = path_of(route, {})
            elif any(value is None for value in values.values()):
                continue
            else:
                path = path_of(route, values)
            if path not in seen:
                seen.add(path)
                yield name, path + query_of(name)


def audit(page, url, label, shots):
    """axe's blocking violations at both widths, and the page's width on a phone."""
    problems, too_wide = [], None
    for viewport in (WIDE, PHONE):
        page.set_viewport_size(viewport)
        if viewport is PHONE:
            width = page.evaluate("document.documentElement.scrollWidth")
            if width > PHONE["width"]:
                too_wide = width
        if not page.evaluate("typeof window.axe !== 'undefined'"):
            page.add_script_tag(path=str(AXE))
        result = page.evaluate(
            "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
            ".map(v => ({id: v.id, impact: v.impact, help: v.help,"
            " targets: v.nodes.slice(0, 3).map(n => n.target.join(' '))}))"
        )
        for violation in result:
            if violation["impact"] in BLOCKING:
                problems.append(
                    f"{url} [{viewport['width']} px] {violation['impact']} {violation['id']}: {violation['help']}"
                    f" — {', '.join(violation['targets'])}"
                )
        if shots:
            slug = re.sub(r"[^a-z0-9]+", "-", f"{label}-{url}".lower()).strip("-")
            page.screenshot(path=f"{shots}/{slug}-{viewport['width']}.png", full_page=True)
    page.set_viewport_size(WIDE)
    return problems, too_wide


def crawl(browser, base_url):
    """Log in as each role once (one context each), visit each of its pages, audit it."""
    seeded_demo()
    shots = os.environ.get("SCREENSHOTS")
    if shots:
        Path(shots).mkdir(parents=True, exist_ok=True)
    violations, too_wide, audited, errors = [], [], set(), []
    js_errors = []
    for role, email in ROLES.items():
        user = User.objects.get(email=email) if email else None
        context = browser.new_context(locale="fr-FR", viewport=WIDE, bypass_csp=True)
        page = context.new_page()
        page.set_default_timeout(20_000)
        page.on("pageerror", lambda error, role=role: js_errors.append(f"{role}: {error}"))
        if email:
            log_in(page, base_url, email)
            page.wait_for_load_state()
        for name, path in pages_of(user):
            try:
                response = page.goto(base_url + path)
            except PlaywrightError as error:
                errors.append(f"{path} ({name}) as {role}: {error.message.splitlines()[0]}")
                continue
            if response.status in (403, 404, 405) or response.url.rstrip("/") != (base_url + path).rstrip("/"):
                continue  # not this role's page (or not in this phase): another role audits it
            if response.status != 200:
                errors.append(f"{path} ({name}) as {role}: {response.status}")
                continue
            audited.add(name)
            if "---------" in page.content():
                errors.append(f"{path} ({name}) as {role}: a dropdown starts with Django's '---------'")
            problems, width = audit(page, path, role, shots)
            violations += [f"{role}: {problem}" for problem in problems]
            if width:
                too_wide.append(f"{path} ({name}) as {role}: {width} px wide at 375 px")
        context.close()
    # Pages a newcomer meets before having an account: an invitation's link, valid then spent (410), and the
    # not-found page (what a mistyped address shows).
    admin = Membership.objects.filter(is_admin=True).select_related("user", "organisation").order_by("pk").first()
    invitation, secret = invitation_create(
        organisation=admin.organisation, email="nouvelle.collegue@demo.vae", acting_user=admin.user
    )
    invitation_revoke(invitation=invitation, acting_user=admin.user)
    _, valid = invitation_create(
        organisation=admin.organisation, email="autre.collegue@demo.vae", acting_user=admin.user
    )
    context = browser.new_context(locale="fr-FR", viewport=WIDE, bypass_csp=True)
    page = context.new_page()
    for path, status in (
        (f"/invitation/{valid}/", 200),
        (f"/invitation/{secret}/", 410),
        ("/page-qui-n-existe-pas/", 404),
    ):
        response = page.goto(base_url + path)
        if response.status != status:
            errors.append(f"{path} as anonymous: {response.status}, not {status}")
        problems, width = audit(page, path, "anonymous", shots)
        violations += problems
        if width:
            too_wide.append(f"{path} as anonymous: {width} px wide at 375 px")
    audited.add("accounts:invitation_accept")
    context.close()
    return {
        "violations": violations,
        "too_wide": too_wide,
        "audited": audited,
        "errors": errors,
        "js_errors": sorted(set(js_errors)),
    }


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_every_page_of_every_role_has_no_serious_axe_violation_and_fits_a_phone(
    browser, live_server, settings, tmp_path
):
    """One test for the one crawl (the suite's processes share no memory: two tests could crawl twice)."""
    settings.MEDIA_ROOT = tmp_path
    results = crawl(browser, live_server.url)
    pages = {name for name, route in url_patterns() if not not_a_page(name, route)}
    failures = []
    if pages - results["audited"]:
        failures.append(f"pages no role could open (fill their parameters): {sorted(pages - results['audited'])}")
    if results["errors"]:
        failures.append("pages that failed:\n" + "\n".join(results["errors"]))
    if results["violations"]:
        failures.append("axe violations (serious or critical):\n" + "\n".join(results["violations"]))
    if results["js_errors"]:
        failures.append("JavaScript errors:\n" + "\n".join(results["js_errors"]))
    if results["too_wide"]:
        failures.append("pages wider than the viewport:\n" + "\n".join(results["too_wide"]))
    assert not failures, "\n\n".join(failures)
    assert len(results["audited"]) >= 20


def test_every_url_name_left_out_still_exists():
    names = {name for name, route in url_patterns()}
    gone = {name for name in NOT_PAGES if name not in names and name != "admin"}
    assert not gone, f"remove these from NOT_PAGES: {gone}"
