"""Working together on a pathway (product.md sections 13 and 16): messages, internal notes, assignment."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from funding.models import FundingFile, FundingFileAssignment, FundingFileNote
from funding.services import funding_file_assign, funding_file_note_add, member_deactivate_and_hand_over
from pathways import selectors, services
from pathways.enums import PathwayPhase
from pathways.models import MessageRead, Pathway, PathwayAssignment, PathwayMessage, PathwayNote
from tests.accounts.factories import UserFactory
from tests.conftest import api_as
from tests.pathways.factories import PDF_BYTES, PathwayFactory, pdf_upload, show_to_opco, staff_of, walk_to
from vae_inversee.accounts.models import Organisation
from vae_inversee.notifications.models import Notification

pytestmark = pytest.mark.django_db


@pytest.fixture
def shared(settings, tmp_path):
    """A pathway in admissibility the OPCO and the certifier see, its people, and another world's."""
    settings.MEDIA_ROOT = tmp_path
    pathway = PathwayFactory()
    staff = staff_of(pathway)
    show_to_opco(pathway, staff)
    pathway = walk_to(pathway, PathwayPhase.ADMISSIBILITY, staff)
    other = PathwayFactory()
    other_staff = staff_of(other)
    return pathway, staff, other, other_staff


# ---- messages ---------------------------------------------------------------------------------------


def test_every_organisation_of_the_pathway_reads_the_thread_and_its_attachment(
    shared, django_capture_on_commit_callbacks
):
    pathway, staff, other, other_staff = shared
    with django_capture_on_commit_callbacks(execute=True):
        message = services.message_post(
            acting_user=staff["opco"], pathway=pathway, body="Pouvez-vous joindre le devis ?", attachment=pdf_upload()
        )
    services.message_post(acting_user=staff["project_holder"], pathway=pathway, body="Le voici.")
    assert message.organisation == staff["opco"].organisation and message.attachment_content_type == "application/pdf"
    for role in ("project_holder", "companion", "opco", "certifier", "ministry"):
        assert [m.body for m in selectors.thread_of(pathway, staff[role])] == [
            "Pouvez-vous joindre le devis ?",
            "Le voici.",
        ]
    assert not selectors.thread_of(pathway, other_staff["project_holder"]).exists()
    # Everyone concerned but the author was told, through the new « messages » category.
    told = set(Notification.objects.filter(event_key=f"message:{message.pk}").values_list("recipient", flat=True))
    assert staff["project_holder"].pk in told and staff["certifier"].pk in told and staff["opco"].pk not in told


def test_the_unread_counter_goes_down_once_the_thread_is_read(shared):
    pathway, staff, _, _ = shared
    services.message_post(acting_user=staff["opco"], pathway=pathway, body="Question 1")
    services.message_post(acting_user=staff["opco"], pathway=pathway, body="Question 2")
    holder = staff["project_holder"]
    assert selectors.unread_count(holder) == 2 and selectors.unread_count(staff["opco"]) == 0
    assert selectors.with_unread(Pathway.objects.filter(pk=pathway.pk), holder).get().unread == 2
    assert selectors.threads_of(holder).get().unread == 2
    services.thread_mark_read(user=holder, pathway=pathway)
    assert selectors.unread_count(holder) == 0


def test_the_thread_counts_of_the_messages_button_agree_with_the_unread_counts(shared):
    pathway, staff, other, other_staff = shared
    holder, opco = staff["project_holder"], staff["opco"]
    assert selectors.thread_counts(pathway, holder) == {"count": 0, "unread": 0}
    services.message_post(acting_user=holder, pathway=pathway, body="Bonjour")  # one's own: never unread
    services.message_post(acting_user=opco, pathway=pathway, body="Question 1")
    services.message_post(acting_user=other_staff["project_holder"], pathway=other, body="Ailleurs")
    with CaptureQueriesContext(connection) as queries:
        assert selectors.thread_counts(pathway, holder) == {"count": 2, "unread": 1}
    assert len(queries) == 1
    assert selectors.thread_counts(pathway, opco) == {"count": 2, "unread": 0}  # read when it wrote
    services.thread_mark_read(user=holder, pathway=pathway)
    assert selectors.thread_counts(pathway, holder) == {"count": 2, "unread": 0}
    services.message_post(acting_user=opco, pathway=pathway, body="Question 2")
    counts = selectors.thread_counts(pathway, holder)
    assert counts == {"count": 3, "unread": 1} == {"count": 3, "unread": selectors.unread_count(holder)}


