"""Each certificate problem fails with its own reason, in the PDF and in the manifest."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest

from signing.ca import DevCA
from signing.identity import SigningIdentity
from signing.manifest import sign_manifest, verify_manifest
from signing.pdf_validate import validate_pdf
from signing.results import Check
from signing.trust import TrustStore
from tests.signing.conftest import T_SAO_LUC, manifest_for, sign


@dataclass
class World:
    trust: TrustStore
    good: SigningIdentity
    untrusted: SigningIdentity
    expired: SigningIdentity
    not_yet: SigningIdentity
    revoked_before: SigningIdentity
    revoked_after: SigningIdentity
    wrong_usage: SigningIdentity


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> World:
    d = tmp_path_factory.mktemp("neg")
    ca = DevCA.create(d / "ca", b"x")
    other = DevCA.create(d / "other", b"x", name="Unknown Authority")
    w = World(
        trust=TrustStore([ca.root_cert]),  # replaced once the revocations are in the CRL
        good=ca.issue_office("Văn phòng A", "a@vp.vn"),
        untrusted=other.issue_office("Văn phòng giả", "fake@vp.vn"),
        expired=ca.issue_office(
            "Văn phòng B",
            "b@vp.vn",
            not_before=datetime(2019, 1, 1, tzinfo=UTC),
            not_after=datetime(2019, 12, 31, tzinfo=UTC),
        ),
        not_yet=ca.issue_office(
            "Văn phòng C", "c@vp.vn", not_before=datetime(2021, 1, 1, tzinfo=UTC)
        ),
        revoked_before=ca.issue_office("Văn phòng D", "d@vp.vn"),
        revoked_after=ca.issue_office("Văn phòng E", "e@vp.vn"),
        wrong_usage=ca.issue_office("Văn phòng F", "f@vp.vn", key_usage=("key_encipherment",)),
    )
    ca.revoke(w.revoked_before.certificate, datetime(2020, 1, 10, tzinfo=UTC))
    ca.revoke(w.revoked_after.certificate, datetime(2021, 6, 1, tzinfo=UTC))
    w.trust = TrustStore.from_dir(ca.write_trust_dir(d / "trust"))
    return w


def _pdf_checks(world: World, ident: SigningIdentity, pdf: bytes, font: Path) -> list[Check]:
    report = validate_pdf(sign(pdf, ident, T_SAO_LUC, font), world.trust)
    (s,) = report.signatures
    assert s.intact and s.signature_valid  # the bytes are fine; only the certificate is not
    return s.checks


def _manifest_checks(world: World, ident: SigningIdentity, pdf: bytes) -> list[Check]:
    res = verify_manifest(sign_manifest(manifest_for(source_pdf=pdf), ident), world.trust)
    assert next(c for c in res.checks if c.name == "signature").ok
    return res.checks


def _get(checks: list[Check], name: str) -> Check:
    return next(c for c in checks if c.name == name)


CASES = {
    # name of identity: (failing check, words in its reason)
    "untrusted": ("certificate path", "does not chain to a configured trust root"),
    "expired": ("validity", "expired on 2019-12-31, before the signature was made on 2020-02-04"),
    "not_yet": ("validity", "was not yet valid when the signature was made on 2020-02-04"),
    "revoked_before": (
        "revocation",
        "revoked on 2020-01-10, before the signature was made on 2020-02-04",
    ),
    "wrong_usage": ("key usage", "neither digitalSignature nor nonRepudiation"),
}


def test_good_certificate_passes(world: World, source_pdf: bytes, font_path: Path) -> None:
    assert all(c.ok for c in _pdf_checks(world, world.good, source_pdf, font_path))
    assert all(c.ok for c in _manifest_checks(world, world.good, source_pdf))


@pytest.mark.parametrize("who", sorted(CASES))
def test_pdf_fails_with_own_reason(
    who: str, world: World, source_pdf: bytes, font_path: Path
) -> None:
    name, words = CASES[who]
    checks = _pdf_checks(world, getattr(world, who), source_pdf, font_path)
    check = _get(checks, name)
    assert not check.ok and words in check.reason, check
    # pyHanko, validating independently, also refuses to trust it.
    assert not _get(checks, "pyhanko trust").ok
    # Only the intended certificate check fails among ours (others may be skipped by design).
    ours = {"certificate path", "validity", "revocation", "key usage"} - {name}
    if who != "untrusted":
        assert all(_get(checks, n).ok for n in ours), checks


@pytest.mark.parametrize("who", sorted(CASES))
def test_manifest_fails_with_own_reason(who: str, world: World, source_pdf: bytes) -> None:
    name, words = CASES[who]
    checks = _manifest_checks(world, getattr(world, who), source_pdf)
    check = _get(checks, name)
    assert not check.ok and words in check.reason, check
    others = {"certificate path", "validity", "revocation", "key usage"} - {name}
    if who != "untrusted":
        assert all(_get(checks, n).ok for n in others), checks


def test_revoked_after_signing_is_valid_with_note(
    world: World, source_pdf: bytes, font_path: Path
) -> None:
    note = "revoked on 2021-06-01, after the signature was made on 2020-02-04"
    checks = _pdf_checks(world, world.revoked_after, source_pdf, font_path)
    assert all(c.ok for c in checks), checks
    assert note in _get(checks, "revocation").reason
    m_checks = _manifest_checks(world, world.revoked_after, source_pdf)
    assert all(c.ok for c in m_checks)
    assert note in _get(m_checks, "revocation").reason


def test_missing_crl_soft_fail_and_require(world: World, source_pdf: bytes) -> None:
    bare = TrustStore(world.trust.roots, world.trust.intermediates, [])
    env = sign_manifest(manifest_for(source_pdf=source_pdf), world.good)
    soft = verify_manifest(env, bare)
    assert soft.ok and "no CRL configured for" in _get(soft.checks, "revocation").reason
    strict = TrustStore(world.trust.roots, world.trust.intermediates, [], "require")
    hard = verify_manifest(env, strict)
    assert not hard.ok and "cannot be checked" in _get(hard.checks, "revocation").reason
    with pytest.raises(ValueError):
        TrustStore(world.trust.roots, revocation_mode="maybe")
