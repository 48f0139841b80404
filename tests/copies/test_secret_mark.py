"""A copy of a secret document carries its độ mật mark on the copy block and in the signed
manifest; an ordinary copy carries neither."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.factories import (
    APPROVE_VPTU,
    SIGNED_1,
    arrive_with_pdf,
    ask_and_approve,
    issue_first_copy,
)
from tests.pdfs import pdfsig_report, pdftotext_pages, signature_page
from tests.render.conftest import Poppler


def issue_secret_copy(client: Any, world: Any, ctx: Any) -> dict[str, Any]:
    arrival = arrive_with_pdf(client, world, notation="9-TB/TW", confidentiality="MAT")
    return ask_and_approve(client, world, ctx, asker="clerk_vptu", org="VPTU",
                           approver="head_vptu", approval=APPROVE_VPTU, signed_at=SIGNED_1,
                           document_id=arrival["document"]["id"])


def manifest_of(client: Any, world: Any, ctx: Any, copy: dict[str, Any],
                who: str) -> dict[str, Any]:
    from signing.manifest import verify_manifest

    r = client.get(copy["manifest_url"], headers=world.auth(who))
    assert r.status_code == 200, r.text
    checked = verify_manifest(r.content, ctx.keys.trust_store())
    assert checked.ok, [c.to_dict() for c in checked.checks]
    assert checked.manifest is not None
    return checked.manifest


def test_a_secret_copy_shows_its_mark_under_the_number_and_names_it_in_the_manifest(
        client: Any, world: Any, ctx: Any, tmp_path: Path) -> None:
    from signing.chain import verify_chain
    from signing.pdf_validate import validate_pdf

    copy = issue_secret_copy(client, world, ctx)
    assert copy["notation"] == "01-BS/VPTU"
    pdf = client.get(copy["pdf_url"], headers=world.auth("head_vptu")).content

    pages = pdftotext_pages(pdf, tmp_path)
    assert len(pages) == 2  # the source's 2 pages, the copy block under the last one's text
    assert "MẬT" not in pages[0]
    block = pages[1].partition("TỈNH ỦY ĐẮK NÔNG")[2]
    assert block.count("MẬT") == 1, block
    # laid out as printed, the mark is the line under the number line
    poppler = Poppler(tmp_path)
    layout = [ln.strip() for ln in poppler.pages_text(pdf, "-layout")[1].splitlines()
              if ln.strip()]
    at = next(n for n, ln in enumerate(layout) if ln.startswith("Số 01-BS/VPTU"))
    assert layout[at + 1] == "MẬT", layout

    # on the page: just under the number, in the left column, centred with it
    words = poppler.words(pdf, page=2)
    number = [w for w in words if w.text == "01-BS/VPTU"]
    mark = [w for w in words if w.text == "MẬT"]
    assert len(number) == 1 and len(mark) == 1
    assert 0 < number[0].y1 - mark[0].y2 < 15
    sign_word = next(w for w in words if w.text == "Số")
    assert abs((mark[0].x1 + mark[0].x2) / 2 - (sign_word.x1 + number[0].x2) / 2) < 3

    manifest = manifest_of(client, world, ctx, copy, "head_vptu")
    assert manifest["confidentiality"] == "MAT"
    assert manifest["notation"] == "01-BS/VPTU" and manifest["document"] == "09-TB/TW"  # canonical

    # the signed PDF and the chain validate, the signature on the block page
    assert signature_page(pdf) == 1
    report = validate_pdf(pdf, ctx.keys.trust_store())
    assert report.error is None and [s.ok for s in report.signatures] == [True]
    out = pdfsig_report(pdf, ctx.keys.trust_store().roots, tmp_path)
    assert "Signature is Valid." in out and "Certificate is Trusted." in out, out
    assert "Total document signed" in out, out
    envelope = client.get(copy["manifest_url"], headers=world.auth("head_vptu")).content
    chain = verify_chain(pdf, ctx.keys.trust_store(), manifest=envelope)
    assert chain.ok, chain.reasons
    verdict = client.get(f"/copies/{copy['id']}/verification", headers=world.auth("auditor"))
    assert verdict.status_code == 200 and verdict.json()["verdict"] == "VALID", verdict.text


def test_an_ordinary_copy_has_no_mark_and_no_confidentiality_in_its_manifest(
        client: Any, world: Any, ctx: Any, tmp_path: Path) -> None:
    _, copy = issue_first_copy(client, world, ctx)
    pdf = client.get(copy["pdf_url"], headers=world.auth("clerk_vptu")).content
    pages = pdftotext_pages(pdf, tmp_path)
    assert "Số 01-BS/VPTU" in pages[-1]
    assert not any("MẬT" in page for page in pages), pages
    manifest = manifest_of(client, world, ctx, copy, "clerk_vptu")
    assert "confidentiality" not in manifest
    assert set(manifest) == {"version", "kind", "notation", "office", "place", "date", "signer",
                             "signed_at", "recipients", "source", "parent_manifest_sha256",
                             "pages", "document"}
