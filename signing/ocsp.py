"""OCSP (RFC 6960) for one certificate: ask the responder its Authority Information Access
names, over HTTP, and believe the answer only once it is proven.

An answer is proven when it is signed by the certificate's issuer, or by a delegated responder
whose certificate the issuer issued for id-kp-OCSPSigning and which is valid now; when it speaks
of this certificate (serial and issuer key hash); when it echoes our nonce (if it carries one);
and when it is current (thisUpdate not in the future, nextUpdate not past; an answer with
neither a nonce nor a nextUpdate must be less than an hour old). Anything else is no answer.
"""

from __future__ import annotations

import os
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed448, ed25519, padding, rsa
from cryptography.x509 import ocsp
from cryptography.x509.oid import AuthorityInformationAccessOID, ExtendedKeyUsageOID

#: How long one request may take before the responder counts as not answering, in seconds.
DEFAULT_TIMEOUT = 5.0
MAX_RESPONSE_BYTES = 1024 * 1024
CLOCK_SKEW = timedelta(minutes=5)
DOWN = "the responder does not answer"
MAX_AGE_WITHOUT_NEXT_UPDATE = timedelta(hours=1)


@dataclass(frozen=True)
class OcspAnswer:
    """What one responder said of one certificate; `status` None means no definite answer."""

    url: str
    status: ocsp.OCSPCertStatus | None
    revoked_at: datetime | None = None
    #: why there is no definite answer (down, unsigned, stale, "unknown"…), for the report
    problem: str | None = None
    #: the response as received, when it was proven (pyHanko and the archive reuse it)
    der: bytes | None = field(default=None, repr=False)

    @property
    def unreachable(self) -> bool:
        """The responder did not answer at all (down, refused, timed out)."""
        return self.status is None and self.der is None and bool(
            self.problem and self.problem.startswith(DOWN))

    @property
    def definite(self) -> bool:
        return self.status in (ocsp.OCSPCertStatus.GOOD, ocsp.OCSPCertStatus.REVOKED)


def responder_urls(cert: x509.Certificate) -> list[str]:
    """The OCSP responders (http/https) the certificate's AIA names, in its order."""
    try:
        aia = cert.extensions.get_extension_for_class(x509.AuthorityInformationAccess).value
    except x509.ExtensionNotFound:
        return []
    return [
        str(d.access_location.value)
        for d in aia
        if d.access_method == AuthorityInformationAccessOID.OCSP
        and isinstance(d.access_location, x509.UniformResourceIdentifier)
        and str(d.access_location.value).startswith(("http://", "https://"))
    ]


def _post(url: str, body: bytes, timeout: float) -> bytes:
    request = urllib.request.Request(
        url, data=body, method="POST", headers={"Content-Type": "application/ocsp-request",
                                                "Accept": "application/ocsp-response"})
    with urllib.request.urlopen(request, timeout=timeout) as reply:
        data: bytes = reply.read(MAX_RESPONSE_BYTES + 1)
    if len(data) > MAX_RESPONSE_BYTES:
        raise ValueError("the response is larger than 1 MiB")
    return data


def _signature_ok(key: object, signature: bytes, data: bytes,
                  algorithm: hashes.HashAlgorithm | None) -> bool:
    try:
        if isinstance(key, rsa.RSAPublicKey) and algorithm is not None:
            key.verify(signature, data, padding.PKCS1v15(), algorithm)
        elif isinstance(key, ec.EllipticCurvePublicKey) and algorithm is not None:
            key.verify(signature, data, ec.ECDSA(algorithm))
        elif isinstance(key, ed25519.Ed25519PublicKey | ed448.Ed448PublicKey):
            key.verify(signature, data)
        else:
            return False
    except InvalidSignature:
        return False
    return True


def _key_hash(cert: x509.Certificate) -> bytes:
    """SHA-1 of the subjectPublicKey bits (RFC 6960 ResponderID byKey)."""
    return x509.SubjectKeyIdentifier.from_public_key(cert.public_key()).digest


def _names_responder(response: ocsp.OCSPResponse, cert: x509.Certificate) -> bool:
    if response.responder_name is not None:
        return response.responder_name == cert.subject
    return response.responder_key_hash == _key_hash(cert)


