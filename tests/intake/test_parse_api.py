"""POST /intake/parse: the seed's text as JSON and as a PDF's text layer; scans, non-PDFs, auth."""

from __future__ import annotations

from typing import Any

from app.domain.intake import parse_text
from app.services.intake import DECLARED
from tests.intake.helpers import REQUIRED_KEYS, scan_pdf, seed_text, text_pdf, without_evidence


def _parse_json(client: Any, world: Any, text: str, who: str = "clerk_vptu") -> Any:
    return client.post("/intake/parse", json={"text": text}, headers=world.auth(who))


def test_seed_text_gives_the_full_proposal(client: Any, world: Any) -> None:
    r = _parse_json(client, world, seed_text())
    assert r.status_code == 200, r.text
    body = r.json()
    assert set(body) >= REQUIRED_KEYS
    assert body["number"] == 160 and body["notation"] == "160-TB/TW"
    assert body["issued_on"] == "2020-01-15" and body["place"] == "Hà Nội"
    assert body["signer"]["authority"] == "T/M BỘ CHÍNH TRỊ"
    assert body["signer"]["name"] == "Trần Quốc Vượng"
    assert body["references"] == ["62-KL/TW", "18-NQ/TW"]
    assert [(s["number"], s["date"]) for s in body["arrival_stamps"]] == [
        (565, "2020-01-29"), (952, "2020-02-11")]
    assert [c["notation"] for c in body["copies"]] == ["397-BS/VPTU", "30-SL/VPDUK"]
    assert body["copies"][0]["signature"]["signed_at"] == "2020-02-04T15:30:15+07:00"
    # Signature boxes read from text are declared, and say so.
    assert body["declared"] == DECLARED
    assert all(c["signature"]["status"] == DECLARED for c in body["copies"])
    # The register holds the issuer: TW is proposed.
    assert body["issuer_match"]["code"] == "TW"
    assert body["source"] == {"kind": "text", "pages": None}
    assert body["evidence"]["notation"] == {"line": 5, "text": "Số 160-TB/TW"}
    # The answer is the parser's proposal, nothing changed on the way.
    expected = parse_text(seed_text()).to_dict()
    for key in expected:
        if key not in ("copies", "signature"):
            assert body[key] == expected[key], key


def test_seed_as_pdf_text_layer_gives_the_same_proposal(client: Any, world: Any) -> None:
    pdf = text_pdf(seed_text())
    r = client.post("/intake/parse", files={"file": ("seed.pdf", pdf, "application/pdf")},
                    headers=world.auth("clerk_vptu"))
    assert r.status_code == 200, r.text
    from_pdf = r.json()
    assert from_pdf["source"]["kind"] == "pdf" and from_pdf["source"]["pages"] >= 2
    from_text = _parse_json(client, world, seed_text()).json()
    # Blank lines are gone from a PDF's text layer, so only the line numbers differ.
    assert without_evidence(from_pdf) == without_evidence(from_text)
    assert from_pdf["evidence"]["notation"]["text"] == "Số 160-TB/TW"


def test_text_as_a_form_field_is_read_too(client: Any, world: Any) -> None:
    for form in ({"files": {"text": (None, seed_text())}}, {"data": {"text": seed_text()}}):
        r = client.post("/intake/parse", headers=world.auth("clerk_vptu"), **form)
        assert r.status_code == 200, r.text
        assert r.json()["notation"] == "160-TB/TW"


def test_a_scan_without_text_layer_is_a_422_that_says_so(client: Any, world: Any) -> None:
    r = client.post("/intake/parse", files={"file": ("scan.pdf", scan_pdf(), "application/pdf")},
                    headers=world.auth("clerk_vptu"))
    assert r.status_code == 422
    problem = r.json()
    assert r.headers["content-type"].startswith("application/problem+json")
    assert problem["field"] == "file"
    assert "no text layer" in problem["detail"] and "OCR" in problem["detail"]


def test_a_file_that_is_not_a_pdf_is_415(client: Any, world: Any) -> None:
    r = client.post("/intake/parse",
                    files={"file": ("letter.pdf", seed_text().encode(), "application/pdf")},
                    headers=world.auth("clerk_vptu"))
    assert r.status_code == 415
    assert r.json()["field"] == "file"


def test_a_body_neither_json_nor_multipart_is_415(client: Any, world: Any) -> None:
    r = client.post("/intake/parse", content=seed_text().encode(),
                    headers={**world.auth("clerk_vptu"), "Content-Type": "text/plain"})
    assert r.status_code == 415


def test_empty_text_and_bad_json_are_422_naming_text(client: Any, world: Any) -> None:
    r = _parse_json(client, world, "   \n ")
    assert r.status_code == 422 and r.json()["field"] == "text"
    r = client.post("/intake/parse", json={"txt": "x"}, headers=world.auth("clerk_vptu"))
    assert r.status_code == 422
    r = client.post("/intake/parse", content=b"{not json",
                    headers={**world.auth("clerk_vptu"), "Content-Type": "application/json"})
    assert r.status_code == 422 and r.json()["field"] == "text"


def test_parse_needs_a_token(client: Any, world: Any) -> None:
    r = client.post("/intake/parse", json={"text": seed_text()})
    assert r.status_code == 401
    r = client.post("/intake/parse", json={"text": seed_text()},
                    headers={"Authorization": "Bearer vt_not-a-token"})
    assert r.status_code == 401


def test_unknown_issuer_has_no_match(client: Any, world: Any) -> None:
    from tests.intake.helpers import document_text

    r = _parse_json(client, world, document_text("state_cv_kinh_gui"), who="clerk_ubnd")
    assert r.status_code == 200
    assert r.json()["issuer_match"] is None


def test_text_over_the_limit_is_422(client: Any, world: Any) -> None:
    from app.services.intake import MAX_TEXT

    r = client.post("/intake/parse", files={"text": (None, "a" * (MAX_TEXT + 1))},
                    headers=world.auth("clerk_vptu"))
    assert r.status_code == 422 and r.json()["field"] == "text"


def test_openapi_describes_both_bodies(client: Any) -> None:
    spec = client.get("/openapi.json").json()
    body = spec["paths"]["/intake/parse"]["post"]["requestBody"]["content"]
    assert set(body) == {"application/json", "multipart/form-data"}
    assert "/orgs/{code}/intake/confirm" in spec["paths"]
    assert "/arrivals/{arrival_id}/declared" in spec["paths"]
