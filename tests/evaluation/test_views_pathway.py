"""The pathway page's evaluation sections: funding, progress per block, the jury, the renewal; the candidate record."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from evaluation import services
from evaluation.models import AcquiredBlock, Assessment, Jury
from funding.money import Amounts
from pathways import services as pathway_services
from pathways.models import Contract
from tests.accounts.factories import UserFactory
from tests.pathways.factories import PathwayFactory, record_jury, show_to_opco, staff_of, walk_to


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def text(response):
    return response.content.decode().replace("&#x27;", "'")


def page_url(pathway):
    return reverse("pathways:detail", args=[pathway.pk])


def walked(phase):
    pathway = PathwayFactory()  # three targeted blocks
    staff = staff_of(pathway)
    return walk_to(pathway, phase, staff), staff


def blocks_of(pathway):
    return list(pathway.target_blocks.order_by("code"))


# ---- funding -------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["project_holder", "companion", "opco", "certifier", "ministry"])
def test_every_role_sees_the_funding_section(client, db, role):
    pathway, staff = walked("delivery")
    client.force_login(staff[role])

    html = text(client.get(page_url(pathway)))

    assert "Financement OPCO</h2>" in html and "Année 1 :" in html and "Accordé" in html
    assert ("Gérer le financement" in html) == (role == "project_holder")


def test_the_opco_does_not_see_a_draft_funding_file(client, db):
    from funding import services as funding_services

    pathway, staff = walked("admissibility")
    # Walking to admissibility recorded the contract (the plan lies inside it): a second year now.
    Contract.objects.filter(pathway=pathway).update(end_date=datetime.date(2027, 9, 14))
    show_to_opco(pathway, staff)
    funding_services.funding_file_create(
        acting_user=staff["project_holder"],
        pathway=pathway,
        contract_year=2,
        requested=Amounts.parse({"teaching": "1000.00"}),
    )
    client.force_login(staff["opco"])
    assert "Année 2" not in text(client.get(page_url(pathway)))
    client.force_login(staff["project_holder"])
    assert "Brouillon" in text(client.get(page_url(pathway)))
    # Only drafts addressed to it: the OPCO does not see the pathway at all.
    draft_only, draft_staff = walked("admissibility")
    funding_services.funding_file_create(
        acting_user=draft_staff["project_holder"], pathway=draft_only, requested=Amounts.parse({"teaching": "1000.00"})
    )
    client.force_login(draft_staff["opco"])
    assert client.get(page_url(draft_only)).status_code == 404


# ---- progress per block ------------------------------------------------------------------------------


def progress_data(block, level="in_progress", assessed_at="2025-10-01", comment="Premières mises en situation."):
    return {
        "progression-skill_block": block.pk if block else "",
        "progression-level": level,
        "progression-assessed_at": assessed_at,
        "progression-comment": comment,
    }


@pytest.mark.parametrize("phase", ["positioning", "delivery"])
def test_the_companion_records_progress_at_positioning_and_in_delivery(client, db, phase):
    pathway, staff = walked(phase)
    if phase == "positioning":
        Contract.objects.filter(pathway=pathway).delete()
    block = blocks_of(pathway)[1]
    client.force_login(staff["companion"])
    form_page = text(client.get(page_url(pathway)))
    assert "Enregistrer un relevé de progression" in form_page
    assert f'value="{timezone.localdate():%Y-%m-%d}"' in form_page  # the date defaults to today

    response = client.post(reverse("evaluation:assessment_create", args=[pathway.pk]), progress_data(block))

    assert response.status_code == 302 and response.url == page_url(pathway) + "#progression"
    assessment = Assessment.objects.get(pathway=pathway, skill_block=block, comment="Premières mises en situation.")
    assert (assessment.level, assessment.phase, assessment.recorded_by) == ("in_progress", phase, staff["companion"])
    html = text(client.get(page_url(pathway)))
    assert f"Progression enregistrée pour le bloc {block.code} : en cours d'acquisition." in html
    assert f"Relevés de progression du bloc {block.code}" in html and "01/10/2025" in html
    assert "Premières mises en situation." in html
    assert "Diagnostic" in html if phase == "positioning" else "Mise en œuvre</td>" in html


@pytest.mark.parametrize("role", ["project_holder", "opco", "certifier", "ministry"])
def test_other_roles_read_the_progress_without_the_form(client, db, role):
    pathway, staff = walked("evaluation")  # walk_to recorded "acquired" on every block
    client.force_login(staff[role])

    html = text(client.get(page_url(pathway)))

    assert "Progression par bloc de compétences" in html
    for block in blocks_of(pathway):
        assert f"{block.code} — {block.title}" in html
    assert html.count('fr-badge--success">Acquis</p>') >= 6  # each block: its current level and its one record
    assert "Enregistrer un relevé de progression" not in html


def test_the_progress_form_is_not_offered_in_support_and_the_service_says_why(client, db):
    pathway, staff = walked("support")
    client.force_login(staff["companion"])
    assert "Enregistrer un relevé de progression" not in text(client.get(page_url(pathway)))

    response = client.post(
        reverse("evaluation:assessment_create", args=[pathway.pk]), progress_data(blocks_of(pathway)[0])
    )

    assert response.status_code == 400
    assert "La progression se relève au positionnement (diagnostic) et pendant la mise en œuvre." in text(response)
    assert not Assessment.objects.exists()


def test_invalid_progress_shows_french_errors_and_keeps_the_input(client, db):
    pathway, staff = walked("delivery")
    before = Assessment.objects.count()
    client.force_login(staff["companion"])
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)

    response = client.post(
        reverse("evaluation:assessment_create", args=[pathway.pk]),
        progress_data(blocks_of(pathway)[0], assessed_at=f"{tomorrow:%Y-%m-%d}", comment="À garder"),
    )

    html = text(response)
    assert response.status_code == 400
    assert "Le relevé n'a pas été enregistré" in html
    assert "La date du relevé ne peut pas être dans le futur." in html
    assert "À garder</textarea>" in html and f'value="{tomorrow:%Y-%m-%d}"' in html
    assert Assessment.objects.count() == before

    response = client.post(reverse("evaluation:assessment_create", args=[pathway.pk]), progress_data(None, level=""))
    assert response.status_code == 400
    assert Assessment.objects.count() == before


def test_a_block_not_targeted_is_refused(client, db):
    pathway, staff = walked("delivery")
    other = PathwayFactory().certification.skill_blocks.first()
    client.force_login(staff["companion"])

    response = client.post(reverse("evaluation:assessment_create", args=[pathway.pk]), progress_data(other))

    assert response.status_code == 400
    assert "Sélectionnez un choix valide" in text(response)


@pytest.mark.parametrize("role", ["project_holder", "opco", "certifier", "ministry"])
def test_only_the_companion_records_progress(client, db, role):
    pathway, staff = walked("delivery")
    client.force_login(staff[role])
    response = client.post(
        reverse("evaluation:assessment_create", args=[pathway.pk]), progress_data(blocks_of(pathway)[0])
    )
    assert response.status_code == 403


def test_a_companion_of_another_organisation_gets_a_404(client, db):
    pathway, _staff = walked("delivery")
    client.force_login(UserFactory(role="companion"))
    response = client.post(
        reverse("evaluation:assessment_create", args=[pathway.pk]), progress_data(blocks_of(pathway)[0])
    )
    assert response.status_code == 404


def test_progress_is_read_only_with_get(client, db):
    pathway, staff = walked("delivery")
    client.force_login(staff["companion"])
    response = client.get(reverse("evaluation:assessment_create", args=[pathway.pk]))
    assert response.status_code == 302 and response.url == reverse("pathways:detail", args=[pathway.pk])
    assert client.put(reverse("evaluation:assessment_create", args=[pathway.pk])).status_code == 405


def test_the_page_queries_do_not_grow_with_the_records(client, db):
    """One query for the pathway's assessments, one for its juries (and one for their block results)."""
    pathway, staff = walked("delivery")
    first = blocks_of(pathway)[0]
    client.force_login(staff["companion"])

    def record(day):
        services.assessment_record(
            acting_user=staff["companion"], pathway=pathway, skill_block=first, level="in_progress",
            assessed_at=datetime.date(2025, 10, day),
        )  # fmt: skip

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(page_url(pathway)).status_code == 200
        return len(queries)

    record(1)
    with_one = count()
    for day in range(2, 6):
        record(day)
    assert Assessment.objects.filter(pathway=pathway).count() == 5
    assert count() == with_one


