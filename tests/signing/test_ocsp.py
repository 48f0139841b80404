"""Revocation by OCSP against a real `openssl ocsp` responder, in the manifest checks and in
the PDF signature checks, under each revocation policy; the check names the source."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.x509 import ocsp

from signing import DevCA, RevocationSource, SigningIdentity, Status, TrustStore
from signing.manifest import sign_manifest, verify_manifest
from signing.ocsp import read_response
from signing.pdf_validate import validate_pdf
from signing.results import Check
from tests.ocsp import OcspResponder, local_ocsp
from tests.signing.conftest import T_SAO_LUC, manifest_for, sign


@pytest.fixture(scope="module")
def ca(tmp_path_factory: pytest.TempPathFactory) -> DevCA:
    return DevCA.create(tmp_path_factory.mktemp("ocsp") / "ca", b"x")


@pytest.fixture
def responder(ca: DevCA) -> Iterator[OcspResponder]:
    with local_ocsp(ca) as r:
        yield r


def _store(ca: DevCA, policy: str, *, intermediate_crl: bool = True) -> TrustStore:
    """The CA's roots, with the root's CRL (for the intermediate) and, unless told otherwise,
    the intermediate's CRL (for the office certificate)."""
    crls = [ca.crl("root"), *([ca.crl("intermediate")] if intermediate_crl else [])]
    return TrustStore([ca.root_cert], [ca.intermediate_cert], crls, policy)


def _office(ca: DevCA, responder: OcspResponder, name: str = "Văn phòng OCSP") -> SigningIdentity:
    ident = ca.issue_office(name, "ocsp@vp.vn", ocsp_url=responder.url)
    responder.add(ident.certificate)
    return ident


def _manifest_revocation(ident: SigningIdentity, trust: TrustStore, pdf: bytes) -> Check:
    res = verify_manifest(sign_manifest(manifest_for(source_pdf=pdf), ident), trust)
    return next(c for c in res.checks if c.name == "revocation")


def _pdf_checks(ident: SigningIdentity, trust: TrustStore, pdf: bytes,
                font: Path) -> list[Check]:
    (sig,) = validate_pdf(sign(pdf, ident, T_SAO_LUC, font), trust).signatures
    return sig.checks


def _get(checks: list[Check], name: str) -> Check:
    return next(c for c in checks if c.name == name)


def test_a_good_certificate_passes_by_ocsp(ca: DevCA, responder: OcspResponder,
                                           source_pdf: bytes, font_path: Path) -> None:
    ident = _office(ca, responder)
    check = _manifest_revocation(ident, _store(ca, "prefer"), source_pdf)
    assert check.status is Status.PASSED, check
    leaf = check.answers[0]
    assert (leaf.source, leaf.where, leaf.revoked) == (RevocationSource.OCSP, responder.url, False)
    assert f"OCSP {responder.url}" in check.reason
    # the intermediate has no responder: the root's CRL answers for it
    assert check.answers[1].source is RevocationSource.CRL
    assert check.to_dict()["sources"][0] == {"source": "OCSP", "where": responder.url,
                                             "certificate": "Văn phòng OCSP", "revoked": False}
    checks = _pdf_checks(ident, _store(ca, "require"), source_pdf, font_path)
    assert all(c.ok for c in checks), checks
    assert _get(checks, "revocation").answers[0].source is RevocationSource.OCSP


def test_revoked_through_the_responder_fails_and_says_ocsp(
        ca: DevCA, responder: OcspResponder, source_pdf: bytes, font_path: Path) -> None:
    ident = _office(ca, responder, "Văn phòng thu hồi")
    responder.revoke(ident.certificate, datetime(2020, 1, 10, tzinfo=UTC))
    # the CRL does not list it: only the responder knows
    check = _manifest_revocation(ident, _store(ca, "prefer"), source_pdf)
    assert check.status is Status.FAILED
    assert ("revoked on 2020-01-10, before the signature was made on 2020-02-04 "
            f"(answered by OCSP {responder.url})") in check.reason
    assert check.answers[0].revoked and check.answers[0].source is RevocationSource.OCSP
    checks = _pdf_checks(ident, _store(ca, "prefer"), source_pdf, font_path)
    revocation = _get(checks, "revocation")
    assert revocation.status is Status.FAILED and f"OCSP {responder.url}" in revocation.reason


def test_revoked_after_signing_by_ocsp_stays_valid(
        ca: DevCA, responder: OcspResponder, source_pdf: bytes) -> None:
    ident = _office(ca, responder, "Văn phòng sau")
    responder.revoke(ident.certificate, datetime(2021, 6, 1, tzinfo=UTC))
    check = _manifest_revocation(ident, _store(ca, "require"), source_pdf)
    assert check.status is Status.PASSED
    assert "revoked on 2021-06-01, after the signature was made on 2020-02-04" in check.reason


