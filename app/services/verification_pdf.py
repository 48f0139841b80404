"""The auditor's PDF report (báo cáo kiểm tra) built from a verification: the chain with the
original first, a mark and a Vietnamese label per check.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from app.domain.dates import to_vn
from app.render.verification_report import ReportLink, VerificationReportData
from app.services.register_match import RegisterMatch
from app.services.revoked_links import Revocation
from signing import Check, CheckCode, Status, VerificationReport, parse_iso

LABELS = {"SAO_Y": "Bản sao y", "SAO_LUC": "Bản sao lục", "TRICH_SAO": "Bản trích sao"}
#: The report's Vietnamese name of every check (a new CheckCode fails a test until named).
CHECK_NAMES: dict[CheckCode, str] = {
    CheckCode.DIGEST: "Mã băm",
    CheckCode.INTEGRITY: "Toàn vẹn",
    CheckCode.SIGNATURE: "Chữ ký",
    CheckCode.MODIFICATION: "Sửa đổi sau khi ký",
    CheckCode.PYHANKO_TRUST: "Tin cậy (pyHanko)",
    CheckCode.CERTIFICATE_PATH: "Đường dẫn chứng thư",
    CheckCode.VALIDITY: "Hiệu lực chứng thư",
    CheckCode.REVOCATION: "Thu hồi",
    CheckCode.KEY_USAGE: "Mục đích khóa",
    CheckCode.FORMAT: "Định dạng bản kê khai",
    CheckCode.MANIFEST: "Bản kê khai",
    CheckCode.MANIFEST_BINDING: "Gắn bản kê khai",
    CheckCode.SIGNING_TIME: "Thời gian ký",
    CheckCode.TIMESTAMP: "Dấu thời gian",
    CheckCode.MANIFEST_LINK: "Liên kết bản kê khai",
    CheckCode.PARENT_LINK: "Liên kết văn bản nguồn",
    CheckCode.TIME_ORDER: "Thứ tự thời gian",
    CheckCode.FILE: "Tệp",
}


def check_detail(check: Check) -> str:
    """The check's sentence, and for revocation which source answered (OCSP or CRL)."""
    if not check.answers:
        return check.reason
    sources = "; ".join(f"{a} (chứng thư {a.certificate})" for a in check.answers)
    return f"{check.reason}. Nguồn trả lời thu hồi: {sources}"


def check_label(check: Check) -> str:
    shown = CHECK_NAMES[check.code]
    return f"{check.signature_field}: {shown}" if check.signature_field else shown


def build_report_data(report: VerificationReport, matches: Sequence[RegisterMatch], *,
                      subject: str, generated_at: datetime,
                      revocations: Sequence[Revocation] = ()) -> VerificationReportData:
    """The report the auditor files: the chain with the original first, a mark per check."""
    links: list[ReportLink] = []
    notes: list[str] = []
    by_depth = {m.depth: m for m in matches}
    for ln in reversed(report.links):
        signer = ln.signer
        label = "Bản gốc" if ln.role == "original" else LABELS.get(ln.kind or "", "Bản sao")
        checks = [(check_label(c), c.status, check_detail(c)) for c in ln.checks]
        if not ln.available:
            checks.append((CHECK_NAMES[CheckCode.FILE], Status.NOT_CHECKED,
                           f"not inside the file; known only by the sha256 {ln.pdf_sha256} "
                           "its copy attests"))
        links.append(ReportLink(
            label=label,
            notation=ln.notation or f"(sha256 {ln.pdf_sha256[:16]}…)",
            office=ln.office or "—",
            cert_subject=signer.subject if signer else None,
            cert_serial=int(signer.serial, 16) if signer and signer.serial else None,
            issuer_subject=signer.issuer if signer else None,
            signed_at=parse_iso(signer.signed_at) if signer and signer.signed_at else None,
            checks=checks,
        ))
        match = by_depth.get(ln.depth)
        if match is not None:
            where = "khớp sổ đăng ký" if match.found else "không có trong sổ đăng ký"
            notes.append(f"Cấp {len(report.links) - 1 - ln.depth} "
                         f"({ln.notation or ln.pdf_sha256[:16]}): {where} – {match.detail}")
    notes.extend(report.notes)
    if revocations:
        text = "; ".join(f"Bản sao {r.notation} đã bị {r.office} thu hồi ngày "
                         f"{to_vn(r.revoked_at):%d/%m/%Y}, lý do: {r.reason}"
                         for r in revocations)
    elif report.unsigned:
        text = "Tệp PDF không có chữ ký số nào để kiểm tra."
    elif report.ok:
        text = "Mọi chữ ký và mọi liên kết trong chuỗi đều hợp lệ."
    else:
        text = f"{len(report.reasons)} mục kiểm tra không đạt: " + "; ".join(report.reasons[:3])
    return VerificationReportData(
        title="BÁO CÁO KIỂM TRA CHỮ KÝ SỐ VÀ CHUỖI SAO VĂN BẢN",
        generated_at=generated_at,
        subject=f"{subject} (sha256 {report.sha256})",
        verdict_ok=report.ok and not revocations,
        verdict_text=text,
        links=links,
        notes=notes,
    )
