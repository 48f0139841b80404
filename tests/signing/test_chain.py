"""A copy of a copy of a copy: every signature stays valid, and each broken link is named."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from io import BytesIO
from pathlib import Path

import pytest
from pyhanko.pdf_utils.reader import PdfFileReader

from signing.ca import DevCA
from signing.chain import ParentRef, ParentResolver, ResolvedParent, verify_chain
from signing.identity import SigningIdentity
from signing.manifest import SignedManifest, sign_manifest
from signing.pdf_sign import embed_parent
from signing.pdf_validate import list_attachments
from signing.results import CheckCode, Status
from signing.trust import TrustStore
from tests.signing.conftest import (
    T_ORIGINAL,
    T_SAO_LUC,
    T_SAO_LUC_2,
    T_THIRD,
    make_pdf,
    manifest_for,
    pdfsig,
    sign,
)


@dataclass
class Link:
    pdf: bytes
    manifest: SignedManifest | None


def make_copy(
    parent: bytes,
    parent_manifest: SignedManifest | None,
    ident: SigningIdentity,
    when: datetime,
    notation: str,
    font: Path,
    *,
    attach: bytes | None = None,
    attested: bytes | None = None,
) -> Link:
    """Render a copy page, attach the parent (or `attach`), sign manifest and PDF."""
    body = make_pdf(["SAO LỤC", f"Số {notation}", "Nơi nhận: Lưu VT."])
    body = embed_parent(
        body,
        attach if attach is not None else parent,
        f"nguon-{notation.replace('/', '-')}.pdf",
        f"Văn bản nguồn của {notation}",
    )
    m = manifest_for(
        notation=notation,
        signed_at=when,
        source_pdf=attested if attested is not None else parent,
        source_notation="160-TB/TW"
        if parent_manifest is None
        else parent_manifest.manifest["notation"],
        source_kind="original" if parent_manifest is None else "copy",
        parent_manifest_sha256=parent_manifest.sha256 if parent_manifest else None,
    )
    env = sign_manifest(m, ident)
    return Link(sign(body, ident, when, font, manifest_sha256=env.sha256), env)


@pytest.fixture(scope="module")
def chain(
    central_office: SigningIdentity,
    office: SigningIdentity,
    office_rsa: SigningIdentity,
    source_pdf: bytes,
    font_path: Path,
) -> list[Link]:
    original = Link(sign(source_pdf, central_office, T_ORIGINAL, font_path), None)
    c1 = make_copy(original.pdf, None, office, T_SAO_LUC, "397-BS/VPTU", font_path)
    c2 = make_copy(c1.pdf, c1.manifest, office_rsa, T_SAO_LUC_2, "30-SL/VPDUK", font_path)
    c3 = make_copy(c2.pdf, c2.manifest, office, T_THIRD, "41-BS/VPTU", font_path)
    return [original, c1, c2, c3]


def resolver(links: list[Link]) -> tuple[list[ParentRef], ParentResolver]:
    asked: list[ParentRef] = []
    by_digest = {ln.manifest.sha256: ln.manifest for ln in links if ln.manifest}

    def resolve(ref: ParentRef) -> ResolvedParent | None:
        asked.append(ref)
        if ref.manifest_sha256 is None:
            return None
        return ResolvedParent(pdf=None, manifest=by_digest.get(ref.manifest_sha256))

    return asked, resolve


EXPECTED_COPY_CHECKS = {
    "integrity",
    "signature",
    "modification",
    "pyhanko trust",
    "certificate path",
    "validity",
    "revocation",
    "key usage",
    "manifest",
    "manifest binding",
    "signing time",
    "parent link",
    "time order",
}


def test_depth_three_chain_all_valid(chain: list[Link], trust: TrustStore) -> None:
    asked, resolve = resolver(chain)
    report = verify_chain(chain[3].pdf, trust, resolve, chain[3].manifest)
    assert report.ok and report.verdict == "VALID", report.reasons
    assert [ln.notation for ln in report.links] == [
        "41-BS/VPTU",
        "30-SL/VPDUK",
        "397-BS/VPTU",
        "160-TB/TW",  # the original has no manifest: named as its child names its source
    ]
    assert [ln.role for ln in report.links] == ["copy", "copy", "copy", "original"]
    assert [ln.signed_at for ln in report.links] == [
        "2020-03-02T08:15:00+07:00",
        "2020-02-06T14:00:23+07:00",
        "2020-02-04T15:30:15+07:00",
        "2020-01-15T09:00:00+07:00",
    ]
    for link in report.links[:3]:
        assert {c.name for c in link.checks} >= EXPECTED_COPY_CHECKS, link.checks
    assert {"digest", "manifest link"} <= {c.name for c in report.links[1].checks}
    assert "digest" in {c.name for c in report.links[3].checks}
    digests = [ln.manifest.sha256 if ln.manifest else None for ln in chain]
    assert [r.manifest_sha256 for r in asked] == [digests[2], digests[1], None]
    assert json.loads(json.dumps(report.to_dict()))["verdict"] == "VALID"


@pytest.mark.tools
def test_pdfsig_accepts_every_level(chain: list[Link], nss_dir: Path, tmp_path: Path) -> None:
    pdf = chain[3].pdf
    seen = 0
    while True:
        out = pdfsig(pdf, nss_dir, tmp_path)
        assert "Signature is Valid." in out and "Certificate is Trusted." in out, out
        assert "Total document signed" in out
        seen += 1
        parents = list_attachments(PdfFileReader(BytesIO(pdf), strict=False))
        if not parents:
            break
        (parent,) = parents
        pdf = parent.data
    assert seen == 4 and pdf == chain[0].pdf


def test_walk_without_manifests_follows_attachments(chain: list[Link], trust: TrustStore) -> None:
    report = verify_chain(chain[3].pdf, trust)
    assert report.ok, report.reasons
    assert len(report.links) == 4
    assert "not cross-checked" in report.links[0].check("parent link").reason
    # Nothing attests the attached parent: the link is not checked, which is not a pass.
    assert report.links[0].check("parent link").status is Status.NOT_CHECKED


def _flip_content(pdf: bytes) -> bytes:
    pos = pdf.index(b"/MediaBox") + 2
    return pdf[:pos] + bytes([pdf[pos] ^ 0x20]) + pdf[pos + 1 :]


def test_flipped_byte_in_embedded_parent(
    chain: list[Link], office: SigningIdentity, trust: TrustStore, font_path: Path
) -> None:
    broken_parent = _flip_content(chain[2].pdf)
    # The new copy attests the real parent's digest but carries a damaged file.
    c = make_copy(
        chain[2].pdf,
        chain[2].manifest,
        office,
        T_THIRD,
        "42-BS/VPTU",
        font_path,
        attach=broken_parent,
    )
    report = verify_chain(c.pdf, trust, None, c.manifest)
    assert not report.ok
    link0 = report.links[0]
    assert link0.check("integrity").ok and link0.check("manifest").ok
    assert not link0.check("parent link").ok
    assert "not found" in link0.check("parent link").reason
    # Same damage, but the copy attests the damaged bytes: the parent's own signature fails.
    c2 = make_copy(
        chain[2].pdf,
        chain[2].manifest,
        office,
        T_THIRD,
        "43-BS/VPTU",
        font_path,
        attach=broken_parent,
        attested=broken_parent,
    )
    report2 = verify_chain(c2.pdf, trust, None, c2.manifest)
    assert report2.links[0].ok
    parent = report2.links[1]
    assert not parent.check("integrity").ok
    assert "changed after signing" in parent.check("integrity").reason
    assert any("link 1 (" in r and "integrity" in r for r in report2.reasons)


def test_resolver_supplies_missing_parent_and_mismatch_is_named(
    chain: list[Link], office: SigningIdentity, trust: TrustStore, font_path: Path
) -> None:
    c = make_copy(
        chain[2].pdf,
        chain[2].manifest,
        office,
        T_THIRD,
        "44-BS/VPTU",
        font_path,
        attach=make_pdf(["không liên quan"]),
    )
    wrong = make_pdf(["giả"])
    rep = verify_chain(c.pdf, trust, lambda ref: ResolvedParent(pdf=wrong), c.manifest)
    reason = rep.links[0].check("parent link").reason
    assert not rep.ok and "supplied by the resolver has sha256" in reason
    ok = verify_chain(c.pdf, trust, lambda ref: ResolvedParent(pdf=chain[2].pdf), c.manifest)
    assert ok.links[0].check("parent link").ok and len(ok.links) == 4


def test_flipped_byte_in_copy_and_in_manifest(chain: list[Link], trust: TrustStore) -> None:
    env = chain[3].manifest
    assert env is not None
    rep = verify_chain(_flip_content(chain[3].pdf), trust, None, env)
    assert not rep.links[0].check("integrity").ok
    raw = bytearray(env.manifest_bytes)
    raw[raw.index(b"41-BS") + 1] ^= 0x01
    bad = SignedManifest(
        bytes(raw), env.signature, env.signature_algorithm, env.certificates_pem, env.signed_at
    )
    rep2 = verify_chain(chain[3].pdf, trust, None, bad)
    link0 = rep2.links[0]
    assert not link0.check("manifest").ok and "signature" in link0.check("manifest").reason
    assert not link0.check("manifest binding").ok
    assert link0.check("integrity").ok


def test_child_signed_before_parent_fails_time_order(
    chain: list[Link], office: SigningIdentity, trust: TrustStore, font_path: Path
) -> None:
    early = datetime(2020, 2, 5, 9, 0, 0, tzinfo=T_ORIGINAL.tzinfo)
    c = make_copy(chain[2].pdf, chain[2].manifest, office, early, "45-BS/VPTU", font_path)
    rep = verify_chain(c.pdf, trust, None, c.manifest)
    check = rep.links[0].check("time order")
    assert not check.ok and "before its source (2020-02-06T14:00:23+07:00)" in check.reason


def test_unsigned_original_is_accepted_by_digest(
    office: SigningIdentity, trust: TrustStore, source_pdf: bytes, font_path: Path
) -> None:
    c = make_copy(source_pdf, None, office, T_SAO_LUC, "397-BS/VPTU", font_path)
    rep = verify_chain(c.pdf, trust, None, c.manifest)
    assert rep.ok, rep.reasons
    assert "carries no digital signature" in rep.links[1].check("signature").reason
    assert rep.links[1].check("digest").ok
    assert rep.links[1].check("signature").status is Status.NOT_CHECKED
    assert rep.links[1].check("digest").status is Status.PASSED
    assert rep.links[1].to_dict()["checks"][1]["status"] == "not_checked"


def test_revocation_without_a_crl_is_not_checked(
    dev_ca: DevCA, office: SigningIdentity, trust: TrustStore, source_pdf: bytes, font_path: Path
) -> None:
    """No CRL configured: soft-fail does not fail the signature, but neither does it pass the
    revocation check; `require` fails it; with the CRLs it passes."""
    c = make_copy(source_pdf, None, office, T_SAO_LUC, "397-BS/VPTU", font_path)
    roots, inters = [dev_ca.root_cert], [dev_ca.intermediate_cert]
    soft = verify_chain(c.pdf, TrustStore(roots, inters, [], "soft-fail"), None, c.manifest)
    revocation = soft.links[0].check(CheckCode.REVOCATION)
    assert soft.ok, soft.reasons
    assert revocation.status is Status.NOT_CHECKED and revocation.ok
    assert "no CRL configured for" in revocation.reason
    strict = verify_chain(c.pdf, TrustStore(roots, inters, [], "require"), None, c.manifest)
    assert not strict.ok
    assert strict.links[0].check(CheckCode.REVOCATION).status is Status.FAILED
    with_crls = verify_chain(c.pdf, trust, None, c.manifest)
    assert with_crls.links[0].check(CheckCode.REVOCATION).status is Status.PASSED