def test_responder_down(ca: DevCA, responder: OcspResponder, source_pdf: bytes,
                        font_path: Path) -> None:
    ident = _office(ca, responder, "Văn phòng mất kết nối")
    responder.stop()
    # require, and no CRL for the office certificate: no definite answer, so it fails
    strict = _manifest_revocation(ident, _store(ca, "require", intermediate_crl=False),
                                  source_pdf)
    assert strict.status is Status.FAILED
    assert f"OCSP {responder.url}: the responder does not answer" in strict.reason
    pdf_strict = _get(_pdf_checks(ident, _store(ca, "require", intermediate_crl=False),
                                  source_pdf, font_path), "revocation")
    assert pdf_strict.status is Status.FAILED
    # prefer: the intermediate's CRL answers instead
    fallback = _manifest_revocation(ident, _store(ca, "prefer"), source_pdf)
    assert fallback.status is Status.PASSED
    assert fallback.answers[0].source is RevocationSource.CRL
    assert "Intermediate CA" in fallback.answers[0].where
    pdf_fallback = _get(_pdf_checks(ident, _store(ca, "prefer"), source_pdf, font_path),
                        "revocation")
    assert pdf_fallback.status is Status.PASSED
    assert pdf_fallback.answers[0].source is RevocationSource.CRL
    # prefer with no answer at all: not checked (and not a failure)
    none = _manifest_revocation(ident, _store(ca, "prefer", intermediate_crl=False), source_pdf)
    assert none.status is Status.NOT_CHECKED and none.ok


def test_ignore_asks_nothing(ca: DevCA, responder: OcspResponder, source_pdf: bytes,
                             font_path: Path) -> None:
    ident = _office(ca, responder, "Văn phòng bỏ qua")
    responder.revoke(ident.certificate, datetime(2020, 1, 10, tzinfo=UTC))
    trust = _store(ca, "ignore")
    check = _manifest_revocation(ident, trust, source_pdf)
    assert check.status is Status.NOT_CHECKED and check.answers == ()
    assert "'ignore'" in check.reason
    pdf_check = _get(_pdf_checks(ident, trust, source_pdf, font_path), "revocation")
    assert pdf_check.status is Status.NOT_CHECKED
    assert trust.ocsp_responses() == []  # the responder was never asked


def test_soft_fail_is_the_former_name_of_prefer(ca: DevCA) -> None:
    assert TrustStore([ca.root_cert], revocation_mode="soft-fail").revocation_mode == "prefer"


def _response(ca: DevCA, cert: x509.Certificate, signer_key: object,
              signer_cert: x509.Certificate) -> bytes:
    now = datetime.now(UTC)
    built = (ocsp.OCSPResponseBuilder()
             .add_response(cert, ca.intermediate_cert, hashes.SHA1(), ocsp.OCSPCertStatus.GOOD,
                           now, now + timedelta(minutes=10), None, None)
             .responder_id(ocsp.OCSPResponderEncoding.HASH, signer_cert)
             .certificates([signer_cert])
             .sign(signer_key, hashes.SHA256()))  # type: ignore[arg-type]
    return built.public_bytes(serialization.Encoding.DER)


def test_an_answer_not_signed_for_the_issuer_is_no_answer(ca: DevCA, tmp_path: Path) -> None:
    now = datetime.now(UTC)
    ident = ca.issue_office("Văn phòng giả mạo", "x@vp.vn", ocsp_url="http://127.0.0.1:9/")
    other = DevCA.create(tmp_path / "other", b"x", name="Other")
    stranger = other.issue_ocsp_responder(now - timedelta(days=1), now + timedelta(days=1))
    forged = _response(ca, ident.certificate, stranger.private_key, stranger.certificate)
    said = read_response(forged, ident.certificate, ca.intermediate_cert, "u", None, now)
    assert said.status is None and "not issued by the certificate's issuer" in str(said.problem)
    office = ca.issue_office("Văn phòng khác", "y@vp.vn")  # no id-kp-OCSPSigning
    unfit = _response(ca, ident.certificate, office.private_key, office.certificate)
    said = read_response(unfit, ident.certificate, ca.intermediate_cert, "u", None, now)
    assert said.status is None and "id-kp-OCSPSigning" in str(said.problem)
    delegated = ca.issue_ocsp_responder(now - timedelta(days=1), now + timedelta(days=1))
    good = _response(ca, ident.certificate, delegated.private_key, delegated.certificate)
    said = read_response(good, ident.certificate, ca.intermediate_cert, "u", None, now)
    assert said.status is ocsp.OCSPCertStatus.GOOD
    later = read_response(good, ident.certificate, ca.intermediate_cert, "u", None,
                          now + timedelta(hours=2))
    assert later.status is None and "stale" in str(later.problem)
