"""POST /verify: JSON and PDF reports, PDFs signed by others, and every kind of bad input."""

from __future__ import annotations

import asyncio
import json
import subprocess
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.context import AppContext
from app.services import verification
from signing.ca import DevCA
from signing.identity import SigningIdentity
from signing.manifest import sign_manifest
from signing.offline import Limits
from signing.pdf_sign import StampText, sign_pdf
from signing.timefmt import VN_TZ
from tests.conftest import World
from tests.tooling import require_tool
from tests.verification import bombs
from tests.verification.chains import Chain, source_pdf
from tests.verification.register import register_chain, trust_ca

PROBLEM = "application/problem+json"
WHEN = datetime(2021, 3, 8, 10, 0, 0, tzinfo=VN_TZ)


@pytest.fixture(scope="module")
def foreign_ca(tmp_path_factory: pytest.TempPathFactory) -> DevCA:
    return DevCA.create(tmp_path_factory.mktemp("foreign"), b"nuoc-ngoai",
                        name="Government CA of Elsewhere")


@pytest.fixture(scope="module")
def foreign_signer(foreign_ca: DevCA) -> SigningIdentity:
    return foreign_ca.issue_office("Ministry of Foreign Affairs", "mofa@elsewhere.invalid",
                                   key_type="rsa-2048")


@pytest.fixture
def api(client: TestClient, ctx: AppContext, dev_ca: DevCA, foreign_ca: DevCA) -> TestClient:
    trust_ca(ctx, dev_ca, foreign_ca)
    return client


def post(api: TestClient, world: World, pdf: bytes, manifest: bytes | None = None,
         **params: str) -> Any:
    files: dict[str, Any] = {"file": ("copy.pdf", pdf, "application/pdf")}
    if manifest is not None:
        files["manifest"] = ("copy.manifest.json", manifest, "application/json")
    return api.post("/verify", files=files, params=params, headers=world.auth("clerk_tttu"))


def foreign_pdf(signer: SigningIdentity, manifest_sha256: str | None = None) -> bytes:
    """A PDF signed by someone else's software: no copy block, maybe a manifest digest."""
    return sign_pdf(source_pdf(("NOTE VERBALE", "No. 77/NV")), signer, signed_at=WHEN,
                    appearance=StampText([("Signed by", "Ministry of Foreign Affairs")]),
                    box=(300.0, 60.0, 560.0, 120.0), manifest_sha256=manifest_sha256,
                    reason="Approval")


def test_needs_authentication(api: TestClient, chain3: Chain) -> None:
    r = api.post("/verify", files={"file": ("c.pdf", chain3.top, "application/pdf")})
    assert r.status_code == 401 and r.headers["content-type"] == PROBLEM


def test_chain_upload_json(api: TestClient, world: World, ctx: AppContext, chain3: Chain) -> None:
    register_chain(ctx, chain3, world.user_ids["clerk_vptu"])
    r = post(api, world, chain3.top)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["verdict"] == "VALID" and body["chain"] == chain3.expected_path
    assert body["unmatched"] == []
    assert [ln["register_entry"]["by"] for ln in body["links"]] == ["pdf digest"] * 3 + ["file digest"]
    assert body["links"][2]["signed_at"] == "2020-02-04T15:30:15+07:00"
    assert body["links"][2]["serial"] == format(
        chain3.identities["VPTU"].certificate.serial_number, "x")


def test_chain_upload_pdf_report(api: TestClient, world: World, chain3: Chain,
                                 tmp_path: Path) -> None:
    r = post(api, world, chain3.top, format="pdf")
    assert r.status_code == 200 and r.headers["content-type"] == "application/pdf"
    path = tmp_path / "report.pdf"
    path.write_bytes(r.content)
    text = subprocess.run([require_tool("pdftotext"), "-layout", str(path), "-"],
                          capture_output=True, text=True, check=True).stdout
    assert "KẾT LUẬN: ĐẠT" in text
    for notation in chain3.expected_path:
        assert notation in text
    assert "Toàn vẹn" in text and "không có trong sổ đăng ký" in text


