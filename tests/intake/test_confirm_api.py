"""POST /orgs/{code}/intake/confirm: one unit of work from a proposal to a numbered arrival, the
issuer created only when accepted, the copy chain and stamps kept as declared history."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select

from app.db import (
    Arrival,
    AuditEvent,
    CertifiedCopy,
    DeclaredCopy,
    DeclaredStamp,
    Document,
    Organisation,
    RegisterSeries,
)
from app.services import audit_verify, intake
from app.services.intake import DECLARED
from tests.factories import seed_arrival_body, set_clock
from tests.intake.helpers import document_text, seed_text

RECEIVED = "2020-02-12T09:00:00+07:00"


def _proposal(client: Any, world: Any, text: str, who: str = "clerk_vptu") -> dict[str, Any]:
    r = client.post("/intake/parse", json={"text": text}, headers=world.auth(who))
    assert r.status_code == 200, r.text
    data: dict[str, Any] = r.json()
    return data


def _confirm(client: Any, world: Any, proposal: dict[str, Any], org: str = "VPTU",
             who: str = "clerk_vptu", **choices: Any) -> Any:
    body = {"proposal": proposal, "received_at": RECEIVED, **choices}
    return client.post(f"/orgs/{org}/intake/confirm", json=body, headers=world.auth(who))


def _counts(ctx: Any) -> dict[str, int]:
    with ctx.reading() as s:
        return {model.__name__: int(s.scalar(select(func.count()).select_from(model)) or 0)
                for model in (Organisation, Document, Arrival, DeclaredCopy, DeclaredStamp,
                              CertifiedCopy, AuditEvent, RegisterSeries)}


def test_seed_registers_with_our_number_and_the_declared_chain(client: Any, world: Any,
                                                                ctx: Any) -> None:
    # The register already has an entry this year: the seed's arrival is number 2 here, never
    # the 565 or 952 other offices stamped on it.
    first = client.post("/orgs/VPTU/arrivals", headers=world.auth("clerk_vptu"), json=seed_arrival_body(
        document={"notation": "05-CV/TW", "issued_on": "2020-01-10", "title": "Công văn"},
        received_at="2020-01-20T08:00:00+07:00"))
    assert first.status_code == 201, first.text
    assert first.json()["arrival_number"] == 1

    r = _confirm(client, world, _proposal(client, world, seed_text()), import_copies=True,
                 routed_to="Ban Tuyên giáo")
    assert r.status_code == 201, r.text
    out = r.json()
    arrival = out["arrival"]
    assert arrival["arrival_number"] == 2 and arrival["scope_key"] == "2020"
    assert arrival["org_code"] == "VPTU" and arrival["status"] == "routed"
    assert arrival["received_on"] == "2020-02-12"
    assert arrival["sender"] == "VĂN PHÒNG ĐẢNG ỦY KHỐI CÁC CƠ QUAN VÀ DOANH NGHIỆP TỈNH ĐẮK NÔNG"
    doc = arrival["document"]
    assert (doc["issuer_code"], doc["notation"], doc["number"], doc["type_code"]) == (
        "TW", "160-TB/TW", 160, "TB")
    assert doc["issued_on"] == "2020-01-15" and doc["place"] == "Hà Nội"
    assert doc["title"].startswith("KẾT LUẬN CỦA BỘ CHÍNH TRỊ về việc tiếp tục")
    assert (doc["signer_authority"], doc["signer_name"]) == ("T/M BỘ CHÍNH TRỊ", "Trần Quốc Vượng")
    assert [(x["notation"], x["issued_on"]) for x in doc["references"]] == [
        ("62-KL/TW", "2009-12-08"), ("18-NQ/TW", None)]
    assert out["issuer"] == {"code": "TW", "name": "Ban Chấp hành Trung ương", "family": "party",
                             "external": True, "created": False}
    assert out["document_created"] is True

    declared = out["declared"]
    assert declared["status"] == DECLARED
    copies = declared["copies"]
    assert [(c["position"], c["kind"], c["notation"]) for c in copies] == [
        (0, "SAO_LUC", "397-BS/VPTU"), (1, "SAO_LUC", "30-SL/VPDUK")]
    assert all(c["status"] == DECLARED and c["signature"]["status"] == DECLARED for c in copies)
    assert copies[0]["office"] == "VĂN PHÒNG TỈNH ỦY ĐẮK NÔNG"
    assert copies[0]["date"] == "2020-02-04" and copies[0]["place"] == "Đắk Nông"
    assert (copies[0]["signer_title"], copies[0]["signer_name"]) == (
        "CHÁNH VĂN PHÒNG", "Lê Văn Chiến")
    assert copies[0]["recipients"] == ["Các đ/c TUV", "Các Đảng bộ trực thuộc",
                                       "Lưu Văn phòng Tỉnh ủy"]
    assert copies[0]["signature"]["email"] == "VPTU@TUDaknong"
    assert copies[0]["signature"]["signed_at"] == "2020-02-04T15:30:15+07:00"
    assert copies[1]["signature"]["signed_at"] == "2020-02-06T14:00:23+07:00"
    assert copies[0]["evidence"]["notation"] == {"line": 125, "text": "Số 397 -BS/VPTU"}
    stamps = declared["stamps"]
    assert [(s["office"], s["number"], s["date"], s["status"]) for s in stamps] == [
        ("VĂN PHÒNG TỈNH ỦY ĐẮK NÔNG", 565, "2020-01-29", DECLARED),
        ("THƯỜNG TRỰC TỈNH ỦY ĐẮK NÔNG", 952, "2020-02-11", DECLARED)]
    # The 565 stamp is VPTU's own: kept as history, and the clerk is told our number is 2.
    assert any("565" in n and "số đến 2" in n for n in out["notes"])

    # Declared copies are never certified copies (those are the ones this service signed).
    assert _counts(ctx)["CertifiedCopy"] == 0

    # Shown as declared wherever they are read.
    r = client.get(f"/arrivals/{arrival['id']}/declared", headers=world.auth("clerk_vptu"))
    assert r.status_code == 200
    assert r.json() == declared
    r = client.get(f"/documents/{doc['id']}/declared-copies", headers=world.auth("clerk_vptu"))
    assert r.status_code == 200
    assert [(c["notation"], c["status"], c["org_code"]) for c in r.json()] == [
        ("397-BS/VPTU", DECLARED, "VPTU"), ("30-SL/VPDUK", DECLARED, "VPTU")]
    r = client.get(f"/arrivals/{arrival['id']}", headers=world.auth("clerk_vptu"))
    assert r.status_code == 200 and r.json()["arrival_number"] == 2

    # Another office may not read VPTU's arrival or its declared history.
    r = client.get(f"/arrivals/{arrival['id']}/declared", headers=world.auth("clerk_vpduk"))
    assert r.status_code == 403
    r = client.get(f"/documents/{doc['id']}/declared-copies", headers=world.auth("clerk_vpduk"))
    assert r.status_code == 404

    # The same document again is the register's duplicate, not a second number.
    again = _confirm(client, world, _proposal(client, world, seed_text()))
    assert again.status_code == 409
    assert again.json()["existing"] == f"/arrivals/{arrival['id']}"

    assert audit_verify.verify(ctx).ok


def test_copies_are_not_imported_unless_accepted(client: Any, world: Any) -> None:
    r = _confirm(client, world, _proposal(client, world, seed_text()))
    assert r.status_code == 201, r.text
    out = r.json()
    assert out["arrival"]["arrival_number"] == 1
    assert out["declared"]["copies"] == []
    assert len(out["declared"]["stamps"]) == 2
    assert any("2 copy block(s)" in n for n in out["notes"])


def test_edited_proposal_is_what_is_registered(client: Any, world: Any) -> None:
    proposal = _proposal(client, world, seed_text())
    proposal["title"] = "Kết luận của Bộ Chính trị về Mặt trận Tổ quốc và các đoàn thể"
    proposal["signer"]["title"] = "THƯỜNG TRỰC BAN BÍ THƯ"
    proposal["urgency"] = "KHAN"
    r = _confirm(client, world, proposal, issuer_code="TW")
    assert r.status_code == 201, r.text
    doc = r.json()["arrival"]["document"]
    assert doc["title"] == proposal["title"]
    assert doc["signer_title"] == "THƯỜNG TRỰC BAN BÍ THƯ" and doc["urgency"] == "KHAN"


def test_unknown_issuer_is_refused_unless_creation_is_accepted(client: Any, world: Any,
                                                               ctx: Any) -> None:
    proposal = _proposal(client, world, document_text("state_cv_kinh_gui"), who="clerk_ubnd")
    assert proposal["issuer_match"] is None
    set_clock(ctx, "2021-08-13T10:05:00+07:00")  # the letter of 2021 is registered in 2021
    before = _counts(ctx)
    r = _confirm(client, world, proposal, org="UBND", who="clerk_ubnd",
                 received_at="2021-08-13T10:00:00+07:00")
    assert r.status_code == 422
    assert r.json()["field"] == "issuer"
    assert "create_issuer" in r.json()["detail"]
    assert _counts(ctx) == before

    r = _confirm(client, world, proposal, org="UBND", who="clerk_ubnd", create_issuer=True,
                 issuer_code="UBND-KN", received_at="2021-08-13T10:00:00+07:00")
    assert r.status_code == 201, r.text
    out = r.json()
    issuer = out["issuer"]
    assert issuer["code"] == "UBND-KN" and issuer["created"] is True
    assert issuer["external"] is True and issuer["family"] == "state"
    assert issuer["name"] == " ".join(x for x in (proposal["issuer"], proposal["issuer_parent"])
                                      if x)
    doc = out["arrival"]["document"]
    assert (doc["issuer_code"], doc["notation"], doc["type_code"]) == (
        "UBND-KN", proposal["notation"], "CV")
    assert out["arrival"]["arrival_number"] == 1
    with ctx.reading() as s:
        org = s.scalar(select(Organisation).where(Organisation.code == "UBND-KN"))
        assert org is not None and org.external and org.parent_id is None
        event = s.scalar(select(AuditEvent).where(AuditEvent.action == "organisation.created",
                                                  AuditEvent.subject_id == "UBND-KN"))
        assert event is not None and event.details["via"] == "intake"
    assert audit_verify.verify(ctx).ok

    # Next time the issuer is found by its name.
    again = _proposal(client, world, document_text("state_cv_kinh_gui"), who="clerk_ubnd")
    assert again["issuer_match"]["code"] == "UBND-KN"


def test_creating_an_issuer_that_exists_is_a_conflict(client: Any, world: Any, ctx: Any) -> None:
    proposal = _proposal(client, world, seed_text())
    before = _counts(ctx)
    r = _confirm(client, world, proposal, create_issuer=True, issuer_code="TW")
    assert r.status_code == 409 and r.json()["field"] == "issuer_code"
    r = _confirm(client, world, proposal, create_issuer=True, issuer_code="BCHTW")
    assert r.status_code == 409 and r.json()["field"] == "issuer_name"
    assert "TW" in r.json()["detail"]
    r = _confirm(client, world, proposal, create_issuer=True)
    assert r.status_code == 422 and r.json()["field"] == "issuer_code"
    r = _confirm(client, world, proposal, issuer_code="NOPE")
    assert r.status_code == 422 and r.json()["field"] == "issuer_code"
    # A name longer than the register keeps, given or read (issuer with its parent).
    r = _confirm(client, world, proposal, create_issuer=True, issuer_code="LONG",
                 issuer_name="Ban " * 80)
    assert r.status_code == 422 and r.json()["field"] == "issuer_name"
    long_read = {**proposal, "issuer": "BAN " * 70, "issuer_parent": "ĐẢNG BỘ " * 10}
    r = _confirm(client, world, long_read, create_issuer=True, issuer_code="LONG")
    assert r.status_code == 422 and r.json()["field"] == "issuer_name"
    assert _counts(ctx) == before


@pytest.mark.parametrize(("edit", "field"), [
    ({"notation": None}, "proposal.notation"),
    ({"issued_on": None}, "proposal.issued_on"),
    ({"title": None}, "proposal.title"),
    ({"issuer": None}, "proposal.issuer"),
    ({"doc_type_code": "XYZ"}, "proposal.doc_type_code"),
    ({"doc_type_code": None, "doc_type": "Thư tình"}, "proposal.doc_type"),
    ({"doc_type_code": "NQ"}, "proposal.doc_type_code"),  # the notation says TB
    ({"notation": "160/TB"}, "proposal.notation"),
    ({"issued_on": "2020-03-01"}, "received_at"),  # received before it was issued
])
def test_a_bad_proposal_is_a_422_naming_the_field(client: Any, world: Any, ctx: Any,
                                                   edit: dict[str, Any], field: str) -> None:
    proposal = {**_proposal(client, world, seed_text()), **edit}
    before = _counts(ctx)
    r = _confirm(client, world, proposal, import_copies=True)
    assert r.status_code == 422, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    assert r.json()["field"] == field
    assert _counts(ctx) == before


def test_values_too_long_for_the_register_are_422(client: Any, world: Any) -> None:
    proposal = _proposal(client, world, seed_text())
    proposal["copies"][0]["notation"] = "9" * 61
    r = _confirm(client, world, proposal, import_copies=True)
    assert r.status_code == 422
    assert r.json()["field"] == "proposal.copies[0].notation"


def _fail(*args: Any, **kwargs: Any) -> Any:
    raise RuntimeError("injected failure")


@pytest.mark.parametrize("where", ["find_or_create", "declared_copy"])
def test_a_failure_after_the_issuer_is_created_leaves_nothing(
        client: Any, world: Any, ctx: Any, monkeypatch: pytest.MonkeyPatch, where: str) -> None:
    proposal = _proposal(client, world, seed_text())
    if where == "find_or_create":  # right after the issuer row is written
        monkeypatch.setattr(intake.documents, "find_or_create", _fail)
    else:  # after the issuer, the document, the numbered arrival and its stamps
        monkeypatch.setattr(intake, "_declared_copy", _fail)
    before = _counts(ctx)
    r = _confirm(client, world, proposal, create_issuer=True, issuer_code="BCH-TW",
                 issuer_name="Ban Chấp hành Trung ương Đảng (khóa XII)", import_copies=True)
    assert r.status_code == 500
    assert "nothing was changed" in r.json()["detail"]
    assert _counts(ctx) == before
    with ctx.reading() as s:
        assert s.scalar(select(Organisation).where(Organisation.code == "BCH-TW")) is None
        assert s.scalar(select(func.max(RegisterSeries.last_number))) is None
    monkeypatch.undo()
    r = _confirm(client, world, proposal, create_issuer=True, issuer_code="BCH-TW",
                 issuer_name="Ban Chấp hành Trung ương Đảng (khóa XII)", import_copies=True)
    assert r.status_code == 201, r.text
    assert r.json()["arrival"]["arrival_number"] == 1  # the failed attempt used no number
    assert len(r.json()["declared"]["copies"]) == 2


@pytest.mark.parametrize(("who", "org", "status"), [
    ("dept_vptu", "VPTU", 403),  # a department of the office does not register
    ("head_vptu", "VPTU", 403),
    ("clerk_vpduk", "VPTU", 403),  # another office's clerk
    ("clerk_tttu", "VPTU", 403),
    ("auditor", "VPTU", 403),
    (None, "VPTU", 401),
])
def test_only_the_offices_clerk_may_confirm(client: Any, world: Any, ctx: Any, who: str | None,
                                             org: str, status: int) -> None:
    proposal = _proposal(client, world, seed_text())
    before = _counts(ctx)
    headers = world.auth(who) if who else {}
    r = client.post(f"/orgs/{org}/intake/confirm", headers=headers,
                    json={"proposal": proposal, "import_copies": True, "received_at": RECEIVED})
    assert r.status_code == status, r.text
    assert _counts(ctx) == before


def test_unknown_office_is_404(client: Any, world: Any) -> None:
    r = _confirm(client, world, _proposal(client, world, seed_text()), org="NOWHERE")
    assert r.status_code == 404