def test_the_page_queries_are_bounded_with_a_jury(client, db, django_assert_max_num_queries):
    pathway, staff = walked("evaluation")
    record_jury(pathway, staff, outcome="partial", validated=2)
    for role in ("project_holder", "certifier"):
        client.force_login(staff[role])
        # 19 for the project holder, 20 for the certifier (whose form needs the current attempt): the base page
        # (session, user, pathway, blocks, documents, log, guards, history, header) plus the funding files, the
        # assessments, the juries and their per-block results; never one per block, record or jury. Working
        # together adds four (the thread, the notes, the header's unread messages, the read marker) and, for the
        # certifier, two (the assignment log and the colleagues to assign to).
        with django_assert_max_num_queries(27):
            assert client.get(page_url(pathway)).status_code == 200


# ---- the jury ------------------------------------------------------------------------------------------


def jury_data(pathway, outcome, validated, session_date=None, comment="Entretien et mise en situation."):
    return {
        "jury-session_date": session_date or f"{pathway.jury_session_date:%Y-%m-%d}",
        "jury-outcome": outcome,
        "jury-validated_blocks": [block.pk for block in validated],
        "jury-comment": comment,
    }


def test_the_certifier_records_a_partial_jury_and_may_then_close(client, db):
    pathway, staff = walked("evaluation")
    first, second, third = blocks_of(pathway)
    client.force_login(staff["certifier"])
    html = text(client.get(page_url(pathway)))
    assert "Enregistrer le résultat du jury" in html
    assert f'name="jury-session_date" value="{pathway.jury_session_date:%Y-%m-%d}"' in html  # prefilled
    assert "Le résultat du jury n'est pas encore enregistré." in html  # what closing needs

    response = client.post(
        reverse("evaluation:jury_result", args=[pathway.pk]), jury_data(pathway, "partial", [first, third])
    )

    assert response.status_code == 302 and response.url == page_url(pathway) + "#jury"
    jury = Jury.objects.get(pathway=pathway)
    assert (jury.outcome, jury.blocks_validated, jury.comment) == ("partial", 2, "Entretien et mise en situation.")
    assert {r.skill_block_id: r.validated for r in jury.block_results.all()} == {
        first.pk: True, second.pk: False, third.pk: True,
    }  # fmt: skip
    html = text(client.get(page_url(pathway)))
    assert "Résultat du jury enregistré : validation partielle (2 blocs validés sur 3)." in html
    assert "Enregistrer le résultat du jury" not in html
    assert "Clore le parcours</button>" in html and "Le résultat du jury n'est pas encore enregistré." not in html

    response = client.post(reverse("pathways:transition", args=[pathway.pk]), {"to": "completed"})
    assert response.status_code == 302
    pathway.refresh_from_db()
    assert pathway.phase == "completed"


