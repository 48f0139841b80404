"""A copy whose office certificate names an OCSP responder (VANTHU_DEV_OCSP_URL) is checked
for revocation there: the JSON report, the plain-words report and the auditor's PDF report
say that OCSP answered; a revocation the responder knows fails the copy; a responder that is
down leaves the CRL to answer (prefer), and `ignore` asks nobody."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from cryptography import x509
from pyhanko.pdf_utils.reader import PdfFileReader

from app.services.verification import verify_copy
from signing import RevocationSource, Status
from tests.factories import issue_first_copy
from tests.ocsp import OcspResponder, local_ocsp
from tests.pdfs import pdftotext_pages, squash


@pytest.fixture
def responder(ctx: Any) -> Iterator[OcspResponder]:
    with local_ocsp(ctx.keys.dev_ca()) as r:
        ctx.keys.dev_ocsp_url = r.url
        yield r


def _issue(client: Any, world: Any, ctx: Any, responder: OcspResponder) -> dict[str, Any]:
    _, copy = issue_first_copy(client, world, ctx)
    pdf = ctx.store.get(copy["pdf_sha256"])
    (sig,) = list(PdfFileReader(BytesIO(pdf)).embedded_signatures)
    cert = x509.load_der_x509_certificate(sig.signer_cert.dump())
    assert responder.url in str(cert.extensions.get_extension_for_class(
        x509.AuthorityInformationAccess).value)
    responder.add(cert)
    copy["certificate"] = cert
    return copy


def test_ocsp_answers_and_every_report_says_so(client: Any, world: Any, ctx: Any,
                                               responder: OcspResponder, tmp_path: Path) -> None:
    copy = _issue(client, world, ctx, responder)
    report = verify_copy(ctx, copy["id"]).report
    assert report.verdict == "VALID", report.reasons
    revocation = report.links[0].check("revocation")
    assert revocation.status is Status.PASSED
    assert revocation.answers[0].source is RevocationSource.OCSP
    assert f"answered by: OCSP {responder.url} (for " in report.text()
    body = client.get(f"/copies/{copy['id']}/verification", headers=world.auth("auditor")).json()
    check = next(c for c in body["links"][0]["checks"] if c["name"] == "revocation")
    assert check["sources"][0]["source"] == "OCSP" and check["sources"][0]["where"] == responder.url
    assert check["sources"][1]["source"] == "CRL"  # the intermediate, by the root's CRL
    pdf = client.get(f"/copies/{copy['id']}/verification?format=pdf",
                     headers=world.auth("auditor")).content
    text = squash(" ".join(pdftotext_pages(pdf, tmp_path)))
    assert f"Nguồn trả lời thu hồi: OCSP {responder.url}" in text, text


def test_a_revocation_only_the_responder_knows_fails_the_copy(
        client: Any, world: Any, ctx: Any, responder: OcspResponder) -> None:
    copy = _issue(client, world, ctx, responder)
    responder.revoke(copy["certificate"], datetime(2020, 1, 10, tzinfo=UTC))
    report = verify_copy(ctx, copy["id"]).report
    assert report.verdict == "INVALID"
    revocation = report.links[0].check("revocation")
    assert revocation.status is Status.FAILED
    assert f"(answered by OCSP {responder.url})" in revocation.reason


def test_responder_down_prefer_falls_back_to_the_crl_and_ignore_asks_nobody(
        client: Any, world: Any, ctx: Any, responder: OcspResponder) -> None:
    copy = _issue(client, world, ctx, responder)
    responder.revoke(copy["certificate"], datetime(2020, 1, 10, tzinfo=UTC))
    responder.stop()
    report = verify_copy(ctx, copy["id"]).report
    revocation = report.links[0].check("revocation")
    assert report.verdict == "VALID" and revocation.status is Status.PASSED
    assert revocation.answers[0].source is RevocationSource.CRL
    ctx.keys.revocation_policy = "ignore"
    ignored = verify_copy(ctx, copy["id"]).report.links[0].check("revocation")
    assert ignored.status is Status.NOT_CHECKED and ignored.answers == ()
