"""The pathways resource of the API: create, read, update, scope, filters, query counts."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from pathways import workflow
from pathways.enums import PathwayPhase
from pathways.models import Contract, Pathway
from tests.accounts.factories import UserFactory
from tests.conftest import api_as
from tests.pathways.factories import (
    CandidateFactory,
    CertificationFactory,
    EmployerFactory,
    PathwayFactory,
    ProjectHolderFactory,
    add_contract,
    fulfil_guards,
    show_to_opco,
    staff_of,
    walk_to,
)
from vae_inversee.accounts.models import Organisation, User

pytestmark = pytest.mark.django_db

LIST_URL = "/api/v1/pathways/"
FEASIBILITY_MISSING = "La pièce « Étude de faisabilité » doit être déposée."
DIAGNOSIS_MISSING = "La pièce « Diagnostic de compétences (positionnement) » doit être déposée."


def detail_url(pathway):
    return f"{LIST_URL}{pathway.pk}/"


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def holder():
    return ProjectHolderFactory(pathway_ceiling=5)


@pytest.fixture
def holder_user(holder):
    return UserFactory(organisation=holder.organisation)


@pytest.fixture
def parts(holder):
    """What a project holder needs to open a pathway: its candidate and employer, a certification, a companion."""
    certification = CertificationFactory(vae_target=True)
    return {
        "candidate": CandidateFactory(project_holder=holder),
        "employer": EmployerFactory(project_holder=holder),
        "certification": certification,
        "blocks": list(certification.skill_blocks.order_by("code")),
        "companion": UserFactory(role="companion"),
    }


CONTRACT = {
    "signed_on": "2025-09-01",
    "start_date": "2025-09-15",
    "end_date": "2026-09-14",
    "weekly_hours": "35",
    "monthly_gross_salary": "1900",
    "tutor_name": "Marie Tuteur",
    "tutor_is_employer": False,
}


def create_payload(parts, **overrides):
    data = {
        "candidate": parts["candidate"].id,
        "employer": parts["employer"].id,
        "certification": parts["certification"].id,
        "target_blocks": [block.id for block in parts["blocks"][:2]],
        "companion": parts["companion"].id,
        "contract": dict(CONTRACT),
    }
    data.update(overrides)
    return data


# ---- create -----------------------------------------------------------------------------------------


def test_project_holder_opens_a_pathway_in_positioning(holder, holder_user, parts):
    response = api_as(holder_user).post(LIST_URL, create_payload(parts), format="json")

    assert response.status_code == 201, response.content
    pathway = Pathway.objects.get()
    body = response.json()
    assert re.fullmatch(r"VAEI-\d{4}-\d{6}", body["reference"])
    assert body["reference"] == f"VAEI-{timezone.localdate(pathway.created_at):%Y}-{pathway.pk:06d}"
    assert body["created_at"] and body["updated_at"]
    del body["created_at"], body["updated_at"]
    assert body == {
        "id": pathway.pk,
        "reference": pathway.reference,
        "phase": "positioning",
        "project_holder": holder.organisation_id,
        "project": holder.projects.get().pk,
        "candidate": parts["candidate"].id,
        "employer": parts["employer"].id,
        "certification": parts["certification"].id,
        "target_blocks": [parts["blocks"][0].id, parts["blocks"][1].id],
        "companion": parts["companion"].id,
        "contract": {
            "signed_on": "2025-09-01",
            "start_date": "2025-09-15",
            "end_date": "2026-09-14",
            "weekly_hours": "35.00",
            "monthly_gross_salary": "1900.00",
            "tutor_name": "Marie Tuteur",
            "tutor_is_employer": False,
        },
        "jury_session_date": None,
        "abandon_reason": "",
        "available_transitions": [
            {
                "to": "support",
                "label": "Passer en accompagnement",
                "allowed": True,
                "possible": False,
                "unmet": [FEASIBILITY_MISSING, DIAGNOSIS_MISSING],
            }
        ],
        "can_abandon": True,
    }
    assert pathway.project_holder == holder
    assert pathway.contract.tutor_name == "Marie Tuteur"


def test_a_pathway_may_be_opened_without_contract_nor_companion(holder_user, parts):
    payload = create_payload(parts, contract=None)
    del payload["companion"], payload["target_blocks"]

    response = api_as(holder_user).post(LIST_URL, payload, format="json")

    assert response.status_code == 201, response.content
    assert response.json()["contract"] is None
    assert response.json()["companion"] is None
    assert response.json()["target_blocks"] == []
    assert not Contract.objects.exists()


def test_the_ceiling_refuses_one_pathway_too_many(holder, holder_user, parts):
    holder.projects.update(requested_pathways=2, granted_pathways=2)
    PathwayFactory(project_holder=holder)
    abandoned = PathwayFactory(project_holder=holder)
    Pathway.objects.filter(pk=abandoned.pk).update(phase="abandoned", abandon_reason="Démission")

    response = api_as(holder_user).post(LIST_URL, create_payload(parts), format="json")

    assert response.status_code == 400
    project = holder.projects.get()
    assert response.json() == {
        "project": [
            f"Le plafond du projet {project.reference} est atteint : 2 parcours ouverts sur 2 accordés "
            "(abandons compris)."
        ]
    }
    assert Pathway.objects.count() == 2


def test_a_certification_closed_to_vae_is_refused(holder_user, parts):
    closed = CertificationFactory(vae_target=True, vae_target__eligible=False, code="RNCP99001")

    response = api_as(holder_user).post(
        LIST_URL, create_payload(parts, certification=closed.id, target_blocks=[]), format="json"
    )

    assert response.status_code == 400
    assert response.json() == {
        "certification": [
            "La certification RNCP99001 n'est pas ouverte à la VAE inversée "
            "(elle doit être active et accessible « Par expérience »)."
        ]
    }
    assert not Pathway.objects.exists()


def test_ids_outside_the_users_scope_are_field_errors(holder_user, parts):
    foreign_candidate = CandidateFactory()
    foreign_employer = EmployerFactory()
    not_a_companion = UserFactory(role="opco")

    response = api_as(holder_user).post(
        LIST_URL,
        create_payload(
            parts,
            candidate=foreign_candidate.id,
            employer=foreign_employer.id,
            companion=not_a_companion.id,
            certification=999999,
        ),
        format="json",
    )

    assert response.status_code == 400
    assert response.json() == {
        "candidate": [f"Aucun candidat de votre structure ne porte l'identifiant {foreign_candidate.id}."],
        "employer": [f"Aucun employeur de votre structure ne porte l'identifiant {foreign_employer.id}."],
        "certification": ["Aucune certification ne porte l'identifiant 999999."],
        "companion": [f"Aucun accompagnateur ou accompagnatrice ne porte l'identifiant {not_a_companion.id}."],
    }


def test_blocks_of_another_certification_are_refused(holder_user, parts):
    other_block = CertificationFactory(vae_target=True).skill_blocks.first()

    response = api_as(holder_user).post(LIST_URL, create_payload(parts, target_blocks=[other_block.id]), format="json")

    assert response.status_code == 400
    assert response.json() == {
        "target_blocks": [f"Ces blocs n'appartiennent pas à la certification visée : {other_block.code}."]
    }


def test_an_invalid_contract_saves_nothing_and_its_errors_are_nested(holder_user, parts):
    payload = create_payload(parts)
    payload["contract"]["monthly_gross_salary"] = "900.00"
    payload["contract"]["signed_on"] = "2022-01-10"

    response = api_as(holder_user).post(LIST_URL, payload, format="json")

    assert response.status_code == 400
    errors = response.json()
    assert set(errors) == {"contract"}
    assert set(errors["contract"]) == {"signed_on", "monthly_gross_salary"}
    assert errors["contract"]["signed_on"][0].startswith("Le contrat doit être conclu pendant l'expérimentation")
    assert errors["contract"]["monthly_gross_salary"][0].startswith("Le salaire mensuel brut doit être d'au moins")
    assert not Pathway.objects.exists()
    assert not Contract.objects.exists()


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"candidate": "abc"}, "candidate"),
        ({"candidate": None}, "candidate"),
        ({"employer": 10**20}, "employer"),
        ({"certification": [1]}, "certification"),
        ({"target_blocks": "1,2"}, "target_blocks"),
        ({"target_blocks": ["x"]}, "target_blocks"),
        ({"companion": "moi"}, "companion"),
        ({"contract": "signé"}, "contract"),
        ({"contract": {"signed_on": "hier"}}, "contract"),
        ({"phase": "completed", "candidate": "1.5"}, "candidate"),
    ],
)
def test_malformed_input_is_a_400_never_a_500(holder_user, parts, overrides, field):
    response = api_as(holder_user).post(LIST_URL, create_payload(parts, **overrides), format="json")

    assert response.status_code == 400, response.content
    assert field in response.json()
    assert not Pathway.objects.exists()


def test_garbage_contract_values_are_named_inside_the_contract(holder_user, parts):
    payload = create_payload(parts)
    payload["contract"].update(start_date="2025-02-30", weekly_hours="beaucoup", tutor_is_employer="peut-être")

    response = api_as(holder_user).post(LIST_URL, payload, format="json")

    assert response.status_code == 400
    assert set(response.json()["contract"]) == {"start_date", "weekly_hours", "tutor_is_employer"}


def test_missing_body_names_the_required_fields(holder_user):
    response = api_as(holder_user).post(LIST_URL)

    assert response.status_code == 400
    assert set(response.json()) == {"candidate", "employer", "certification"}


def test_phase_and_reference_cannot_be_written(holder_user, parts):
    response = api_as(holder_user).post(
        LIST_URL, create_payload(parts, phase="completed", reference="PIRATE", project_holder=1), format="json"
    )

    assert response.status_code == 201
    assert response.json()["phase"] == "positioning"
    assert response.json()["reference"] != "PIRATE"


@pytest.mark.parametrize("role", ["companion", "opco", "certifier", "ministry"])
def test_only_project_holders_open_pathways(role, parts):
    response = api_as(UserFactory(role=role)).post(LIST_URL, create_payload(parts), format="json")

    assert response.status_code == 403
    assert not Pathway.objects.exists()


def test_credentials_are_required():
    response = APIClient().get(LIST_URL)

    assert response.status_code == 401
    assert response.json()["detail"]


def test_a_real_token_from_the_token_endpoint_works(holder, parts):
    UserFactory(organisation=holder.organisation, email="porteur@exemple.fr")
    pathway = PathwayFactory(project_holder=holder)
    client = APIClient()

    token = client.post(
        "/api/v1/auth/token/", {"email": "porteur@exemple.fr", "password": "mot-de-passe-solide-2026"}, format="json"
    ).json()["token"]
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")

    response = client.get(LIST_URL)
    assert response.status_code == 200
    assert [item["reference"] for item in response.json()["results"]] == [pathway.reference]
    created = client.post(LIST_URL, create_payload(parts), format="json")
    assert created.status_code == 201, created.content
    bad = APIClient()
    bad.credentials(HTTP_AUTHORIZATION="Token 0000")
    assert bad.get(LIST_URL).status_code == 401


# ---- read -------------------------------------------------------------------------------------------


def test_detail_lists_the_moves_with_what_is_missing_for_each_role(media):
    pathway = PathwayFactory(companion=None)
    staff = staff_of(pathway)
    staff["companion"] = UserFactory(role="companion")

    moves = api_as(staff["project_holder"]).get(detail_url(pathway)).json()["available_transitions"]

    assert moves == [
        {
            "to": "support",
            "label": "Passer en accompagnement",
            "allowed": True,
            "possible": False,
            "unmet": [FEASIBILITY_MISSING, DIAGNOSIS_MISSING, "Un accompagnateur doit être désigné pour le parcours."],
        }
    ]
    ministry = api_as(staff["ministry"]).get(detail_url(pathway)).json()
    assert ministry["available_transitions"][0]["allowed"] is False
    assert ministry["can_abandon"] is False


def test_the_moves_are_kept_until_a_write_changes_what_they_read(media):
    pathway = PathwayFactory()
    staff = staff_of(pathway)
    client = api_as(staff["project_holder"])

    def unmet():
        return client.get(detail_url(pathway)).json()["available_transitions"][0]["unmet"]

    assert FEASIBILITY_MISSING in unmet()
    with CaptureQueriesContext(connection) as queries:
        assert FEASIBILITY_MISSING in unmet()
    assert not [q for q in queries if "pathways_document" in q["sql"]]  # the guards' findings, kept
    fulfil_guards(pathway, PathwayPhase.SUPPORT, staff)  # the documents: a write of the watched data
    assert FEASIBILITY_MISSING not in unmet() and DIAGNOSIS_MISSING not in unmet()
    assert unmet() == workflow.unmet_by_target(Pathway.objects.get(pk=pathway.pk))[PathwayPhase.SUPPORT]


def test_the_list_is_cheap_and_has_no_moves(holder_user, holder):
    PathwayFactory(project_holder=holder)

    item = api_as(holder_user).get(LIST_URL).json()["results"][0]

    assert "available_transitions" not in item
    assert set(item) == {
        "id",
        "reference",
        "phase",
        "project_holder",
        "project",
        "candidate",
        "employer",
        "certification",
        "target_blocks",
        "companion",
        "contract",
        "jury_session_date",
        "abandon_reason",
        "created_at",
        "updated_at",
    }


def test_the_nir_never_appears_in_pathway_responses(holder, holder_user):
    pathway = PathwayFactory(project_holder=holder, candidate__nir="190037512345687")

    for url in (LIST_URL, detail_url(pathway)):
        assert "190037512345687" not in api_as(holder_user).get(url).content.decode()


def test_another_organisations_pathway_is_a_404(holder_user):
    foreign = PathwayFactory()

    client = api_as(holder_user)
    assert client.get(detail_url(foreign)).status_code == 404
    assert client.get(detail_url(foreign)).json() == {"detail": "Ressource introuvable."}
    assert client.patch(detail_url(foreign), {"companion": None}, format="json").status_code == 404
    assert client.put(detail_url(foreign), {}, format="json").status_code == 404
    assert client.get(LIST_URL).json()["count"] == 0
    assert client.get(f"{LIST_URL}abc/").status_code == 404
    assert client.get(f"{LIST_URL}{10**20}/").status_code == 404


def test_opco_reads_the_pathways_of_the_files_addressed_to_it_only():
    """Section 2: through a funding file addressed to it that is no longer a draft, not by the IDCC alone."""
    akto = Organisation.objects.get(kind="opco", code="AKTO")
    atlas = Organisation.objects.get(kind="opco", code="ATLAS")
    mine = show_to_opco(PathwayFactory(employer__opco=akto))
    PathwayFactory(employer__opco=akto)  # an employer of AKTO's, but no file yet
    show_to_opco(PathwayFactory(employer__opco=atlas, employer__idcc="9999"))
    opco_staff = UserFactory(organisation=akto)
    client = api_as(opco_staff)

    response = client.get(LIST_URL)

    assert [item["id"] for item in response.json()["results"]] == [mine.pk]
    assert client.get(detail_url(mine)).json()["available_transitions"][0]["allowed"] is False
    # Read-only: every write is refused.
    assert client.patch(detail_url(mine), {"companion": None}, format="json").status_code == 403
    assert client.post(f"{detail_url(mine)}transition/", {"to": "support"}, format="json").status_code == 403


def test_after_an_idcc_change_the_old_opco_keeps_its_file_and_the_new_one_sees_nothing_yet(holder_user):
    pathway = show_to_opco(PathwayFactory(project_holder=holder_user.membership.organisation.project_holder))
    akto_staff = UserFactory(organisation=Organisation.objects.get(code="AKTO"))
    atlas_staff = UserFactory(organisation=Organisation.objects.get(code="ATLAS"))

    changed = api_as(holder_user).patch(f"/api/v1/employers/{pathway.employer_id}/", {"idcc": "1486"}, format="json")

    assert changed.status_code == 200 and changed.json()["opco"] == "ATLAS"
    assert api_as(akto_staff).get(detail_url(pathway)).status_code == 200
    assert api_as(atlas_staff).get(detail_url(pathway)).status_code == 404


def test_certifier_sees_a_pathway_from_admissibility_on(media):
    pathway = PathwayFactory()
    staff = staff_of(pathway)
    client = api_as(staff["certifier"])
    assert client.get(detail_url(pathway)).status_code == 404
    assert client.get(LIST_URL).json()["count"] == 0

    walk_to(pathway, "admissibility", staff)

    assert client.get(detail_url(pathway)).json()["phase"] == "admissibility"
    assert client.get(LIST_URL).json()["count"] == 1


def test_ministry_reads_everything_but_writes_nothing():
    pathways = [PathwayFactory(), PathwayFactory()]
    client = api_as(UserFactory(role="ministry"))

    assert client.get(LIST_URL).json()["count"] == 2
    response = client.patch(detail_url(pathways[0]), {"companion": None}, format="json")
    assert response.status_code == 403
    assert response.json() == {
        "detail": "Seul le personnel d'un porteur de projet peut enregistrer ou modifier ces données."
    }


def test_list_query_count_does_not_grow_with_the_page_size(holder, django_assert_num_queries):
    for _ in range(20):
        add_contract(PathwayFactory(project_holder=holder))
    user_id = UserFactory(organisation=holder.organisation).pk

    for page_size in (2, 20):
        # A fresh user object each time: its membership is not cached yet.
        client = api_as(User.objects.get(pk=user_id))
        # 1. the user's membership (role and organisation, for visible_to)
        # 2. COUNT of the visible pathways (pagination; the second time, kept: same data version, same SQL)
        # 3. the page's pks, then 4. its pathways, their contract joined (vae_inversee.lib.pagination)
        # 5. the target blocks of the page (prefetch)
        with django_assert_num_queries(5 if page_size == 2 else 4):
            response = client.get(f"{LIST_URL}?page_size={page_size}")
        assert response.status_code == 200
        assert len(response.json()["results"]) == page_size
        assert all(item["contract"]["monthly_gross_salary"] == "1900.00" for item in response.json()["results"])


def test_page_size_is_capped_and_bad_pages_are_a_404(holder, holder_user):
    PathwayFactory(project_holder=holder)
    client = api_as(holder_user)

    assert client.get(f"{LIST_URL}?page_size=100000").json()["count"] == 1
    assert client.get(f"{LIST_URL}?page=99").status_code == 404
    assert client.get(f"{LIST_URL}?page=abc").status_code == 404


# ---- filters ----------------------------------------------------------------------------------------


@pytest.fixture
def catalogue(media):
    """Three pathways seen by the Ministry: two project holders, two OPCOs, two certifications, two phases."""
    atlas = Organisation.objects.get(kind="opco", code="ATLAS")
    holder_a, holder_b = ProjectHolderFactory(), ProjectHolderFactory()
    certification = CertificationFactory(vae_target=True, title="CAP Pâtissier")
    first = PathwayFactory(project_holder=holder_a, certification=certification, candidate__last_name="Benali")
    second = PathwayFactory(project_holder=holder_a, candidate__last_name="Moreau")
    third = PathwayFactory(
        project_holder=holder_b,
        certification=certification,
        employer__opco=atlas,
        employer__idcc="9999",
        employer__name="Atelier Lumière",
    )
    walk_to(second, "support")
    return {"first": first, "second": second, "third": third, "certification": certification}


@pytest.mark.parametrize(
    "query, expected",
    [
        ("", ["third", "second", "first"]),
        ("?phase=support", ["second"]),
        ("?phase=positioning", ["third", "first"]),
        ("?phase=completed", []),
        ("?opco=ATLAS", ["third"]),
        ("?opco=AKTO", ["second", "first"]),
        ("?q=benali", ["first"]),
        ("?q=lumière", ["third"]),
        ("?q=pâtissier", ["third", "first"]),
        ("?q=+++", ["third", "second", "first"]),
        ("?opco=AKTO&phase=positioning", ["first"]),
    ],
)
def test_filters(catalogue, query, expected):
    response = api_as(UserFactory(role="ministry")).get(f"{LIST_URL}{query}")

    assert response.status_code == 200, response.content
    assert [item["id"] for item in response.json()["results"]] == [catalogue[name].pk for name in expected]


def test_filter_by_certification_reference_and_project_holder(catalogue):
    client = api_as(UserFactory(role="ministry"))
    first, third = catalogue["first"], catalogue["third"]

    by_certification = client.get(f"{LIST_URL}?certification={catalogue['certification'].pk}").json()
    by_holder = client.get(f"{LIST_URL}?project_holder={third.project_holder_id}").json()
    by_reference = client.get(f"{LIST_URL}?q={first.reference}").json()

    assert [item["id"] for item in by_certification["results"]] == [third.pk, first.pk]
    assert [item["id"] for item in by_holder["results"]] == [third.pk]
    assert [item["id"] for item in by_reference["results"]] == [first.pk]


def test_filters_stay_inside_the_users_scope(catalogue):
    holder_staff = UserFactory(organisation=catalogue["third"].project_holder.organisation)

    response = api_as(holder_staff).get(f"{LIST_URL}?project_holder={catalogue['first'].project_holder_id}")

    assert response.json()["count"] == 0


@pytest.mark.parametrize(
    "query, field, message",
    [
        ("?phase=finished", "phase", "« finished » n'est pas une phase connue"),
        ("?opco=NOPE", "opco", "« NOPE » n'est pas un code d'OPCO connu (ex. AKTO)."),
        ("?certification=abc", "certification", "Identifiant invalide : un nombre entier est attendu."),
        ("?certification=1.5", "certification", "Identifiant invalide : un nombre entier est attendu."),
        ("?certification=99999999999999999999", "certification", "Identifiant invalide : nombre trop grand."),
        ("?project_holder=-3", "project_holder", "Identifiant invalide : un nombre entier positif est attendu."),
        ("?q=" + "x" * 201, "q", ""),
    ],
)
def test_invalid_filters_are_a_400(catalogue, query, field, message):
    response = api_as(UserFactory(role="ministry")).get(f"{LIST_URL}{query}")

    assert response.status_code == 400
    assert list(response.json()) == [field]
    assert response.json()[field][0].startswith(message)


# ---- update -----------------------------------------------------------------------------------------


def test_project_holder_assigns_a_companion_and_records_the_contract(holder, holder_user):
    pathway = PathwayFactory(project_holder=holder, companion=None)
    companion = UserFactory(role="companion")

    response = api_as(holder_user).patch(
        detail_url(pathway), {"companion": companion.pk, "contract": CONTRACT}, format="json"
    )

    assert response.status_code == 200, response.content
    assert response.json()["companion"] == companion.pk
    assert response.json()["contract"]["monthly_gross_salary"] == "1900.00"
    pathway.refresh_from_db()
    assert pathway.companion == companion
    assert pathway.contract.end_date.isoformat() == "2026-09-14"


def test_patching_part_of_the_contract_keeps_the_rest(holder, holder_user):
    pathway = PathwayFactory(project_holder=holder)
    add_contract(pathway)

    response = api_as(holder_user).patch(
        detail_url(pathway), {"contract": {"monthly_gross_salary": "2100.50"}}, format="json"
    )

    assert response.status_code == 200, response.content
    assert response.json()["contract"]["monthly_gross_salary"] == "2100.50"
    assert response.json()["contract"]["tutor_name"] == "Marie Tuteur"


def test_a_refused_contract_leaves_the_other_changes_unsaved(holder, holder_user):
    pathway = PathwayFactory(project_holder=holder)
    add_contract(pathway)
    previous_companion = pathway.companion
    new_companion = UserFactory(role="companion")

    response = api_as(holder_user).patch(
        detail_url(pathway),
        {"companion": new_companion.pk, "contract": {"monthly_gross_salary": "800.00"}},
        format="json",
    )

    assert response.status_code == 400
    assert list(response.json()) == ["contract"]
    assert list(response.json()["contract"]) == ["monthly_gross_salary"]
    pathway.refresh_from_db()
    assert pathway.companion == previous_companion
    assert pathway.contract.monthly_gross_salary == 1900


def test_a_first_contract_sent_in_part_names_the_missing_fields(holder, holder_user):
    pathway = PathwayFactory(project_holder=holder)

    response = api_as(holder_user).patch(detail_url(pathway), {"contract": {"tutor_name": "Paul"}}, format="json")

    assert response.status_code == 400
    assert {"signed_on", "start_date", "end_date"} <= set(response.json()["contract"])
    assert not Contract.objects.exists()


def test_the_contract_cannot_be_removed(holder, holder_user):
    pathway = PathwayFactory(project_holder=holder)
    add_contract(pathway)

    response = api_as(holder_user).patch(detail_url(pathway), {"contract": None}, format="json")

    assert response.status_code == 400
    assert "contract" in response.json()
    assert Contract.objects.filter(pathway=pathway).exists()


def test_put_replaces_the_editable_fields(holder, holder_user):
    pathway = PathwayFactory(project_holder=holder)
    candidate = CandidateFactory(project_holder=holder)

    response = api_as(holder_user).put(
        detail_url(pathway),
        {
            "candidate": candidate.pk,
            "employer": pathway.employer_id,
            "certification": pathway.certification_id,
            "target_blocks": [pathway.certification.skill_blocks.first().pk],
            "companion": None,
        },
        format="json",
    )

    assert response.status_code == 200, response.content
    pathway.refresh_from_db()
    assert pathway.candidate == candidate and pathway.companion is None
    assert pathway.target_blocks.count() == 1


def test_the_certification_is_locked_after_positioning(media):
    pathway = PathwayFactory()
    staff = staff_of(pathway)
    walk_to(pathway, "support", staff)
    other = CertificationFactory(vae_target=True)

    response = api_as(staff["project_holder"]).patch(
        detail_url(pathway), {"certification": other.pk, "target_blocks": []}, format="json"
    )

    assert response.status_code == 400
    assert response.json() == {
        "certification": ["Ne peut plus être modifié après la phase de positionnement."],
        "target_blocks": ["Ne peut plus être modifié après la phase de positionnement."],
    }


@pytest.mark.parametrize("role", ["companion", "opco", "ministry"])
def test_other_roles_may_not_modify_a_pathway_they_see(role):
    pathway = show_to_opco(PathwayFactory())
    user = staff_of(pathway)[role]

    response = api_as(user).patch(detail_url(pathway), {"companion": None}, format="json")

    assert response.status_code == 403
    pathway.refresh_from_db()
    assert pathway.companion is not None


def test_pathways_cannot_be_deleted(holder, holder_user):
    pathway = PathwayFactory(project_holder=holder)

    assert api_as(holder_user).delete(detail_url(pathway)).status_code == 405
    assert Pathway.objects.filter(pk=pathway.pk).exists()