def _delegate_fit(responder: x509.Certificate, issuer: x509.Certificate, now: datetime) -> str | None:
    """Why `responder` may not answer for `issuer` (None: it may)."""
    try:
        responder.verify_directly_issued_by(issuer)
    except (InvalidSignature, ValueError, TypeError):
        return "the responder's certificate was not issued by the certificate's issuer"
    try:
        usages = responder.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    except x509.ExtensionNotFound:
        usages = x509.ExtendedKeyUsage([])
    if ExtendedKeyUsageOID.OCSP_SIGNING not in usages:
        return "the responder's certificate is not for OCSP signing (id-kp-OCSPSigning)"
    if not responder.not_valid_before_utc <= now <= responder.not_valid_after_utc:
        return "the responder's certificate is not valid now"
    return None


def _signer_problem(response: ocsp.OCSPResponse, issuer: x509.Certificate,
                    now: datetime) -> str | None:
    """None when the response is signed by the issuer or by a responder it delegated to."""
    signer = issuer
    if not _names_responder(response, issuer):
        delegate = next((c for c in response.certificates if _names_responder(response, c)), None)
        if delegate is None:
            return "the response is signed by a responder it does not include"
        problem = _delegate_fit(delegate, issuer, now)
        signer = delegate
        if problem:
            return problem
    if not _signature_ok(signer.public_key(), response.signature, response.tbs_response_bytes,
                         response.signature_hash_algorithm):
        return "the response's signature does not verify"
    return None


def _freshness_problem(single: ocsp.OCSPSingleResponse, nonce_echoed: bool,
                       now: datetime) -> str | None:
    if single.this_update_utc > now + CLOCK_SKEW:
        return f"the response's thisUpdate ({single.this_update_utc:%Y-%m-%d %H:%M}Z) is ahead"
    nxt = single.next_update_utc
    if nxt is not None and nxt < now - CLOCK_SKEW:
        return f"the response is stale (nextUpdate {nxt:%Y-%m-%d %H:%M}Z has passed)"
    if nxt is None and not nonce_echoed and single.this_update_utc < now - MAX_AGE_WITHOUT_NEXT_UPDATE:
        return "the response has no nextUpdate, no nonce and is more than an hour old"
    return None


def _nonce(response: ocsp.OCSPResponse) -> bytes | None:
    try:
        return response.extensions.get_extension_for_class(x509.OCSPNonce).value.nonce
    except x509.ExtensionNotFound:
        return None


def read_response(data: bytes, cert: x509.Certificate, issuer: x509.Certificate, url: str,
                  nonce: bytes | None, now: datetime) -> OcspAnswer:
    """Prove a DER response about `cert` (see the module's rules) and say what it tells."""
    try:
        response = ocsp.load_der_ocsp_response(data)
    except ValueError as exc:
        return OcspAnswer(url, None, problem=f"the response cannot be read: {exc}")
    if response.response_status is not ocsp.OCSPResponseStatus.SUCCESSFUL:
        return OcspAnswer(url, None, problem=f"the responder answered {response.response_status.name}")
    problem = _signer_problem(response, issuer, now)
    if problem:
        return OcspAnswer(url, None, problem=problem)
    echoed = _nonce(response)
    if nonce is not None and echoed is not None and echoed != nonce:
        return OcspAnswer(url, None, problem="the response's nonce is not ours (a replay?)")
    want_key_hash = _key_hash(issuer)
    single = next((s for s in response.responses if s.serial_number == cert.serial_number
                   and s.issuer_key_hash == want_key_hash), None)
    if single is None:
        return OcspAnswer(url, None, problem="the response does not speak of this certificate")
    problem = _freshness_problem(single, nonce is not None and echoed == nonce, now)
    if problem:
        return OcspAnswer(url, None, problem=problem)
    status = single.certificate_status
    if status is ocsp.OCSPCertStatus.UNKNOWN:
        return OcspAnswer(url, status, problem="the responder does not know the certificate",
                          der=data)
    revoked_at = single.revocation_time_utc if status is ocsp.OCSPCertStatus.REVOKED else None
    return OcspAnswer(url, status, revoked_at, der=data)


def ask(cert: x509.Certificate, issuer: x509.Certificate, url: str, *,
        timeout: float = DEFAULT_TIMEOUT, now: datetime | None = None) -> OcspAnswer:
    """POST an OCSP request for `cert` to `url` and prove the answer."""
    nonce = os.urandom(16)
    request = (ocsp.OCSPRequestBuilder().add_certificate(cert, issuer, hashes.SHA1())
               .add_extension(x509.OCSPNonce(nonce), critical=False).build())
    try:
        data = _post(url, request.public_bytes(serialization.Encoding.DER), timeout)
    except (urllib.error.URLError, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", None) or exc
        return OcspAnswer(url, None, problem=f"{DOWN} ({reason})")
    return read_response(data, cert, issuer, url, nonce, now or datetime.now(UTC))
