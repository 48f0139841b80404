"""PAdES B-LTA: archive_pdf adds each signature's validation data and a document timestamp;
pyHanko's AdES LTA validator, offline with only the roots, accepts the file at a moment after
the signer's certificate expired, and poppler's pdfsig sees the document timestamp."""

from __future__ import annotations

import asyncio
import subprocess
from datetime import UTC, datetime
from io import BytesIO
from pathlib import Path

import pytest
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives.serialization import Encoding
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.ades.report import AdESPassed
from pyhanko.sign.validation.ades import ades_lta_validation
from pyhanko.sign.validation.policy_decl import (
    PdfSignatureValidationSpec,
    RevinfoOnlineFetchingRule,
    RevocationInfoGatheringSpec,
    SignatureValidationSpec,
)
from pyhanko_certvalidator.context import CertValidationPolicySpec
from pyhanko_certvalidator.ltv.types import ValidationTimingInfo
from pyhanko_certvalidator.policy_decl import REQUIRE_REVINFO, CertRevTrustPolicy
from pyhanko_certvalidator.registry import SimpleTrustManager

from signing import DevCA, TrustStore
from signing.archive import ArchiveError, archive_pdf
from signing.pdf_sign import sign_pdf
from tests.signing.conftest import BOX, T_SAO_LUC, stamp
from tests.tooling import require_tool
from tests.tsa import local_tsa

#: after the office certificate (2019 + 15 years) expired, before the TSA's (20 years) does
LATER = datetime(2036, 6, 1, tzinfo=UTC)


def lta_verdict(pdf: bytes, root: DevCA, at: datetime) -> object:
    """pyHanko's AdES LTA verdict on the first signature, offline, with only `root`."""
    spec = PdfSignatureValidationSpec(SignatureValidationSpec(
        cert_validation_policy=CertValidationPolicySpec(
            trust_manager=SimpleTrustManager.build(trust_roots=[
                asn1_x509.Certificate.load(root.root_cert.public_bytes(Encoding.DER))]),
            revinfo_policy=CertRevTrustPolicy(REQUIRE_REVINFO)),
        revinfo_gathering_policy=RevocationInfoGatheringSpec(
            online_fetching_rule=RevinfoOnlineFetchingRule.LOCAL_ONLY)))
    sig = PdfFileReader(BytesIO(pdf)).embedded_regular_signatures[0]
    timing = ValidationTimingInfo(validation_time=at, best_signature_time=at,
                                  point_in_time_validation=True)
    result = asyncio.run(ades_lta_validation(sig, spec, timing_info=timing))
    return result.ades_subindic


def test_archive_outlives_the_certificate(tmp_path: Path, source_pdf: bytes,
                                          font_path: Path) -> None:
    ca = DevCA.create(tmp_path / "ca", b"x")
    office = ca.issue_office("Văn phòng lưu trữ", "lt@vp.vn")
    trust = TrustStore([ca.root_cert], [ca.intermediate_cert], [ca.crl("root"),
                                                                ca.crl("intermediate")])
    with local_tsa(ca, valid_days=365 * 20) as url:
        signed = sign_pdf(source_pdf, office, signed_at=T_SAO_LUC,
                          appearance=stamp(office, T_SAO_LUC), box=BOX, page=-1,
                          field_name="Signature1", font_path=font_path, timestamp_url=url)
        archived = archive_pdf(signed, trust, url)
    assert archived.signatures == 1 and archived.pdf.startswith(signed)  # incremental
    reader = PdfFileReader(BytesIO(archived.pdf))
    assert len(reader.embedded_timestamp_signatures) == 1
    dss = reader.root["/DSS"]
    assert len(dss["/Certs"]) >= 3 and len(dss["/CRLs"]) >= 2
    assert lta_verdict(archived.pdf, ca, LATER) is AdESPassed.OK
    # the signed copy alone (no DSS, no document timestamp) does not outlive its certificate
    assert lta_verdict(signed, ca, LATER) is not AdESPassed.OK
    (tmp_path / "a.pdf").write_bytes(archived.pdf)
    out = subprocess.run([require_tool("pdfsig"), "-nocert", str(tmp_path / "a.pdf")],
                         capture_output=True, text=True).stdout
    assert_pdfsig_sees_the_document_timestamp(out)


def assert_pdfsig_sees_the_document_timestamp(out: str) -> None:
    """pdfsig lists the signature, still valid, then the TSA's document timestamp (poppler
    does not validate RFC 3161 document timestamps itself; the TSA's own validation data is
    the revision after it, as PAdES has it)."""
    first, second = out.split("Signature #2:")
    assert "Signature Validation: Signature is Valid." in first, out
    assert "Signer Certificate Common Name: Test TSA" in second, out


def test_without_a_tsa_answer_there_is_no_archive(tmp_path: Path, source_pdf: bytes,
                                                  font_path: Path) -> None:
    ca = DevCA.create(tmp_path / "ca", b"x")
    office = ca.issue_office("Văn phòng", "v@vp.vn")
    trust = TrustStore([ca.root_cert], [ca.intermediate_cert], [ca.crl("root"),
                                                                ca.crl("intermediate")])
    signed = sign_pdf(source_pdf, office, signed_at=T_SAO_LUC, appearance=stamp(office, T_SAO_LUC),
                      box=BOX, page=-1, field_name="Signature1", font_path=font_path)
    with pytest.raises(ArchiveError, match="gave no usable timestamp"):
        archive_pdf(signed, trust, "http://127.0.0.1:9/tsa")
    with pytest.raises(ArchiveError, match="no signature"):
        archive_pdf(source_pdf, trust, "http://127.0.0.1:9/tsa")
