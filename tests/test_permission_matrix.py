"""The permission matrix (issue 10): every portal URL and API route of the URL conf, every method it
may be called with, as each of the five roles and an anonymous visitor, on an object of one's own
scope and on an object of another organisation's, with the status each must answer.

The expected statuses are written out below, one line per method and URL: "own | other", each the
statuses of project holder, companion, OPCO, certifier, Ministry, anonymous. A URL added to the URL
conf without its line fails `test_every_url_has_its_line`. Lists are checked for scope too: none of the
other organisation's objects appears in what a role of the first world lists.
"""

import pytest
from django.test import Client
from rest_framework.test import APIClient

from tests.permission_matrix import ROLES, both_worlds, concrete, path_of, url_patterns

WHO = [*ROLES, "anonymous"]
API_METHODS = ("get", "post", "patch", "delete")
PORTAL_METHODS = ("get", "post")

EXPECTED = {
    "GET auth-token": "405 405 405 405 405 405",
    "POST auth-token": "400 400 400 400 400 400",
    "PATCH auth-token": "405 405 405 405 405 405",
    "DELETE auth-token": "405 405 405 405 405 405",
    "GET auth-logout": "401 401 401 401 401 401",
    "POST auth-logout": "401 401 401 401 401 401",
    "PATCH auth-logout": "401 401 401 401 401 401",
    "DELETE auth-logout": "401 401 401 401 401 401",
    "GET auth-token-list": "200 200 200 200 200 401",
    "POST auth-token-list": "405 405 405 405 405 401",
    "PATCH auth-token-list": "405 405 405 405 405 401",
    "DELETE auth-token-list": "405 405 405 405 405 401",
    "GET auth-token-detail": "405 405 405 405 405 401 | 405 405 405 405 405 401",
    "POST auth-token-detail": "405 405 405 405 405 401 | 405 405 405 405 405 401",
    "PATCH auth-token-detail": "405 405 405 405 405 401 | 405 405 405 405 405 401",
    "DELETE auth-token-detail": "204 204 204 204 204 401 | 404 404 404 404 404 401",
    "GET me": "200 200 200 200 200 401",
    "POST me": "405 405 405 405 405 401",
    "PATCH me": "405 405 405 405 405 401",
    "DELETE me": "405 405 405 405 405 401",
    "GET indicators": "200 200 200 200 200 401",
    "POST indicators": "405 405 405 405 405 401",
    "PATCH indicators": "405 405 405 405 405 401",
    "DELETE indicators": "405 405 405 405 405 401",
    "GET certification-list": "200 200 200 200 200 401",
    "POST certification-list": "405 405 405 405 405 401",
    "PATCH certification-list": "405 405 405 405 405 401",
    "DELETE certification-list": "405 405 405 405 405 401",
    "GET certification-detail": "200 200 200 200 200 401 | 200 200 200 200 200 401",
    "POST certification-detail": "405 405 405 405 405 401 | 405 405 405 405 405 401",
    "PATCH certification-detail": "405 405 405 405 405 401 | 405 405 405 405 405 401",
    "DELETE certification-detail": "405 405 405 405 405 401 | 405 405 405 405 405 401",
    "GET project-holder-list": "200 200 200 200 200 401",
    "POST project-holder-list": "405 405 405 405 405 401",
    "PATCH project-holder-list": "405 405 405 405 405 401",
    "DELETE project-holder-list": "405 405 405 405 405 401",
    "GET project-holder-detail": "200 404 404 404 200 401 | 404 404 404 404 200 401",
    "POST project-holder-detail": "405 405 405 405 405 401 | 405 405 405 405 405 401",
    "PATCH project-holder-detail": "405 405 405 405 405 401 | 405 405 405 405 405 401",
    "DELETE project-holder-detail": "405 405 405 405 405 401 | 405 405 405 405 405 401",
    "GET candidate-list": "200 200 200 200 200 401",
    "POST candidate-list": "400 403 403 403 403 401",
    "PATCH candidate-list": "405 405 405 405 405 401",
    "DELETE candidate-list": "405 405 405 405 405 401",
    "GET candidate-detail": "200 200 200 200 200 401 | 404 404 404 404 200 401",
    "POST candidate-detail": "405 405 405 405 405 401 | 405 405 405 405 405 401",
    "PATCH candidate-detail": "200 403 403 403 403 401 | 404 404 404 404 403 401",
    "DELETE candidate-detail": "405 405 405 405 405 401 | 405 405 405 405 405 401",
    "GET employer-list": "200 200 200 200 200 401",
    "POST employer-list": "400 403 403 403 403 401",
    "PATCH employer-list": "405 405 405 405 405 401",
    "DELETE employer-list": "405 405 405 405 405 401",
    "GET employer-detail": "200 200 200 200 200 401 | 404 404 404 404 200 401",
    "POST employer-detail": "405 405 405 405 405 401 | 405 405 405 405 405 401",
    "PATCH employer-detail": "200 403 403 403 403 401 | 404 404 404 404 403 401",
    "DELETE employer-detail": "405 405 405 405 405 401 | 405 405 405 405 405 401",
    "GET pathway-list": "200 200 200 200 200 401",
    "POST pathway-list": "400 403 403 403 403 401",
    "PATCH pathway-list": "405 405 405 405 405 401",
    "DELETE pathway-list": "405 405 405 405 405 401",
    "GET pathway-detail": "200 200 200 200 200 401 | 404 404 404 404 200 401",
    "POST pathway-detail": "405 405 405 405 405 401 | 405 405 405 405 405 401",
    "PATCH pathway-detail": "200 403 403 403 403 401 | 404 404 404 404 403 401",
    "DELETE pathway-detail": "405 405 405 405 405 401 | 405 405 405 405 405 401",
    "GET pathway-admissibility": "405 405 405 405 405 401 | 405 405 405 405 405 401",
    "POST pathway-admissibility": "403 403 403 400 403 401 | 404 404 404 404 403 401",
    "PATCH pathway-admissibility": "405 405 405 405 405 401 | 405 405 405 405 405 401",
    "DELETE pathway-admissibility": "405 405 405 405 405 401 | 405 405 405 405 405 401",
    "GET pathway-document-file": "200 200 200 200 200 401 | 404 404 404 404 200 401",
    "POST pathway-document-file": "405 405 405 405 405 401 | 405 405 405 405 405 401",
    "PATCH pathway-document-file": "405 405 405 405 405 401 | 405 405 405 405 405 401",
    "DELETE pathway-document-file": "405 405 405 405 405 401 | 405 405 405 405 405 401",
    "GET pathway-documents": "200 200 200 200 200 401 | 404 404 404 404 200 401",
    "POST pathway-documents": "400 400 403 403 403 401 | 404 404 404 404 403 401",
    "PATCH pathway-documents": "405 405 405 405 405 401 | 405 405 405 405 405 401",
    "DELETE pathway-documents": "405 405 405 405 405 401 | 405 405 405 405 405 401",
    "GET pathway-jury-session": "405 405 405 405 405 401 | 405 405 405 405 405 401",
    "POST pathway-jury-session": "403 403 403 400 403 401 | 404 404 404 404 403 401",
    "PATCH pathway-jury-session": "405 405 405 405 405 401 | 405 405 405 405 405 401",
    "DELETE pathway-jury-session": "405 405 405 405 405 401 | 405 405 405 405 405 401",
    "GET pathway-support-opinion": "405 405 405 405 405 401 | 405 405 405 405 405 401",
    "POST pathway-support-opinion": "403 400 403 403 403 401 | 404 404 404 404 403 401",
    "PATCH pathway-support-opinion": "405 405 405 405 405 401 | 405 405 405 405 405 401",
    "DELETE pathway-support-opinion": "405 405 405 405 405 401 | 405 405 405 405 405 401",
    "GET pathway-transition": "405 405 405 405 405 401 | 405 405 405 405 405 401",
    "POST pathway-transition": "400 400 403 400 403 401 | 404 404 404 404 403 401",
    "PATCH pathway-transition": "405 405 405 405 405 401 | 405 405 405 405 405 401",
    "DELETE pathway-transition": "405 405 405 405 405 401 | 405 405 405 405 405 401",
    "GET pathway-transitions": "200 200 200 200 200 401 | 404 404 404 404 200 401",
    "POST pathway-transitions": "405 405 405 405 405 401 | 405 405 405 405 405 401",
    "PATCH pathway-transitions": "405 405 405 405 405 401 | 405 405 405 405 405 401",
    "DELETE pathway-transitions": "405 405 405 405 405 401 | 405 405 405 405 405 401",
    "GET funding-file-list": "200 200 200 200 200 401",
    "POST funding-file-list": "400 403 403 403 403 401",
    "PATCH funding-file-list": "405 405 405 405 405 401",
    "DELETE funding-file-list": "405 405 405 405 405 401",
    "GET funding-file-detail": "200 200 200 200 200 401 | 404 404 404 404 200 401",
    "POST funding-file-detail": "405 405 405 405 405 401 | 405 405 405 405 405 401",
    "PATCH funding-file-detail": "409 403 403 403 403 401 | 404 404 404 404 403 401",
    "DELETE funding-file-detail": "405 405 405 405 405 401 | 405 405 405 405 405 401",
    "GET funding-file-agreement": "200 200 200 200 200 401 | 404 404 404 404 200 401",
    "POST funding-file-agreement": "405 405 405 405 405 401 | 405 405 405 405 405 401",
    "PATCH funding-file-agreement": "405 405 405 405 405 401 | 405 405 405 405 405 401",
    "DELETE funding-file-agreement": "405 405 405 405 405 401 | 405 405 405 405 405 401",
    "GET funding-file-approve": "405 405 405 405 405 401 | 405 405 405 405 405 401",
    "POST funding-file-approve": "403 403 400 403 403 401 | 404 404 404 404 403 401",
    "PATCH funding-file-approve": "405 405 405 405 405 401 | 405 405 405 405 405 401",
    "DELETE funding-file-approve": "405 405 405 405 405 401 | 405 405 405 405 405 401",
    "GET funding-file-reject": "405 405 405 405 405 401 | 405 405 405 405 405 401",
    "POST funding-file-reject": "403 403 400 403 403 401 | 404 404 404 404 403 401",
    "PATCH funding-file-reject": "405 405 405 405 405 401 | 405 405 405 405 405 401",
    "DELETE funding-file-reject": "405 405 405 405 405 401 | 405 405 405 405 405 401",
    "GET funding-file-request-changes": "405 405 405 405 405 401 | 405 405 405 405 405 401",
    "POST funding-file-request-changes": "403 403 400 403 403 401 | 404 404 404 404 403 401",
    "PATCH funding-file-request-changes": "405 405 405 405 405 401 | 405 405 405 405 405 401",
    "DELETE funding-file-request-changes": "405 405 405 405 405 401 | 405 405 405 405 405 401",
    "GET funding-file-submit": "405 405 405 405 405 401 | 405 405 405 405 405 401",
    "POST funding-file-submit": "409 403 403 403 403 401 | 404 404 404 404 403 401",
    "PATCH funding-file-submit": "405 405 405 405 405 401 | 405 405 405 405 405 401",
    "DELETE funding-file-submit": "405 405 405 405 405 401 | 405 405 405 405 405 401",
    "GET assessment-list": "200 200 200 200 200 401",
    "POST assessment-list": "403 400 403 403 403 401",
    "PATCH assessment-list": "405 405 405 405 405 401",
    "DELETE assessment-list": "405 405 405 405 405 401",
    "GET assessment-detail": "200 200 200 200 200 401 | 404 404 404 404 200 401",
    "POST assessment-detail": "405 405 405 405 405 401 | 405 405 405 405 405 401",
    "PATCH assessment-detail": "405 405 405 405 405 401 | 405 405 405 405 405 401",
    "DELETE assessment-detail": "405 405 405 405 405 401 | 405 405 405 405 405 401",
    "GET jury-list": "200 200 200 200 200 401",
    "POST jury-list": "403 403 403 400 403 401",
    "PATCH jury-list": "405 405 405 405 405 401",
    "DELETE jury-list": "405 405 405 405 405 401",
    "GET jury-detail": "200 200 200 200 200 401 | 404 404 404 404 200 401",
    "POST jury-detail": "405 405 405 405 405 401 | 405 405 405 405 405 401",
    "PATCH jury-detail": "405 405 405 405 405 401 | 405 405 405 405 405 401",
    "DELETE jury-detail": "405 405 405 405 405 401 | 405 405 405 405 405 401",
    "GET api-root": "200 200 200 200 200 401",
    "POST api-root": "405 405 405 405 405 401",
    "PATCH api-root": "405 405 405 405 405 401",
    "DELETE api-root": "405 405 405 405 405 401",
    "GET api-schema": "200 200 200 200 200 200",
    "POST api-schema": "405 405 405 405 405 405",
    "PATCH api-schema": "405 405 405 405 405 405",
    "DELETE api-schema": "405 405 405 405 405 405",
    "GET api-docs": "200 200 200 200 200 200",
    "POST api-docs": "405 405 405 405 405 405",
    "PATCH api-docs": "405 405 405 405 405 405",
    "DELETE api-docs": "405 405 405 405 405 405",
    "GET certifications:list": "200 200 200 200 200 302",
    "POST certifications:list": "200 200 200 200 200 302",
    "GET certifications:detail": "200 200 200 200 200 302 | 200 200 200 200 200 302",
    "POST certifications:detail": "200 200 200 200 200 302 | 200 200 200 200 200 302",
    "GET notifications:inbox": "200 200 200 200 200 302",
    "POST notifications:inbox": "200 200 200 200 200 302",
    "GET notifications:mark_all_read": "302 302 302 302 302 302",
    "POST notifications:mark_all_read": "302 302 302 302 302 302",
    "GET notifications:mark_read": "302 302 302 302 302 302 | 302 302 302 302 302 302",
    "POST notifications:mark_read": "302 302 302 302 302 302 | 404 404 404 404 404 302",
    "GET notifications:preferences": "200 200 200 200 200 302",
    "POST notifications:preferences": "200 200 200 200 200 302",
    "GET pathways:project_holder_home": "200 403 403 403 403 302",
    "POST pathways:project_holder_home": "200 403 403 403 403 302",
    "GET pathways:candidate_list": "200 403 403 403 403 302",
    "POST pathways:candidate_list": "200 403 403 403 403 302",
    "GET pathways:candidate_create": "200 403 403 403 403 302",
    "POST pathways:candidate_create": "200 403 403 403 403 302",
    "GET pathways:candidate_detail": "200 403 403 403 403 302 | 404 403 403 403 403 302",
    "POST pathways:candidate_detail": "200 403 403 403 403 302 | 404 403 403 403 403 302",
    "GET pathways:candidate_edit": "200 403 403 403 403 302 | 404 403 403 403 403 302",
    "POST pathways:candidate_edit": "200 403 403 403 403 302 | 404 403 403 403 403 302",
    "GET pathways:candidate_export": "302 403 403 403 403 302 | 302 403 403 403 403 302",
    "POST pathways:candidate_export": "200 403 403 403 403 302 | 404 403 403 403 403 302",
    "GET pathways:employer_list": "200 403 403 403 403 302",
    "POST pathways:employer_list": "200 403 403 403 403 302",
    "GET pathways:employer_create": "200 403 403 403 403 302",
    "POST pathways:employer_create": "200 403 403 403 403 302",
    "GET pathways:employer_edit": "200 403 403 403 403 302 | 404 403 403 403 403 302",
    "POST pathways:employer_edit": "200 403 403 403 403 302 | 404 403 403 403 403 302",
    "GET pathways:companion_home": "403 200 403 403 403 302",
    "POST pathways:companion_home": "403 200 403 403 403 302",
    "GET pathways:create": "200 403 403 403 403 302",
    "POST pathways:create": "200 403 403 403 403 302",
    "GET pathways:detail": "200 200 200 200 200 302 | 404 404 404 404 200 302",
    "POST pathways:detail": "200 200 200 200 200 302 | 404 404 404 404 200 302",
    "GET pathways:edit": "200 403 403 403 403 302 | 404 403 403 403 403 302",
    "POST pathways:edit": "200 403 403 403 403 302 | 404 403 403 403 403 302",
    "GET pathways:contract": "200 403 403 403 403 302 | 404 403 403 403 403 302",
    "POST pathways:contract": "200 403 403 403 403 302 | 404 403 403 403 403 302",
    "GET pathways:contract_renewal": "302 403 403 403 403 302 | 302 403 403 403 403 302",
    "POST pathways:contract_renewal": "400 403 403 403 403 302 | 404 403 403 403 403 302",
    "GET pathways:transition": "302 302 403 302 403 302 | 302 302 403 302 403 302",
    "POST pathways:transition": "400 400 403 400 403 302 | 404 404 403 404 403 302",
    "GET pathways:abandon": "302 302 403 302 403 302 | 302 302 403 302 403 302",
    "POST pathways:abandon": "400 400 403 400 403 302 | 404 404 403 404 403 302",
    "GET pathways:document_upload": "302 302 403 403 403 302 | 302 302 403 403 403 302",
    "POST pathways:document_upload": "400 400 403 403 403 302 | 404 404 403 403 403 302",
    "GET pathways:document_download": "200 200 200 200 200 302 | 404 404 404 404 200 302",
    "POST pathways:document_download": "200 200 200 200 200 302 | 404 404 404 404 200 302",
    "GET pathways:document_withdraw": "302 302 403 403 403 302 | 302 302 403 403 403 302",
    "POST pathways:document_withdraw": "302 302 403 403 403 302 | 404 404 403 403 403 302",
    "GET pathways:support_opinion": "403 302 403 403 403 302 | 403 302 403 403 403 302",
    "POST pathways:support_opinion": "403 400 403 403 403 302 | 403 404 403 403 403 302",
    "GET pathways:admissibility": "403 403 403 302 403 302 | 403 403 403 302 403 302",
    "POST pathways:admissibility": "403 403 403 400 403 302 | 403 403 403 404 403 302",
    "GET pathways:jury_session": "403 403 403 302 403 302 | 403 403 403 302 403 302",
    "POST pathways:jury_session": "403 403 403 400 403 302 | 403 403 403 404 403 302",
    "GET funding:opco_home": "403 403 200 403 403 302",
    "POST funding:opco_home": "403 403 200 403 403 302",
    "GET funding:file_detail": "403 403 200 403 403 302 | 403 403 404 403 403 302",
    "POST funding:file_detail": "403 403 200 403 403 302 | 403 403 404 403 403 302",
    "GET funding:file_approve": "403 403 302 403 403 302 | 403 403 302 403 403 302",
    "POST funding:file_approve": "403 403 400 403 403 302 | 403 403 404 403 403 302",
    "GET funding:file_request_changes": "403 403 302 403 403 302 | 403 403 302 403 403 302",
    "POST funding:file_request_changes": "403 403 400 403 403 302 | 403 403 404 403 403 302",
    "GET funding:file_reject": "403 403 302 403 403 302 | 403 403 302 403 403 302",
    "POST funding:file_reject": "403 403 400 403 403 302 | 403 403 404 403 403 302",
    "GET funding:agreement": "200 200 200 200 200 302 | 404 404 404 404 200 302",
    "POST funding:agreement": "200 200 200 200 200 302 | 404 404 404 404 200 302",
    "GET funding:pathway_funding": "200 403 403 403 403 302 | 404 403 403 403 403 302",
    "POST funding:pathway_funding": "400 403 403 403 403 302 | 404 403 403 403 403 302",
    "GET funding:ministry_list": "403 403 403 403 200 302",
    "POST funding:ministry_list": "403 403 403 403 200 302",
    "GET evaluation:certifier_home": "403 403 403 200 403 302",
    "POST evaluation:certifier_home": "403 403 403 200 403 302",
    "GET evaluation:assessment_create": "403 302 403 403 403 302 | 403 302 403 403 403 302",
    "POST evaluation:assessment_create": "403 400 403 403 403 302 | 403 404 403 403 403 302",
    "GET evaluation:jury_result": "403 403 403 302 403 302 | 403 403 403 302 403 302",
    "POST evaluation:jury_result": "403 403 403 400 403 302 | 403 403 403 404 403 302",
    "GET evaluation:ministry_home": "403 403 403 403 200 302",
    "POST evaluation:ministry_home": "403 403 403 403 200 302",
    "GET evaluation:dashboard": "200 403 200 403 302 302",
    "POST evaluation:dashboard": "200 403 200 403 302 302",
    "GET evaluation:indicators_export": "200 403 200 403 200 302 | 200 403 200 403 200 302",
    "POST evaluation:indicators_export": "200 403 200 403 200 302 | 200 403 200 403 200 302",
    "GET evaluation:pathways_export": "200 403 200 403 200 302 | 200 403 200 403 200 302",
    "POST evaluation:pathways_export": "200 403 200 403 200 302 | 200 403 200 403 200 302",
    "GET accounts:login": "302 302 302 302 302 200",
    "POST accounts:login": "302 302 302 302 302 200",
    "GET accounts:logout": "405 405 405 405 405 302",
    "POST accounts:logout": "302 302 302 302 302 302",
    "GET accounts:api_tokens": "200 200 200 200 200 302",
    "POST accounts:api_tokens": "200 200 200 200 200 302",
    "GET accounts:api_token_revoke": "302 302 302 302 302 302 | 302 302 302 302 302 302",
    "POST accounts:api_token_revoke": "404 404 404 404 404 302 | 404 404 404 404 404 302",
    "GET accounts:accessibility": "200 200 200 200 200 200",
    "POST accounts:accessibility": "200 200 200 200 200 200",
    "GET accounts:home": "302 302 302 302 302 302",
    "POST accounts:home": "302 302 302 302 302 302",
}


