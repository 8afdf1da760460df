"""The "Done when" of issue 12, as a REST client following product.md section 16 to the letter: a plan, the
admissibility guard, a file pre-filled from the plan and refused above it, payment requests up to exactly
the approved amount (one cent more refused), a batch exported as CSV and as a SEPA XML that validates
against the pain.001.001.03 schema, marked paid."""

import csv
import datetime
import io
import pathlib

import sepaxml
import xmlschema
from django.utils import timezone

from funding import services as funding_services
from tests.conftest import api_as
from tests.funding.payment_factories import HOLDER_IBAN, INVOICE_SIRET, bank_details
from tests.pathways.factories import PROVIDER_SIRET, PathwayFactory, add_contract, pdf_upload, staff_of, walk_to

# The official ISO 20022 schema of pain.001.001.03, as shipped by sepaxml (python-sepaxml, schemas/).
PAIN_001_001_03 = pathlib.Path(sepaxml.__file__).parent / "schemas" / "pain.001.001.03.xsd"


def _action(pathway, kind, cost, blocks=(), **overrides):
    contract = pathway.contract
    return {
        "pathway": pathway.pk, "kind": kind, "title": f"Action {kind}", "provider_name": "Organisme",
        "provider_siret": PROVIDER_SIRET, "skill_blocks": [block.pk for block in blocks], "planned_hours": "70.00",
        "start_date": contract.start_date.isoformat(),
        "end_date": (contract.start_date + datetime.timedelta(days=90)).isoformat(), "cost": cost, **overrides,
    }  # fmt: skip


def _request(funding_file_id, contract, amount, number, category="teaching"):
    return {
        "funding_file": funding_file_id, "category": category, "amount": amount, "invoice_number": number,
        "invoice_date": (contract.start_date + datetime.timedelta(days=95)).isoformat(), "provider_name": "Organisme",
        "provider_siret": INVOICE_SIRET, "period_start": contract.start_date.isoformat(),
        "period_end": (contract.start_date + datetime.timedelta(days=90)).isoformat(), "invoice": pdf_upload("f.pdf"),
    }  # fmt: skip