def test_pdf_signed_by_a_foreign_ca_in_the_trust_folder(
    api: TestClient, world: World, foreign_signer: SigningIdentity
) -> None:
    r = post(api, world, foreign_pdf(foreign_signer))
    assert r.status_code == 200
    body = r.json()
    assert body["verdict"] == "VALID", body["reasons"]
    (link,) = body["links"]
    assert link["subject"].endswith("CN=Ministry of Foreign Affairs,O=Ministry of Foreign Affairs,C=VN")
    assert link["office"] == "Ministry of Foreign Affairs"
    assert "Government CA of Elsewhere Root CA" in {c["name"]: c["reason"] for c in link["checks"]}[
        "certificate path"]
    assert body["unmatched"] == [f"link 0 (sha256 {body['sha256']}): not in the register, "
                                 "neither by digest nor by notation"]


def test_untrusted_signer_is_reported_invalid(api: TestClient, world: World,
                                              tmp_path: Path) -> None:
    stranger = DevCA.create(tmp_path / "ca", b"la", name="Nobody Trusts Me")
    body = post(api, world, foreign_pdf(stranger.issue_office("Unknown", "x@y.invalid"))).json()
    assert body["verdict"] == "INVALID"
    assert any("certificate path" in reason for reason in body["reasons"])


def test_manifest_uploaded_beside_the_pdf(api: TestClient, world: World, chain3: Chain,
                                          foreign_signer: SigningIdentity, foreign_ca: DevCA) -> None:
    m = chain3.manifests[0].manifest | {"notation": "77/NV", "signed_at": WHEN.isoformat()}
    m["office"] = {"code": "MOFA", "name": "Ministry of Foreign Affairs",
                   "email": "mofa@elsewhere.invalid"}
    env = sign_manifest(m, foreign_signer)
    pdf = foreign_pdf(foreign_signer, env.sha256)
    without = post(api, world, pdf).json()
    assert "manifest" not in {c["name"] for c in without["links"][0]["checks"]}
    body = post(api, world, pdf, env.to_json()).json()
    checks = {c["name"]: c for c in body["links"][0]["checks"]}
    assert checks["manifest"]["ok"] and checks["manifest binding"]["ok"]
    assert body["links"][0]["notation"] == "77/NV"
    # The manifest names 160-TB/TW's digest as its source, which this PDF does not carry.
    assert not checks["parent link"]["ok"] and body["verdict"] == "INVALID"
    bad = post(api, world, pdf, b'{"format": "something else"}')
    assert bad.status_code == 422 and bad.json()["field"] == "manifest"


def test_pdf_without_signature_is_a_200_unsigned_report(api: TestClient, world: World) -> None:
    r = post(api, world, source_pdf())
    assert r.status_code == 200
    body = r.json()
    assert body["verdict"] == "UNSIGNED" and body["ok"] is False
    assert "no digital signature" in body["summary"]


