from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta, timezone

import pytest
from pyhanko.pdf_utils.reader import PdfFileReader

from app.render.verification_report import (
    ReportLink,
    VerificationReportData,
    format_serial,
    render_verification_report,
    vietnam_time,
)
from signing import Status
from tests.render.conftest import Poppler, squash

# Stroke colours of the drawn marks, as reportlab writes them ("r g b RG").
OK_STROKE = b".105882 .478431 .180392 RG"
FAIL_STROKE = b".701961 .14902 .117647 RG"
UNCHECKED_STROKE = b".419608 .419608 .419608 RG"


def chain(last_ok: bool = True) -> VerificationReportData:
    return VerificationReportData(
        title="BÁO CÁO KIỂM TRA CHUỖI SAO VĂN BẢN",
        generated_at=datetime(2020, 2, 11, 2, 0, 0, tzinfo=UTC),
        subject="30-SL/VPDUK (sha256 9f2c…)",
        verdict_ok=last_ok,
        verdict_text="Mọi chữ ký trong chuỗi hợp lệ." if last_ok else "Chữ ký cấp 2 không hợp lệ.",
        links=[
            ReportLink(
                "Thông báo",
                "160-TB/TW",
                "Ban Chấp hành Trung ương",
                "CN=Văn phòng Trung ương",
                0x1A2B3C,
                "CN=Demo Root CA",
                datetime(2020, 1, 15, 3, 0, 0, tzinfo=UTC),
                [("Toàn vẹn", Status.PASSED, "sha256 khớp")],
            ),
            ReportLink(
                "Bản sao lục",
                "397-BS/VPTU",
                "Văn phòng Tỉnh ủy Đắk Nông",
                "CN=Văn phòng",
                "5F:0A",
                "CN=Demo Root CA",
                datetime(2020, 2, 4, 8, 30, 15, tzinfo=UTC),
                [("Chữ ký PAdES", Status.PASSED, "hợp lệ"),
                 ("Thứ tự thời gian", Status.PASSED, "sau bản gốc")],
            ),
            ReportLink(
                "Bản sao lục",
                "30-SL/VPDUK",
                "Văn phòng Đảng ủy Khối",
                "CN=VPDUK",
                255,
                "CN=Demo Root CA",
                datetime(2020, 2, 6, 14, 0, 23, tzinfo=timezone(timedelta(hours=7))),
                [("Chữ ký PAdES", Status.PASSED if last_ok else Status.FAILED,
                  "hợp lệ" if last_ok else "chứng thư đã bị thu hồi")],
            ),
        ],
        notes=["Thời gian ký lấy từ chữ ký CMS, không lấy từ dòng hiển thị."],
    )


def test_report_text(poppler: Poppler) -> None:
    pdf = render_verification_report(chain())
    text = squash(poppler.text(pdf))
    for expected in (
        "BÁO CÁO KIỂM TRA CHUỖI SAO VĂN BẢN",
        "Lập lúc 11.02.2020 09:00:00 +07:00",
        "30-SL/VPDUK (sha256 9f2c…)",
        "KẾT LUẬN: ĐẠT – Mọi chữ ký trong chuỗi hợp lệ.",
        "Cấp 0/2 (bản gốc) – Thông báo 160-TB/TW",
        "Cấp 1/2 (bản sao cấp 1) – Bản sao lục 397-BS/VPTU",
        "Cấp 2/2 (bản sao cấp 2) – Bản sao lục 30-SL/VPDUK",
        "Chủ thể chứng thư: CN=Văn phòng",
        "Số hiệu chứng thư: 0x1A2B3C",
        "Số hiệu chứng thư: 5F:0A",
        "Số hiệu chứng thư: 0xFF",
        "Tổ chức cấp: CN=Demo Root CA",
        "Thời gian ký: 15.01.2020 10:00:00 +07:00",
        "Thời gian ký: 04.02.2020 15:30:15 +07:00",
        "Thời gian ký: 06.02.2020 14:00:23 +07:00",
        "Thời gian ký lấy từ chữ ký CMS, không lấy từ dòng hiển thị.",
    ):
        assert expected in text, expected
    assert text.count("Đạt") == 4 and "Không đạt" not in text
    assert poppler.page_count(pdf) == 1


def test_chain_is_indented_by_depth(poppler: Poppler) -> None:
    words = poppler.words(render_verification_report(chain()))
    starts = sorted((w.y1, w.x1) for w in words if w.text == "Cấp")
    assert len(starts) == 3
    # Top to bottom: the original first, each copy further right.
    xs = [x for _, x in sorted(starts, reverse=True)]
    assert xs[0] < xs[1] < xs[2]
    assert xs[1] - xs[0] == pytest.approx(xs[2] - xs[1], abs=0.5)


def _content(pdf: bytes) -> bytes:
    reader = PdfFileReader(io.BytesIO(pdf))
    page = reader.root["/Pages"]["/Kids"][0].get_object()
    contents = page["/Contents"]
    parts = contents if isinstance(contents, list) else [contents]
    return b"".join(p.get_object().data for p in parts)


def test_marks_are_drawn_per_check(poppler: Poppler) -> None:
    good = _content(render_verification_report(chain(last_ok=True)))
    assert OK_STROKE in good and FAIL_STROKE not in good
    bad_pdf = render_verification_report(chain(last_ok=False))
    bad = _content(bad_pdf)
    assert OK_STROKE in bad and FAIL_STROKE in bad
    text = squash(poppler.text(bad_pdf))
    assert "KẾT LUẬN: KHÔNG ĐẠT – Chữ ký cấp 2 không hợp lệ." in text
    assert "Không đạt Chữ ký PAdES chứng thư đã bị thu hồi" in text


def test_times_and_serials() -> None:
    assert vietnam_time(datetime(2020, 2, 4, 8, 30, 15, tzinfo=UTC)) == "04.02.2020 15:30:15 +07:00"
    with pytest.raises(ValueError, match="no time zone"):
        vietnam_time(datetime(2020, 2, 4, 8, 30, 15))
    assert format_serial(None) == "—"
    assert format_serial(4096) == "0x1000"


def test_a_check_that_could_not_be_made_is_its_own_state(poppler: Poppler) -> None:
    data = chain()
    original = data.links[0]
    unchecked = ReportLink(original.label, original.notation, original.office,
                           original.cert_subject, original.cert_serial,
                           original.issuer_subject, original.signed_at,
                           [("Thu hồi", Status.NOT_CHECKED, "no CRL configured for Demo Root CA")])
    pdf = render_verification_report(
        VerificationReportData(data.title, data.generated_at, data.subject, data.verdict_ok,
                               data.verdict_text, [unchecked, *data.links[1:]], data.notes))
    text = squash(poppler.text(pdf))
    assert "Chưa kiểm tra Thu hồi no CRL configured for Demo Root CA" in text
    assert text.count("Đạt") == 3 and "Không đạt" not in text
    content = _content(pdf)
    assert UNCHECKED_STROKE in content and FAIL_STROKE not in content