def test_a_thread_read_again_with_nothing_new_writes_nothing(shared):
    pathway, staff, _, _ = shared
    holder = staff["project_holder"]
    services.thread_mark_read(user=holder, pathway=pathway)  # an empty thread: nothing to mark
    assert not MessageRead.objects.filter(user=holder).exists()
    services.message_post(acting_user=staff["opco"], pathway=pathway, body="Question 1")
    services.thread_mark_read(user=holder, pathway=pathway)
    first = MessageRead.objects.get(user=holder, pathway=pathway).read_at
    services.message_post(acting_user=holder, pathway=pathway, body="Réponse")  # one's own: never unread
    services.thread_mark_read(user=holder, pathway=pathway)
    assert MessageRead.objects.get(user=holder, pathway=pathway).read_at == first  # the kept counts stay valid
    services.message_post(acting_user=staff["opco"], pathway=pathway, body="Question 2")
    assert selectors.unread_count(holder) == 1
    services.thread_mark_read(user=holder, pathway=pathway)
    assert MessageRead.objects.get(user=holder, pathway=pathway).read_at > first
    assert selectors.unread_count(holder) == 0


def test_the_lists_show_each_pathway_s_unread_messages(shared, client):
    pathway, staff, _, _ = shared
    services.message_post(acting_user=staff["opco"], pathway=pathway, body="Question 1")
    services.message_post(acting_user=staff["opco"], pathway=pathway, body="Question 2")
    client.force_login(staff["project_holder"])
    assert "2 messages non lus" in client.get("/porteur/").content.decode()
    page = client.get(f"/parcours/{pathway.pk}/").content.decode()  # the file page does not read the thread
    assert "Messages et notes internes (2, dont 2 non lus)" in page and "Question 1" not in page
    assert "2 messages non lus" in client.get("/porteur/").content.decode()
    assert client.get(f"/parcours/{pathway.pk}/messages/").status_code == 200  # its « Messages » page does
    assert "messages non lus" not in client.get("/porteur/").content.decode()
    assert "Messages et notes internes (2)" in client.get(f"/parcours/{pathway.pk}/").content.decode()


def test_the_header_s_unread_count_is_kept_until_a_new_message_or_a_read(shared, client):
    pathway, staff, other, other_staff = shared
    services.message_post(acting_user=staff["opco"], pathway=pathway, body="Question 1")
    ministry = staff["ministry"]
    client.force_login(ministry)

    def header():
        return client.get("/notifications/").content.decode()

    assert "Messages (1 non lu)" in header()
    with CaptureQueriesContext(connection) as queries:
        assert "Messages (1 non lu)" in header()
    assert not [q for q in queries if "pathways_pathwaymessage" in q["sql"]]  # kept: not counted again
    services.message_post(acting_user=other_staff["project_holder"], pathway=other, body="Ailleurs")
    assert "Messages (2 non lus)" in header()  # a new message, on another pathway the Ministry sees
    services.thread_mark_read(user=ministry, pathway=pathway)
    assert "Messages (1 non lu)" in header()  # a read (no signal: the last read is part of the key)
    services.thread_mark_read(user=ministry, pathway=other)
    assert "non lu" not in header().split('id="messages-link"')[1].split("</a>")[0]


def test_the_header_counts_unread_messages_up_to_99_then_says_99_plus(shared, client):
    pathway, staff, other, other_staff = shared
    ministry = staff["ministry"]
    client.force_login(ministry)
    PathwayMessage.objects.bulk_create(
        PathwayMessage(pathway=pathway, author=staff["opco"], body=f"Relance {n}")
        for n in range(selectors.UNREAD_SHOWN)
    )
    assert selectors.unread_count(ministry) == selectors.UNREAD_SHOWN
    link = client.get("/notifications/").content.decode().split('id="messages-link"')[1].split("</a>")[0]
    assert f"Messages ({selectors.UNREAD_SHOWN} non lus)" in link
    services.message_post(acting_user=staff["opco"], pathway=pathway, body="Une de plus")
    services.message_post(acting_user=staff["opco"], pathway=pathway, body="Et encore une")
    assert selectors.unread_count(ministry) == selectors.UNREAD_SHOWN + 1  # counting stops there
    link = client.get("/notifications/").content.decode().split('id="messages-link"')[1].split("</a>")[0]
    assert f"Messages ({selectors.UNREAD_SHOWN}+ non lus)" in link
    services.thread_mark_read(user=ministry, pathway=pathway)
    assert selectors.unread_count(ministry) == 0