def test_the_money_flow_end_to_end_through_the_api(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    pathway = PathwayFactory()
    add_contract(pathway)
    staff = staff_of(pathway)
    pathway = walk_to(pathway, "support", staff)
    holder, companion, opco = (api_as(staff[role]) for role in ("project_holder", "companion", "opco"))
    blocks = list(pathway.target_blocks.order_by("code"))
    assert len(blocks) >= 2

    # A plan without theory and with a block uncovered: the guard lists both, in French, with the others.
    work = holder.post("/api/v1/plan-actions/", _action(pathway, "work_activity", "0.00", blocks[:1]), format="json")
    assert work.status_code == 201, work.content
    assert work.json()["category"] is None and work.json()["contract_year"] == 1
    companion.post(
        f"/api/v1/pathways/{pathway.pk}/support-opinion/", {"job_match": True, "pedagogical_path": True}, format="json"
    )
    refused = companion.post(f"/api/v1/pathways/{pathway.pk}/transition/", {"to": "admissibility"}, format="json")
    assert refused.status_code == 400
    unmet = refused.json()["unmet"]
    assert any("apport théorique" in reason for reason in unmet)
    assert any("ne couvre pas tous les blocs" in reason and blocks[1].code in reason for reason in unmet)

    # Theory covering every block, design and support: the guard passes.
    training = holder.post("/api/v1/plan-actions/", _action(pathway, "training", "3000.00", blocks), format="json")
    assert training.status_code == 201, training.content
    assert training.json()["category"] == "teaching"
    for kind, cost in (("design", "500.00"), ("vae_support", "1500.00")):
        assert holder.post("/api/v1/plan-actions/", _action(pathway, kind, cost), format="json").status_code == 201
    listed = holder.get("/api/v1/plan-actions/", {"pathway": pathway.pk}).json()
    assert listed["count"] == 4
    moved = companion.post(f"/api/v1/pathways/{pathway.pk}/transition/", {"to": "admissibility"}, format="json")
    assert moved.status_code == 200, moved.content

    # A funding file pre-filled from the plan's totals of its contract year.
    created = holder.post("/api/v1/funding-files/", {"pathway": pathway.pk}, format="json")
    assert created.status_code == 201, created.content
    file_ = created.json()
    assert (file_["requested_teaching"], file_["requested_design"], file_["requested_support"]) == (
        "3000.00", "500.00", "1500.00",
    )  # fmt: skip
    assert (file_["plan_teaching"], file_["plan_design"], file_["plan_support"]) == ("3000.00", "500.00", "1500.00")
    url = f"/api/v1/funding-files/{file_['id']}/"

    # Above the plan: refused, naming the category and both amounts.
    assert holder.patch(url, {"requested_teaching": "3500.00"}, format="json").status_code == 200
    above = holder.post(f"{url}submit/")
    assert above.status_code == 400
    message = above.json()["requested_teaching"][0]
    assert "Frais pédagogiques" in message and "3\u202f500,00" in message and "3\u202f000,00" in message
    assert holder.patch(url, {"requested_teaching": "3000.00"}, format="json").status_code == 200
    assert holder.post(f"{url}submit/").json()["status"] == "submitted"
    approved = opco.post(
        f"{url}approve/",
        {"approved_teaching": "3000.00", "approved_design": "500.00", "approved_support": "1500.00"},
        format="json",
    )
    assert approved.json()["status"] == "approved"

    # The plan cannot fall below what is approved.
    lowered = holder.patch(f"/api/v1/plan-actions/{training.json()['id']}/", {"cost": "2999.99"}, format="json")
    assert lowered.status_code == 400 and "ne serait plus couvert" in lowered.json()["non_field_errors"][0]

    # Payment requests up to exactly the approved amount; one cent more is refused.
    bank_details(staff)
    contract = pathway.contract
    first = holder.post(
        "/api/v1/payment-requests/", _request(file_["id"], contract, "2000.00", "F-1"), format="multipart"
    )
    assert first.status_code == 201, first.content
    assert first.json()["status"] == "submitted"
    cent_more = holder.post(
        "/api/v1/payment-requests/", _request(file_["id"], contract, "1000.01", "F-2"), format="multipart"
    )
    assert cent_more.status_code == 400
    assert "1\u202f000,01" in cent_more.json()["amount"][0] and "3\u202f000,00" in cent_more.json()["amount"][0]
    second = holder.post(
        "/api/v1/payment-requests/", _request(file_["id"], contract, "1000.00", "F-2"), format="multipart"
    )
    assert second.status_code == 201, second.content
    again = holder.post(
        "/api/v1/payment-requests/", _request(file_["id"], contract, "10.00", "F-2", "design"), format="multipart"
    )
    assert again.status_code == 400 and "invoice_number" in again.json()

    # The OPCO approves both; a second decision on the same request is a conflict.
    ids = [first.json()["id"], second.json()["id"]]
    for request_id in ids:
        decided = opco.post(
            f"/api/v1/payment-requests/{request_id}/approve/",
            {"approved_amount": "1000.00" if request_id == ids[1] else "2000.00"},
            format="json",
        )
        assert decided.status_code == 200 and decided.json()["status"] == "approved", decided.content
    conflict = opco.post(f"/api/v1/payment-requests/{ids[0]}/reject/", {"reason": "Doublon"}, format="json")
    assert conflict.status_code == 409
    assert (
        opco.post(f"/api/v1/payment-requests/{ids[0]}/approve/", {"approved_amount": "1.00"}, format="json").status_code
        == 409
    )

    # A batch, its CSV and its SEPA credit transfer, then paid.
    batch = opco.post("/api/v1/payment-batches/", {"requests": ids}, format="json")
    assert batch.status_code == 201, batch.content
    body = batch.json()
    assert body["status"] == "created" and body["count"] == 2 and body["total"] == "3000.00" and body["opco"] == "AKTO"
    assert sorted(body["requests"]) == sorted(ids)
    export = f"/api/v1/payment-batches/{body['id']}/export/"
    csv_response = opco.get(export, {"format": "csv"})
    assert csv_response.status_code == 200 and csv_response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(b"".join(csv_response.streaming_content).decode("utf-8-sig")), delimiter=";"))
    assert rows[0][0] == "Lot" and len(rows) == 3 and {row[12] for row in rows[1:]} == {"2000,00", "1000,00"}
    sepa = opco.get(export, {"format": "sepa"})
    assert sepa.status_code == 200 and sepa["Content-Type"] == "application/xml"
    schema = xmlschema.XMLSchema(str(PAIN_001_001_03))
    schema.validate(sepa.content.decode("utf-8"))
    document = schema.to_dict(sepa.content.decode("utf-8"))
    header = document["CstmrCdtTrfInitn"]["GrpHdr"]
    assert header["NbOfTxs"] == "2" and str(header["CtrlSum"]) == "3000.00"
    assert HOLDER_IBAN in sepa.content.decode()
    assert opco.get(export, {"format": "pdf"}).status_code == 400

    today = timezone.localdate().isoformat()
    paid = opco.post(f"/api/v1/payment-batches/{body['id']}/mark-paid/", {"paid_on": today}, format="json")
    assert paid.status_code == 200 and paid.json()["status"] == "paid" and paid.json()["paid_on"] == today
    assert (
        opco.post(f"/api/v1/payment-batches/{body['id']}/mark-paid/", {"paid_on": today}, format="json").status_code
        == 409
    )
    # The holder sees what was paid, when.
    seen = holder.get("/api/v1/payment-requests/", {"status": "paid"}).json()
    assert seen["count"] == 2 and {row["paid_on"] for row in seen["results"]} == {today}
    assert holder.get(f"/api/v1/payment-batches/{body['id']}/").json()["paid_on"] == today
    # Role checks: the holder may not decide nor batch.
    assert holder.post("/api/v1/payment-batches/", {"requests": ids}, format="json").status_code == 403
    assert funding_services.counted(pathway.funding_files.get(), "teaching") == 3000


def test_bad_input_gets_french_field_errors(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    pathway = PathwayFactory()
    add_contract(pathway)
    staff = staff_of(pathway)
    holder = api_as(staff["project_holder"])
    bad = holder.post(
        "/api/v1/plan-actions/", {**_action(pathway, "training", "10.00"), "skill_blocks": [999999]}, format="json"
    )
    assert bad.status_code == 400 and "Aucun bloc de compétences" in bad.json()["skill_blocks"][0]
    unknown = holder.post(
        "/api/v1/plan-actions/", {**_action(pathway, "training", "10.00"), "pathway": 999999}, format="json"
    )
    assert "Aucun parcours" in unknown.json()["pathway"][0]
    no_file = holder.post(
        "/api/v1/payment-requests/", {"funding_file": 999999, "invoice": pdf_upload()}, format="multipart"
    )
    assert no_file.status_code == 400 and "Aucun dossier" in no_file.json()["funding_file"][0]
    assert api_as(staff["opco"]).post("/api/v1/payment-batches/", {"requests": []}, format="json").status_code == 400
    assert (
        api_as(staff["opco"])
        .post("/api/v1/payment-batches/", {"requests": [999999]}, format="json")
        .json()["requests"][0]
        .startswith("Demandes introuvables")
    )
