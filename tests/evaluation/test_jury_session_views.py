"""The jury session pages: a date for several candidates, then every result on one page, all or nothing."""

import pytest
from django.urls import reverse

from evaluation.models import Jury
from pathways.models import Pathway
from tests.evaluation.test_jury_sessions import SESSION, session_of_three


@pytest.fixture
def session(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return session_of_three()


def session_url(certification, day=SESSION):
    return reverse("evaluation:jury_session", args=[certification.pk, day.isoformat()])


def results_data(pathways, outcomes):
    data = {}
    for pathway, (outcome, acquired) in zip(pathways, outcomes, strict=True):
        prefix = f"parcours-{pathway.pk}"
        for index, block in enumerate(pathway.target_blocks.order_by("code")):
            data[f"{prefix}-bloc_{block.pk}"] = "acquis" if index < acquired else "non_acquis"
        data[f"{prefix}-outcome"] = outcome
        data[f"{prefix}-comment"] = f"Observations {pathway.reference}"
    return data


def test_schedule_then_record_the_whole_session(client, session):
    evaluated, delivery, staff = session
    certification = evaluated[0].certification
    client.force_login(staff["certifier"])
    home = client.get(reverse("evaluation:certifier_home"))
    assert reverse("evaluation:jury_sessions") in home.content.decode()
    page = client.get(reverse("evaluation:jury_sessions"), {"certification": certification.pk})
    assert page.status_code == 200
    assert f'value="{delivery.pk}"' in page.content.decode()
    response = client.post(
        reverse("evaluation:jury_sessions") + f"?certification={certification.pk}",
        {"session-session_date": SESSION.isoformat(), "session-pathways": [p.pk for p in [*evaluated, delivery]]},
    )
    assert response.status_code == 302 and response.url == session_url(certification)
    assert Pathway.objects.filter(jury_session_date=SESSION).count() == 3
    page = client.get(session_url(certification)).content.decode()
    # Two to record (a fieldset each), the third still in delivery says why.
    assert page.count('<fieldset class="fr-fieldset pathway-panel') == 2
    assert "Le résultat du jury s&#x27;enregistre en phase d&#x27;évaluation." in page

    data = results_data(evaluated, [("full", 3), ("full", 1)])
    response = client.post(session_url(certification), data)
    assert response.status_code == 400
    assert not Jury.objects.exists()
    page = response.content.decode()
    assert "Aucun résultat n'a été enregistré" in page
    assert "Validation totale : ce bloc doit être acquis" in page
    # What was typed is kept.
    assert f"Observations {evaluated[1].reference}" in page

    data = results_data(evaluated, [("full", 3), ("partial", 1)])
    response = client.post(session_url(certification), data)
    assert response.status_code == 302
    assert sorted(Jury.objects.values_list("outcome", flat=True)) == ["full", "partial"]
    page = client.get(session_url(certification)).content.decode()
    assert '<fieldset class="fr-fieldset pathway-panel' not in page
    assert "Validation partielle" in page


def test_blank_blocks_are_told_next_to_the_fields(client, session):
    evaluated, delivery, staff = session
    certification = evaluated[0].certification
    client.force_login(staff["certifier"])
    Pathway.objects.filter(pk__in=[p.pk for p in evaluated]).update(jury_session_date=SESSION)
    response = client.post(session_url(certification), {})
    assert response.status_code == 400
    page = response.content.decode()
    for block in evaluated[0].target_blocks.all():
        assert f"Indiquez si le bloc {block.code} est acquis ou non acquis." in page
    assert not Jury.objects.exists()


def test_pages_refused_outside_the_certifier(client, session):
    evaluated, delivery, staff = session
    certification = evaluated[0].certification
    client.force_login(staff["project_holder"])
    assert client.get(reverse("evaluation:jury_sessions")).status_code == 403
    assert client.get(session_url(certification)).status_code == 403
    client.force_login(staff["certifier"])
    assert client.get(reverse("evaluation:jury_session", args=[certification.pk, "2026-13-45"])).status_code == 404
    assert client.get(reverse("evaluation:jury_sessions"), {"certification": "abc"}).status_code == 404
    other = session_of_three()[0][0].certification
    assert client.get(session_url(other)).status_code == 404