def test_a_message_is_refused_empty_with_a_fake_attachment_from_the_ministry_or_outside(shared):
    pathway, staff, other, other_staff = shared
    with pytest.raises(ValidationError) as error:
        services.message_post(
            acting_user=staff["companion"], pathway=pathway, body="  ", attachment=pdf_upload(content=b"%PDF-1.4 faux")
        )
    assert set(error.value.message_dict) == {"body", "attachment"}
    with pytest.raises(PermissionDenied):
        services.message_post(acting_user=staff["ministry"], pathway=pathway, body="Bonjour")
    with pytest.raises(PermissionDenied):
        services.message_post(acting_user=other_staff["project_holder"], pathway=pathway, body="Bonjour")
    assert not PathwayMessage.objects.exists()


def test_messages_notes_and_assignments_are_append_only(shared):
    pathway, staff, _, _ = shared
    message = services.message_post(acting_user=staff["opco"], pathway=pathway, body="Bonjour")
    note = services.pathway_note_add(acting_user=staff["opco"], pathway=pathway, body="Interne")
    for model, row in ((PathwayMessage, message), (PathwayNote, note)):
        with pytest.raises(IntegrityError, match="ajout seul"), transaction.atomic():
            model.objects.filter(pk=row.pk).update(body="réécrit")
        with pytest.raises(IntegrityError, match="ajout seul"), transaction.atomic():
            row.delete()
        with pytest.raises(IntegrityError, match="ajout seul"), transaction.atomic():
            row.body = "réécrit"
            row.save()


# ---- internal notes ----------------------------------------------------------------------------------


def test_an_opco_note_is_seen_by_its_colleagues_only(shared):
    pathway, staff, _, _ = shared
    colleague = UserFactory(organisation=staff["opco"].organisation)
    services.pathway_note_add(acting_user=staff["opco"], pathway=pathway, body="Devis à vérifier")
    assert [n.body for n in selectors.notes_of(pathway, colleague)] == ["Devis à vérifier"]
    for role in ("project_holder", "companion", "certifier", "ministry"):
        assert not selectors.notes_of(pathway, staff[role]).exists()


def test_notes_through_the_api_stay_inside_the_organisation(shared):
    pathway, staff, _, other_staff = shared
    url = f"/api/v1/pathways/{pathway.pk}/notes/"
    created = api_as(staff["opco"]).post(url, {"body": "Relancer l'employeur"}, format="json")
    assert created.status_code == 201 and created.json()["organisation"] == staff["opco"].organisation.pk
    assert [n["body"] for n in api_as(staff["opco"]).get(url).json()] == ["Relancer l'employeur"]
    assert api_as(staff["project_holder"]).get(url).json() == []
    assert api_as(staff["certifier"]).get(url).json() == []
    assert api_as(staff["ministry"]).get(url).status_code == 403
    assert api_as(other_staff["project_holder"]).get(url).status_code == 404
    empty = api_as(staff["opco"]).post(url, {"body": ""}, format="json")
    assert empty.status_code == 400 and "body" in empty.json()


def test_funding_file_notes_are_the_organisations_own(shared):
    pathway, staff, _, _ = shared
    funding_file = FundingFile.objects.get(pathway=pathway, contract_year=1)
    funding_file_note_add(acting_user=staff["opco"], funding_file=funding_file, body="Plafond presque atteint")
    url = f"/api/v1/funding-files/{funding_file.pk}/notes/"
    assert [n["body"] for n in api_as(staff["opco"]).get(url).json()] == ["Plafond presque atteint"]
    assert api_as(staff["project_holder"]).get(url).json() == []
    assert FundingFileNote.objects.visible_to(staff["project_holder"]).count() == 0


# ---- assignment ---------------------------------------------------------------------------------------


def test_the_opco_assigns_a_file_and_filters_its_queue(shared):
    pathway, staff, _, other_staff = shared
    opco = staff["opco"]
    colleague = UserFactory(organisation=opco.organisation)
    funding_file = FundingFile.objects.get(pathway=pathway, contract_year=1)
    client = api_as(opco)
    assert [f["id"] for f in client.get("/api/v1/funding-files/?assignee=none").json()["results"]] == [funding_file.pk]
    response = client.post(f"/api/v1/funding-files/{funding_file.pk}/assign/", {"assignee": opco.pk}, format="json")
    assert response.status_code == 200 and response.json()["assignee"] == opco.pk
    assert [f["id"] for f in client.get("/api/v1/funding-files/?assignee=me").json()["results"]] == [funding_file.pk]
    assert client.get("/api/v1/funding-files/?assignee=none").json()["results"] == []
    funding_file_assign(acting_user=opco, funding_file=funding_file, assignee=colleague)
    assert client.get("/api/v1/funding-files/?assignee=me").json()["results"] == []
    log = list(FundingFileAssignment.objects.filter(funding_file=funding_file).values_list("previous", "assignee"))
    assert log == [(None, opco.pk), (opco.pk, colleague.pk)]


