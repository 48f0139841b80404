"""Certified-copy chains made the way the copy service makes them (app.services.copy_pdf).

The original is signed by the central office; each copy renders the copy block, composes the
source pages, embeds its parent when the parent is a copy (an original is shown, not carried),
signs its manifest and then the PDF. Used by the verification tests and bench/bench_verify.py.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from io import BytesIO

from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

from app.domain.copy_forms import CopyKind
from app.domain.doc_types import Family
from app.services.copy_pdf import CopyOffice, CopySpec, make_copy_files
from signing import SignedCopy
from signing.ca import DevCA
from signing.identity import SigningIdentity
from signing.manifest import SignedManifest
from signing.pdf_sign import StampText, find_font, sign_pdf
from signing.timefmt import VN_TZ

T_ORIGINAL = datetime(2020, 1, 15, 9, 0, 0, tzinfo=VN_TZ)
#: The seed's copies: 397-BS/VPTU by Văn phòng Tỉnh ủy, 30-SL/VPDUK by Văn phòng Đảng ủy Khối.
SEED_COPIES = (
    ("VPTU", "397-BS/VPTU", datetime(2020, 2, 4, 15, 30, 15, tzinfo=VN_TZ)),
    ("VPDUK", "30-SL/VPDUK", datetime(2020, 2, 6, 14, 0, 23, tzinfo=VN_TZ)),
)
OFFICES = {
    "VPTU": ("Văn phòng Tỉnh ủy Đắk Nông", "VPTU@TUDaknong"),
    "VPDUK": ("Văn phòng Đảng ủy Khối các cơ quan và doanh nghiệp tỉnh", "VPDUK@TUDakNong"),
}


def source_pdf(lines: tuple[str, ...] = ("BAN CHẤP HÀNH TRUNG ƯƠNG", "Số 160-TB/TW")) -> bytes:
    """A one-page original with Vietnamese text in an embedded font."""
    if "VNSerif" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont("VNSerif", str(find_font())))
    buf = BytesIO()
    c = canvas.Canvas(buf, pagesize=A4, invariant=True)
    c.setFont("VNSerif", 12)
    for i, line in enumerate(lines):
        c.drawString(72, 780 - 18 * i, line)
    c.showPage()
    c.save()
    return buf.getvalue()


def office(code: str) -> CopyOffice:
    name, email = OFFICES.get(code, (f"Văn phòng {code}", f"{code}@vanthu.invalid"))
    return CopyOffice(code=code, name=name, parent_name="Tỉnh ủy Đắk Nông", short_name="Văn phòng",
                      email=email, family=Family.PARTY, signature_office=name,
                      signer_line_first=False)


@dataclass
class Chain:
    original: bytes  # the signed original (160-TB/TW)
    copies: list[SignedCopy]  # copies[0] copies the original, copies[-1] is the newest
    notations: list[str]  # of the copies, in the same order
    identities: dict[str, SigningIdentity] = field(default_factory=dict)

    @property
    def top(self) -> bytes:
        return self.copies[-1].pdf

    @property
    def manifests(self) -> list[SignedManifest]:
        return [c.manifest for c in self.copies]

    @property
    def expected_path(self) -> list[str]:
        """Notations from the newest copy down to the original."""
        return [*reversed(self.notations), "160-TB/TW"]


def sign_original(pdf: bytes, identity: SigningIdentity, when: datetime = T_ORIGINAL) -> bytes:
    return sign_pdf(pdf, identity, signed_at=when,
                    appearance=StampText.office("Văn phòng Trung ương Đảng", "VPTW@dangcongsan.vn",
                                                when),
                    box=(300.0, 60.0, 560.0, 140.0), field_name="KyBanGoc",
                    reason="THÔNG BÁO 160-TB/TW", location="Hà Nội")


def build_chain(ca: DevCA, depth: int, original: bytes | None = None,
                identities: dict[str, SigningIdentity] | None = None,
                times: Sequence[datetime] = ()) -> Chain:
    """The original and `depth` copies: the seed's two first, then 4x-BS/VPTU and 3x-SL/VPDUK.
    `times`, when given, are the copies' signing times (oldest copy first)."""
    ids = dict(identities or {})

    def ident(code: str) -> SigningIdentity:
        if code not in ids:
            name, email = OFFICES.get(code, (f"Văn phòng {code}", f"{code}@vanthu.invalid"))
            ids[code] = ca.issue_office(name.split(' các ')[0], email)  # CN ≤ 64 bytes
        return ids[code]

    if original is None:
        original = sign_original(source_pdf(), ident("TW"))
    prev_pdf, prev_env, prev_notation = original, None, "160-TB/TW"
    copies: list[SignedCopy] = []
    notations: list[str] = []
    for i in range(depth):
        if i < len(SEED_COPIES):
            code, notation, when = SEED_COPIES[i]
        else:
            code = "VPTU" if i % 2 == 0 else "VPDUK"
            notation = f"{40 + i}-BS/VPTU" if code == "VPTU" else f"{30 + i}-SL/VPDUK"
            when = SEED_COPIES[-1][2] + timedelta(days=i)
        if i < len(times):
            when = times[i]
        spec = CopySpec(
            kind=CopyKind.SAO_LUC, notation=notation, place="Đắk Nông", copy_date=when.date(),
            signed_at=when, signer_authority="", signer_title="CHÁNH VĂN PHÒNG",
            signer_name="Lê Văn Chiến", recipients=["Các đ/c TUV", "Lưu VT"], pages=None,
            source_notation=prev_notation, source_pdf=prev_pdf, source_is_copy=i > 0,
            parent_manifest_sha256=prev_env.sha256 if prev_env else None,
            document_notation="160-TB/TW")
        files = make_copy_files(office(code), spec, ident(code))
        copies.append(files)
        notations.append(notation)
        prev_pdf, prev_env, prev_notation = files.pdf, files.manifest, notation
    return Chain(original, copies, notations, ids)
