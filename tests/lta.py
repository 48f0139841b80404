"""Checks of an archived PDF (PAdES B-LTA) with independent validators: pyHanko's AdES LTA
validation, offline with only the trust root, and poppler's pdfsig."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from io import BytesIO

from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding
from pyhanko.pdf_utils.reader import PdfFileReader
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

#: after a development office certificate (2019 + 15 years) expired, before a test TSA's
#: certificate made with `local_tsa(ca, valid_days=365 * 20)` does
LATER = datetime(2036, 6, 1, tzinfo=UTC)


def lta_verdict(pdf: bytes, root: x509.Certificate, at: datetime) -> object:
    """pyHanko's AdES LTA verdict on the first signature, offline, with only `root`."""
    spec = PdfSignatureValidationSpec(SignatureValidationSpec(
        cert_validation_policy=CertValidationPolicySpec(
            trust_manager=SimpleTrustManager.build(trust_roots=[
                asn1_x509.Certificate.load(root.public_bytes(Encoding.DER))]),
            revinfo_policy=CertRevTrustPolicy(REQUIRE_REVINFO)),
        revinfo_gathering_policy=RevocationInfoGatheringSpec(
            online_fetching_rule=RevinfoOnlineFetchingRule.LOCAL_ONLY)))
    sig = PdfFileReader(BytesIO(pdf)).embedded_regular_signatures[0]
    timing = ValidationTimingInfo(validation_time=at, best_signature_time=at,
                                  point_in_time_validation=True)
    result = asyncio.run(ades_lta_validation(sig, spec, timing_info=timing))
    return result.ades_subindic


def assert_pdfsig_sees_the_document_timestamp(out: str) -> None:
    """pdfsig lists the signature, still valid, then the TSA's document timestamp (poppler
    does not validate RFC 3161 document timestamps itself; the TSA's own validation data is
    the revision after it, as PAdES has it)."""
    first, second = out.split("Signature #2:")
    assert "Signature Validation: Signature is Valid." in first, out
    assert "Signer Certificate Common Name: Test TSA" in second, out