def test_a_file_is_assigned_only_to_an_active_colleague_by_the_opco(shared):
    pathway, staff, _, other_staff = shared
    funding_file = FundingFile.objects.get(pathway=pathway, contract_year=1)
    url = f"/api/v1/funding-files/{funding_file.pk}/assign/"
    stranger = UserFactory(organisation=Organisation.objects.get(kind="opco", code="ATLAS"))
    refused = api_as(staff["opco"]).post(url, {"assignee": stranger.pk}, format="json")
    assert refused.status_code == 400 and "assignee" in refused.json()
    unknown = api_as(staff["opco"]).post(url, {"assignee": 10**9}, format="json")
    assert unknown.status_code == 400 and "assignee" in unknown.json()
    assert api_as(staff["project_holder"]).post(url, {"assignee": None}, format="json").status_code == 403
    bad = api_as(staff["opco"]).post(url, {"assignee": "moi"}, format="json")
    assert bad.status_code == 400 and "assignee" in bad.json()


def test_the_certifier_assigns_a_pathway_and_the_change_is_logged(shared):
    pathway, staff, _, _ = shared
    certifier = staff["certifier"]
    colleague = UserFactory(organisation=certifier.organisation)
    services.pathway_assign(acting_user=certifier, pathway=pathway, assignee=certifier)
    services.pathway_assign(acting_user=certifier, pathway=pathway, assignee=colleague)
    pathway.refresh_from_db()
    assert pathway.assignee == colleague
    assert list(PathwayAssignment.objects.filter(pathway=pathway).values_list("assignee", flat=True)) == [
        certifier.pk,
        colleague.pk,
    ]
    with pytest.raises(PermissionDenied):
        services.pathway_assign(acting_user=staff["opco"], pathway=pathway, assignee=None)


def test_a_leaver_is_deactivated_and_their_work_handed_over_in_one_step(shared):
    pathway, staff, _, _ = shared
    opco_admin = staff["opco"]
    leaver = UserFactory(organisation=opco_admin.organisation)
    funding_file = FundingFile.objects.get(pathway=pathway, contract_year=1)
    funding_file_assign(acting_user=opco_admin, funding_file=funding_file, assignee=leaver)
    count = member_deactivate_and_hand_over(acting_user=opco_admin, membership=leaver.membership, successor=opco_admin)
    funding_file.refresh_from_db()
    leaver.refresh_from_db()
    assert count == 1 and funding_file.assignee == opco_admin and not leaver.is_active


def test_a_leaving_companion_hands_their_pathways_to_a_colleague(shared):
    pathway, staff, _, _ = shared
    companion = staff["companion"]
    admin = UserFactory(organisation=companion.organisation, is_admin=True)
    successor = UserFactory(organisation=companion.organisation)
    with pytest.raises(ValidationError, match="accompagne des parcours"):
        member_deactivate_and_hand_over(acting_user=admin, membership=companion.membership, successor=None)
    companion.refresh_from_db()
    assert companion.is_active
    member_deactivate_and_hand_over(acting_user=admin, membership=companion.membership, successor=successor)
    pathway.refresh_from_db()
    assert pathway.companion == successor


# ---- the API's thread ---------------------------------------------------------------------------------


def test_the_api_thread_with_an_attachment(shared):
    pathway, staff, _, other_staff = shared
    url = f"/api/v1/pathways/{pathway.pk}/messages/"
    created = api_as(staff["project_holder"]).post(
        url, {"body": "Voici l'attestation", "attachment": pdf_upload()}, format="multipart"
    )
    assert created.status_code == 201, created.content
    data = created.json()
    assert data["author"]["id"] == staff["project_holder"].pk and data["attachment_url"].endswith("/attachment/")
    listed = api_as(staff["opco"]).get(url).json()
    assert [m["body"] for m in listed] == ["Voici l'attestation"]
    download = api_as(staff["opco"]).get(data["attachment_url"])
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF_BYTES
    assert api_as(other_staff["project_holder"]).get(url).status_code == 404
    assert api_as(staff["ministry"]).post(url, {"body": "x"}, format="json").status_code == 403
    json_message = api_as(staff["opco"]).post(url, {"body": "Sans pièce jointe"}, format="json")
    assert json_message.status_code == 201 and json_message.json()["attachment_url"] is None