def methods_of(path):
    return API_METHODS if path.startswith("/api/") else PORTAL_METHODS


def test_every_url_has_its_line():
    listed = {line.split(" ", 1)[1] for line in EXPECTED}
    missing = sorted(name for name, route in url_patterns() if name not in listed)
    gone = sorted(listed - {name for name, route in url_patterns()})
    assert not missing, f"Add these URLs to the permission matrix: {missing}"
    assert not gone, f"These URLs are no longer in the URL conf: {gone}"


@pytest.fixture
def worlds(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return both_worlds()


def test_every_door_answers_each_role_as_expected(worlds):
    staff, own, other, owned, other_owned = worlds
    differences, requests = [], 0
    for name, route in url_patterns():
        for world, objects, mine in (("own", own, owned), ("other", other, other_owned)):
            for index, who in enumerate(WHO):
                # Anonymous visitors own nothing: their "own" token and notification are the Ministry's.
                values = concrete(name, route, objects, mine["ministry" if who == "anonymous" else who])
                if values is None and world == "other":
                    continue
                path = path_of(route, values or {})
                for method in methods_of(path):
                    expected = EXPECTED[f"{method.upper()} {name}"].split(" | ")[world == "other"].split()[index]
                    client = APIClient() if path.startswith("/api/") else Client()
                    if who != "anonymous":
                        client.force_login(staff[who])
                    response = getattr(client, method)(path)
                    status = response.status_code
                    if response.streaming:
                        # Consumed through the test client's wrapper, which closes the file without
                        # closing the test's database connection (a bare close() would).
                        b"".join(response.streaming_content)
                    requests += 1
                    if str(status) != expected:
                        differences.append(
                            f"{method.upper()} {path} ({name}) as {who}, {world}: {status}, expected {expected}"
                        )
    assert requests > 1500
    assert not differences, "\n".join(differences)


LISTS = {
    "/api/v1/pathways/": "pathway",
    "/api/v1/candidates/": "candidate",
    "/api/v1/employers/": "employer",
    "/api/v1/funding-files/": "funding_file",
    "/api/v1/assessments/": "assessment",
    "/api/v1/juries/": "jury",
    "/api/v1/project-holders/": "project_holder",
}


@pytest.mark.parametrize("role", [role for role in ROLES if role != "ministry"])
def test_no_list_shows_another_organisations_objects(worlds, role):
    staff, own, other, owned, other_owned = worlds
    client = APIClient()
    client.force_login(staff[role])
    for url, kind in LISTS.items():
        ids = {item["id"] for item in client.get(url, {"page_size": 200}).json()["results"]}
        assert other[kind].pk not in ids, (url, role)
