"""PAdES B-LTA: archive_pdf adds each signature's validation data and a document timestamp;
pyHanko's AdES LTA validator, offline with only the roots, accepts the file at a moment after
the signer's certificate expired, and poppler's pdfsig sees the document timestamp."""

from __future__ import annotations

import subprocess
from io import BytesIO
from pathlib import Path

import pytest
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.ades.report import AdESPassed

from signing import DevCA, TrustStore
from signing.archive import ArchiveError, archive_pdf
from signing.pdf_sign import sign_pdf
from tests.lta import LATER, assert_pdfsig_sees_the_document_timestamp, lta_verdict
from tests.ocsp import local_ocsp
from tests.signing.conftest import BOX, T_SAO_LUC, stamp
from tests.tooling import require_tool
from tests.tsa import local_tsa


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
    assert lta_verdict(archived.pdf, ca.root_cert, LATER) is AdESPassed.OK
    # the signed copy alone (no DSS, no document timestamp) does not outlive its certificate
    assert lta_verdict(signed, ca.root_cert, LATER) is not AdESPassed.OK
    (tmp_path / "a.pdf").write_bytes(archived.pdf)
    out = subprocess.run([require_tool("pdfsig"), "-nocert", str(tmp_path / "a.pdf")],
                         capture_output=True, text=True).stdout
    assert_pdfsig_sees_the_document_timestamp(out)



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


def test_the_ocsp_answer_goes_into_the_archive(tmp_path: Path, source_pdf: bytes,
                                               font_path: Path) -> None:
    """A signer whose certificate names a responder: the response our check proved when the
    archive was made is in the DSS beside the CRLs, and the archive still passes later."""
    ca = DevCA.create(tmp_path / "ca", b"x")
    trust = TrustStore([ca.root_cert], [ca.intermediate_cert], [ca.crl("root"),
                                                                ca.crl("intermediate")])
    with local_ocsp(ca) as responder, local_tsa(ca, valid_days=365 * 20) as url:
        office = ca.issue_office("Văn phòng OCSP", "o@vp.vn", ocsp_url=responder.url)
        responder.add(office.certificate)
        signed = sign_pdf(source_pdf, office, signed_at=T_SAO_LUC,
                          appearance=stamp(office, T_SAO_LUC), box=BOX, page=-1,
                          field_name="Signature1", font_path=font_path, timestamp_url=url)
        archived = archive_pdf(signed, trust, url)
    dss = PdfFileReader(BytesIO(archived.pdf)).root["/DSS"]
    assert len(dss["/OCSPs"]) == 1 and len(dss["/CRLs"]) >= 2
    assert dss["/OCSPs"][0].data == trust.ocsp_responses()[0]
    assert lta_verdict(archived.pdf, ca.root_cert, LATER) is AdESPassed.OK