# ---- the portal ------------------------------------------------------------------------------------------


def test_the_pathway_page_thread_notes_and_header_counter(client, shared):
    pathway, staff, _, _ = shared
    page_url = f"/parcours/{pathway.pk}/messages/"
    client.force_login(staff["opco"])
    sent = client.post(page_url, {"body": "Le devis, SVP", "attachment": pdf_upload()})
    assert sent.status_code == 302 and sent["Location"] == page_url + "#messages"
    noted = client.post(f"/parcours/{pathway.pk}/notes/", {"body": "Note OPCO secrète"})
    assert noted.status_code == 302 and noted["Location"] == page_url + "#notes"
    assert "Note OPCO secrète" in client.get(page_url).content.decode()
    refused = client.post(page_url, {"body": "", "attachment": pdf_upload()})
    # Shown again on the messages page, with the French error; nothing sent.
    assert refused.status_code == 400 and 'id="form-message"' in refused.content.decode()
    assert "pas été envoyé" in refused.content.decode() and PathwayMessage.objects.count() == 1
    assert client.get(f"/parcours/{pathway.pk}/notes/")["Location"] == page_url  # a form's address revisited

    client.force_login(staff["project_holder"])
    assert "Messages (1 non lu)" in client.get("/messages/").content.decode()
    page = client.get(page_url).content.decode()
    assert "Le devis, SVP" in page and "piece.pdf" in page and "Note OPCO secrète" not in page
    assert "Messages (1 non lu)" not in client.get("/messages/").content.decode()
    message = PathwayMessage.objects.get()
    download = client.get(f"/parcours/{pathway.pk}/messages/{message.pk}/piece-jointe/")
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF_BYTES

    client.force_login(staff["ministry"])
    page = client.get(page_url).content.decode()
    assert "Le devis, SVP" in page and 'id="form-message"' not in page and "Note OPCO secrète" not in page
    assert client.post(f"/parcours/{pathway.pk}/messages/", {"body": "x"}).status_code == 403


def test_the_opco_assigns_from_the_file_page_and_filters_the_queue(client, shared):
    pathway, staff, _, _ = shared
    opco = staff["opco"]
    funding_file = FundingFile.objects.get(pathway=pathway, contract_year=1)
    client.force_login(opco)
    assert client.post(f"/opco/dossiers/{funding_file.pk}/assignation/", {"assignee": opco.pk}).status_code == 302
    assert pathway.reference in client.get("/opco/?assignee=me").content.decode()
    assert pathway.reference not in client.get("/opco/?assignee=none").content.decode()
    assert client.post(f"/opco/dossiers/{funding_file.pk}/notes/", {"body": "À relancer"}).status_code == 302
    assert "À relancer" in client.get(f"/opco/dossiers/{funding_file.pk}/").content.decode()
    assert client.post(f"/opco/dossiers/{funding_file.pk}/assignation/", {"assignee": 10**9}).status_code == 400


# ---- accent- and case-insensitive search ----------------------------------------------------------------


def test_a_search_for_evaluatrice_finds_evaluatrice_with_its_accent(shared):
    pathway, staff, _, _ = shared
    Certification = type(pathway.certification)
    Certification.objects.filter(pk=pathway.certification_id).update(title="Évaluatrice de la qualité (50 % terrain)")
    holder = staff["project_holder"]
    assert list(Pathway.objects.visible_to(holder).search("evaluatrice")) == [pathway]
    assert list(Pathway.objects.visible_to(holder).search("ÉVALUATRICE qualite")) == [pathway]
    assert not Pathway.objects.visible_to(holder).search("evaluatrice cuisine").exists()
    # A typed % is a character, not a pattern.
    assert list(Certification.objects.search("50 %")) == [pathway.certification]
    assert not Certification.objects.search("%%%").exists()
    assert list(Certification.objects.search("evaluatrice")) == [pathway.certification]


def test_the_pathway_list_and_the_api_search_across_accents(client, shared):
    pathway, staff, _, _ = shared
    type(pathway.certification).objects.filter(pk=pathway.certification_id).update(title="Évaluatrice")
    client.force_login(staff["project_holder"])
    assert pathway.reference in client.get("/porteur/?q=evaluatrice").content.decode()
    api = api_as(staff["project_holder"]).get("/api/v1/pathways/?q=EVALUATRICE").json()
    assert [row["id"] for row in api["results"]] == [pathway.pk]