@pytest.mark.parametrize("role", ["project_holder", "companion", "opco", "certifier", "ministry"])
def test_everyone_who_sees_the_pathway_sees_the_jury_result(client, db, role):
    pathway, staff = walked("evaluation")
    first, second, third = blocks_of(pathway)
    record_jury(pathway, staff, outcome="partial", validated=1)
    client.force_login(staff[role])

    html = text(client.get(page_url(pathway)))

    assert "Validation partielle</p>" in html and "1 bloc validé sur 3" in html
    assert f"{first.code} — {first.title}</th>" in html
    assert html.count('fr-badge--success">Validé</p>') == 1 and html.count('fr-badge--error">Non validé</p>') == 2


@pytest.mark.parametrize(
    ("outcome", "validated", "message"),
    [
        ("partial", 3, "Validation partielle : au moins un bloc validé et au moins un bloc non validé."),
        ("partial", 0, "Validation partielle : au moins un bloc validé et au moins un bloc non validé."),
        ("full", 2, "Validation totale : tous les blocs visés doivent être validés."),
        ("none", 1, "Aucune validation : aucun bloc ne peut être validé."),
        ("absent", 1, "Candidat absent : aucun bloc ne peut être validé."),
    ],
)
def test_an_incoherent_jury_shows_the_french_error_keeps_the_input_and_saves_nothing(
    client, db, outcome, validated, message
):
    pathway, staff = walked("evaluation")
    chosen = blocks_of(pathway)[:validated]
    client.force_login(staff["certifier"])

    response = client.post(
        reverse("evaluation:jury_result", args=[pathway.pk]),
        jury_data(pathway, outcome, chosen, comment="Observations à garder"),
    )

    html = text(response)
    assert response.status_code == 400
    assert "Le résultat du jury n'a pas été enregistré" in html and message in html
    assert f'value="{outcome}" dsfr="dsfr" aria-invalid="true" aria-describedby="id_jury-outcome-desc-error" ' in html
    assert html.count("checked>") == validated + 1  # the blocks ticked and the outcome
    assert "Observations à garder</textarea>" in html
    assert not Jury.objects.exists() and not AcquiredBlock.objects.exists()