@pytest.mark.parametrize(("make", "status", "slug", "words"), [
    (lambda top: b"PK\x03\x04 a zip file", 415, "unsupported-media-type", "not a PDF"),
    (lambda top: b"", 415, "unsupported-media-type", "empty"),
    (lambda top: top[: len(top) // 2], 422, "damaged-pdf", "truncated"),
    (lambda top: bombs.attachment_bomb(), 422, "pdf-too-complex", "PdfDecodeLimitError"),
    (lambda top: bombs.object_stream_bomb(), 422, "pdf-too-complex", "PdfDecodeLimitError"),
    (lambda top: bombs.deep_nesting(), 422, "pdf-too-complex", "RecursionError"),
])
def test_bad_input_gets_a_clear_4xx(api: TestClient, world: World, chain3: Chain, make: Any,
                                    status: int, slug: str, words: str) -> None:
    r = post(api, world, make(chain3.top))
    assert r.status_code == status, r.text
    assert r.headers["content-type"] == PROBLEM
    problem = r.json()
    assert problem["type"].endswith("/" + slug) and problem["field"] == "file"
    assert words in problem["detail"]


def test_object_count_and_time_are_bounded(api: TestClient, world: World, chain3: Chain,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(verification, "DEFAULT_BUDGET",
                        verification.Budget(limits=Limits(max_objects=1000)))
    r = post(api, world, bombs.many_objects(2000))
    assert r.status_code == 422 and "2003 objects; at most 1000" in r.json()["detail"]
    monkeypatch.setattr(verification, "DEFAULT_BUDGET", verification.Budget(seconds=0.01))
    r = post(api, world, chain3.top)
    assert r.status_code == 422 and "did not finish within" in r.json()["detail"]


def _asgi_post(app: Any, headers: list[tuple[bytes, bytes]], total: int) -> tuple[int, dict[str, Any], int]:
    """POST `total` bytes to the ASGI app in 1 MiB chunks made on demand; return the status, the
    body and how many bytes the app pulled before answering."""
    head = (b'--xyz\r\nContent-Disposition: form-data; name="file"; filename="big.pdf"\r\n'
            b"Content-Type: application/pdf\r\n\r\n%PDF-1.7\n")
    chunk = b"\0" * (1024 * 1024)
    sent = 0
    out: dict[str, Any] = {"body": b""}

    async def receive() -> dict[str, Any]:
        nonlocal sent
        if sent >= total:
            return {"type": "http.disconnect"}
        part = head + chunk[len(head):] if sent == 0 else chunk
        sent += len(part)
        return {"type": "http.request", "body": part, "more_body": sent < total}

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            out["status"] = message["status"]
        elif message["type"] == "http.response.body":
            out["body"] += message.get("body", b"")

    scope = {"type": "http", "method": "POST", "path": "/verify", "raw_path": b"/verify",
             "query_string": b"", "headers": headers, "scheme": "http", "http_version": "1.1",
             "server": ("test", 80), "client": ("test", 1), "root_path": "", "asgi": {"version": "3.0"}}
    asyncio.run(app(scope, receive, send))
    return out["status"], json.loads(out["body"]), sent


def test_a_200_mb_upload_is_refused_with_413_unread(api: TestClient, world: World) -> None:
    total = 200 * 1024 * 1024
    auth = [(b"authorization", world.auth("clerk_tttu")["Authorization"].encode())]
    ctype = [(b"content-type", b"multipart/form-data; boundary=xyz")]
    status, body, pulled = _asgi_post(api.app, [*auth, *ctype,
                                                (b"content-length", str(total).encode())], total)
    assert status == 413 and body["status"] == 413 and pulled == 0
    # No declared length (chunked): refused once the limit is passed, the rest never read.
    status, body, pulled = _asgi_post(api.app, [*auth, *ctype], total)
    assert status == 413 and "larger than" in body["detail"], body
    assert pulled <= api.app.state.ctx.settings.max_upload_bytes + 2 * 1024 * 1024


def test_a_secret_document_is_not_named_to_a_caller_without_clearance(
        api: TestClient, world: World, ctx: AppContext, chain3: Chain) -> None:
    """clerk_tttu (no clearance) uploads a chain whose original the register holds as MẬT: the
    verdict stands, but no register entry of that document or its copies is named."""
    register_chain(ctx, chain3, world.user_ids["clerk_vptu"])
    with ctx.unit_of_work() as work:
        from app.db import Document
        for doc in work.session.query(Document).all():
            doc.confidentiality = "MAT"
    body = post(api, world, chain3.top).json()
    assert body["verdict"] == "VALID"
    assert all(ln["register_entry"]["found"] is False for ln in body["links"])
    for link in body["links"]:
        entry = link["register_entry"]
        assert (entry["id"], entry["organisation"], entry["notation"]) == (None, None, None)
    cleared = api.post("/verify", files={"file": ("c.pdf", chain3.top, "application/pdf")},
                       headers=world.auth("clerk_vptu")).json()
    assert [ln["register_entry"]["by"] for ln in cleared["links"]] == \
        ["pdf digest"] * 3 + ["file digest"]
