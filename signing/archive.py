"""PAdES B-LTA: a signed PDF made to outlive its certificates.

`archive_pdf` adds, in incremental updates that leave every signature intact, the validation
data of each signature (certificates, CRLs and the OCSP responses our revocation check proved:
the Document Security Store, pyHanko's `add_validation_info`), then a document timestamp from an
RFC 3161 TSA, with the TSA's own validation data. A validator that later has only the file and
the trust roots can then show that each signature was valid when the document timestamp was
made, after its signer's certificate has expired.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from io import BytesIO

from cryptography import x509
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.signers.pdf_signer import PdfTimeStamper
from pyhanko.sign.timestamps import HTTPTimeStamper
from pyhanko.sign.validation import add_validation_info
from pyhanko_certvalidator import ValidationContext

from signing.trust import TrustStore
from signing.x509check import certificate_checks

__all__ = ["ArchiveError", "ArchivedPdf", "archive_pdf"]

#: Seconds the TSA has to answer.
TSA_TIMEOUT = 30


class ArchiveError(Exception):
    """The archive cannot be made: no signature, unreadable, or the TSA did not answer."""


@dataclass(frozen=True)
class ArchivedPdf:
    pdf: bytes
    #: how many signatures received their validation data
    signatures: int
    #: the document timestamp's time (from the TSA)
    timestamped_at: datetime


def _crypto(cert: object) -> x509.Certificate:
    return x509.load_der_x509_certificate(cert.dump())  # type: ignore[attr-defined]


def _context(trust: TrustStore, now: datetime) -> ValidationContext:
    """Validate now and want revocation data for every certificate (all of it goes in)."""
    return trust.validation_context(now, require_revinfo=True)


def _gather_revocation(pdf: bytes, trust: TrustStore, now: datetime) -> int:
    """Run our revocation check for every signer now, so the OCSP answers it proves are in
    `trust` (and so in its validation contexts) when the DSS is written."""
    sigs = PdfFileReader(BytesIO(pdf)).embedded_regular_signatures
    for sig in sigs:
        certificate_checks(_crypto(sig.signer_cert),
                           [_crypto(c) for c in sig.other_embedded_certs], trust, now)
    return len(sigs)


def archive_pdf(pdf: bytes, trust: TrustStore, tsa_url: str, *,
                now: datetime | None = None) -> ArchivedPdf:
    """The PDF with a DSS for each signature and a document timestamp from `tsa_url`."""
    now = now or datetime.now(UTC)
    try:
        count = _gather_revocation(pdf, trust, now)
    except Exception as exc:  # a PDF pyHanko cannot read
        raise ArchiveError(f"the PDF cannot be read: {exc}") from exc
    if count == 0:
        raise ArchiveError("the PDF carries no signature")
    current = pdf
    for index in range(count):
        sig = PdfFileReader(BytesIO(current)).embedded_regular_signatures[index]
        try:
            out = add_validation_info(sig, _context(trust, now), force_write=True)
        except Exception as exc:  # a path pyHanko cannot validate now
            raise ArchiveError(f"the validation data of signature {sig.field_name} cannot be "
                               f"gathered: {exc}") from exc
        current = out.getvalue()
    writer = IncrementalPdfFileWriter(BytesIO(current))
    stamper = PdfTimeStamper(HTTPTimeStamper(tsa_url, timeout=TSA_TIMEOUT))
    try:
        stamped = stamper.timestamp_pdf(writer, "sha256",
                                        validation_context=_context(trust, now))
    except Exception as exc:  # the TSA is down or refuses, or its certificate is not trusted
        raise ArchiveError(f"the timestamp authority {tsa_url} gave no usable timestamp: "
                           f"{exc}") from exc
    data = stamped.getvalue()
    doc_ts = PdfFileReader(BytesIO(data)).embedded_timestamp_signatures[-1]
    gen_time: datetime = doc_ts.signed_data["encap_content_info"]["content"].parsed[
        "gen_time"].native
    return ArchivedPdf(data, count, gen_time)