def test_a_jury_in_the_future_is_refused(client, db):
    pathway, staff = walked("evaluation")
    client.force_login(staff["certifier"])
    later = timezone.localdate() + datetime.timedelta(days=3)
    response = client.post(
        reverse("evaluation:jury_result", args=[pathway.pk]),
        jury_data(pathway, "full", blocks_of(pathway), session_date=f"{later:%Y-%m-%d}"),
    )
    assert response.status_code == 400
    assert "Le jury ne peut pas être enregistré avant de s'être tenu." in text(response)
    assert not Jury.objects.exists()


def test_a_second_result_for_the_same_attempt_is_a_clear_conflict(client, db):
    pathway, staff = walked("evaluation")
    record_jury(pathway, staff, outcome="full")
    client.force_login(staff["certifier"])

    response = client.post(
        reverse("evaluation:jury_result", args=[pathway.pk]), jury_data(pathway, "none", []), follow=True
    )

    assert "Le résultat de ce passage devant le jury est déjà enregistré." in text(response)
    assert Jury.objects.get().outcome == "full"


def test_the_jury_form_is_only_for_the_certifier_in_evaluation(client, db):
    pathway, staff = walked("delivery")
    client.force_login(staff["certifier"])
    html = text(client.get(page_url(pathway)))
    assert "Enregistrer le résultat du jury" not in html and "Aucun résultat enregistré pour l'instant." in html
    response = client.post(
        reverse("evaluation:jury_result", args=[pathway.pk]), jury_data(pathway, "none", [], session_date="2026-09-01")
    )
    assert response.status_code == 400
    assert "Le résultat du jury s'enregistre en phase d'évaluation." in text(response)
    assert not Jury.objects.exists()


@pytest.mark.parametrize("role", ["project_holder", "companion", "opco", "ministry"])
def test_only_the_certifier_records_the_jury(client, db, role):
    pathway, staff = walked("evaluation")
    client.force_login(staff[role])
    response = client.post(
        reverse("evaluation:jury_result", args=[pathway.pk]), jury_data(pathway, "full", blocks_of(pathway))
    )
    assert response.status_code == 403
    assert not Jury.objects.exists()


def test_a_certifier_of_another_certification_gets_a_404(client, db):
    pathway, _staff = walked("evaluation")
    client.force_login(UserFactory(role="certifier"))
    response = client.post(
        reverse("evaluation:jury_result", args=[pathway.pk]), jury_data(pathway, "full", blocks_of(pathway))
    )
    assert response.status_code == 404
    assert not Jury.objects.exists()


# ---- renewal after a failed jury ------------------------------------------------------------------------


def test_after_a_failed_jury_the_project_holder_renews_and_extends_the_contract(client, db):
    pathway, staff = walked("evaluation")
    record_jury(pathway, staff, outcome="none")
    holder = staff["project_holder"]
    client.force_login(holder)
    html = text(client.get(page_url(pathway)))
    assert "Renouveler le contrat pour un nouveau passage</button>" in html
    assert "Prolonger le contrat renouvelé" not in html

    response = client.post(reverse("pathways:transition", args=[pathway.pk]), {"to": "delivery"})
    assert response.status_code == 302
    pathway.refresh_from_db()
    assert pathway.phase == "delivery"
    html = text(client.get(page_url(pathway)))
    assert "Prolonger le contrat renouvelé" in html and 'value="2026-09-14"' in html  # today's end date

    url = reverse("pathways:contract_renewal", args=[pathway.pk])
    response = client.post(url, {"end_date": "2026-06-30"})
    assert response.status_code == 400
    assert "La nouvelle date de fin doit suivre le 14/09/2026." in text(response)
    response = client.post(url, {"end_date": "2027-06-30"})
    assert response.status_code == 302
    assert Contract.objects.get(pathway=pathway).end_date == datetime.date(2027, 6, 30)
    assert "Le contrat est prolongé jusqu'au 30/06/2027." in text(client.get(page_url(pathway)))

    # The second attempt: a new session date, back to evaluation, and the certifier's form again.
    session = timezone.localdate() - datetime.timedelta(days=1)
    pathway_services.jury_session_set(acting_user=staff["certifier"], pathway=pathway, session_date=session)
    pathway_services.pathway_transition(acting_user=staff["companion"], pathway=pathway, to="evaluation")
    client.force_login(staff["certifier"])
    html = text(client.get(page_url(pathway)))
    assert "Enregistrer le résultat du jury" in html and "Passage 1 — jury du 14/09/2026" in html
    response = client.post(
        reverse("evaluation:jury_result", args=[pathway.pk]),
        jury_data(pathway, "partial", blocks_of(pathway)[:2], session_date=f"{session:%Y-%m-%d}"),
    )
    assert response.status_code == 302
    html = text(client.get(page_url(pathway)))
    assert f"Passage 2 — jury du {session:%d/%m/%Y}" in html and "Enregistrer le résultat du jury" not in html


def test_no_renewal_form_without_a_renewal(client, db):
    pathway, staff = walked("delivery")
    client.force_login(staff["project_holder"])
    assert "Prolonger le contrat renouvelé" not in text(client.get(page_url(pathway)))
    response = client.post(reverse("pathways:contract_renewal", args=[pathway.pk]), {"end_date": "2027-06-30"})
    assert response.status_code == 400
    assert "Le contrat ne se prolonge qu'après un renouvellement décidé à la suite du jury." in text(response)
    assert Contract.objects.get(pathway=pathway).end_date == datetime.date(2026, 9, 14)


@pytest.mark.parametrize("role", ["companion", "opco", "certifier", "ministry"])
def test_only_the_project_holder_extends_the_contract(client, db, role):
    pathway, staff = walked("delivery")
    client.force_login(staff[role])
    response = client.post(reverse("pathways:contract_renewal", args=[pathway.pk]), {"end_date": "2027-06-30"})
    assert response.status_code == 403


def test_another_project_holder_gets_a_404_on_the_renewal(client, db):
    pathway, _staff = walked("delivery")
    client.force_login(UserFactory(role="project_holder"))
    response = client.post(reverse("pathways:contract_renewal", args=[pathway.pk]), {"end_date": "2027-06-30"})
    assert response.status_code == 404


# ---- the candidate record ----------------------------------------------------------------------------------


def test_a_partial_jury_shows_the_acquired_blocks_on_the_candidate_record(client, db):
    pathway, staff = walked("evaluation")
    first, second, third = blocks_of(pathway)
    record_jury(pathway, staff, outcome="partial", validated=2)
    pathway.candidate.nir = "255081416802538"
    pathway.candidate.save()
    client.force_login(staff["project_holder"])

    response = client.get(reverse("pathways:candidate_detail", args=[pathway.candidate.pk]))

    html = text(response)
    assert response.status_code == 200
    assert f"<h1>{pathway.candidate}</h1>" in html
    # The NIR masked: its first digit and its key only (tests/pathways/test_personal_data.py).
    assert "255081416802538" not in html and "2 ·· ·· ·· ··· ··· 38" in html
    assert pathway.reference in html and "Évaluation et jury" in html
    assert "Blocs validés par un jury (2), acquis définitivement" in html
    for block in (first, second):
        assert f"{block.code} — {block.title}" in html
    assert third.code not in html.split('id="blocs-acquis"')[1]
    assert pathway.certification.code in html and f"session du {pathway.jury_session_date:%d/%m/%Y}" in html


def test_the_candidate_record_without_acquired_blocks(client, db):
    pathway, staff = walked("support")
    client.force_login(staff["project_holder"])
    html = text(client.get(reverse("pathways:candidate_detail", args=[pathway.candidate.pk])))
    assert "Aucun bloc de compétences acquis pour l'instant." in html and "<dd>non renseigné</dd>" in html


def test_the_candidate_record_is_linked_from_the_list_and_the_pathway_page(client, db):
    pathway, staff = walked("support")
    client.force_login(staff["project_holder"])
    url = reverse("pathways:candidate_detail", args=[pathway.candidate.pk])
    assert f'href="{url}"' in text(client.get(reverse("pathways:candidate_list")))
    assert f'href="{url}"' in text(client.get(page_url(pathway)))
    client.force_login(staff["companion"])
    assert f'href="{url}"' not in text(client.get(page_url(pathway)))


def test_the_candidate_record_is_for_its_project_holder(client, db):
    pathway, staff = walked("support")
    url = reverse("pathways:candidate_detail", args=[pathway.candidate.pk])
    client.force_login(UserFactory(role="project_holder"))
    assert client.get(url).status_code == 404
    for role in ("companion", "opco", "certifier", "ministry"):
        client.force_login(staff[role])
        assert client.get(url).status_code == 403
