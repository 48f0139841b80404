from __future__ import annotations

import csv
import io
import weakref
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

import pytest

from app.render.register_book import write_register_pdf
from app.render.register_csv import write_register_csv
from app.render.register_forms import (
    ArrivalRow,
    CopyRow,
    DispatchRow,
    RegisterKind,
    RegisterMeta,
    Row,
    columns,
    format_cell,
    row_cells,
)
from tests.render.conftest import Poppler, squash

ARRIVAL_META = RegisterMeta(
    kind="arrival",
    parent_org="Tỉnh ủy Đắk Nông",
    org_name="Văn phòng Tỉnh ủy",
    year_or_term="2020",
    date_from=date(2020, 1, 1),
    date_to=date(2020, 12, 31),
    number_from=1,
    number_to=10000,
    volume=1,
)


def arrival_rows(count: int, alive: weakref.WeakSet[ArrivalRow] | None = None) -> Iterator[Row]:
    for n in range(1, count + 1):
        day = date(2020, 1, 1) + timedelta(days=(n - 1) % 366)
        row = ArrivalRow(
            arrival_date=day,
            arrival_number=n,
            author="Ban Chấp hành Trung ương",
            notation=f"{n}-TB/TW",
            document_date=day - timedelta(days=3),
            summary="Thông báo kết luận của Bộ Chính trị về việc tiếp tục thực hiện Kết luận "
            "số 62-KL/TW" + (" về đổi mới nội dung, phương thức hoạt động" * (n % 4)),
            recipient="Thường trực Tỉnh ủy",
            transfer_date=day,
        )
        if alive is not None:
            alive.add(row)
            # The renderer must not keep rows: only a handful may be alive at any time.
            assert len(alive) <= 3, f"{len(alive)} rows held at once"
        yield row


def test_ten_thousand_rows_stream_with_header_and_page_numbers(poppler: Poppler) -> None:
    calls = 0
    alive: weakref.WeakSet[ArrivalRow] = weakref.WeakSet()

    def factory() -> Iterator[Row]:
        nonlocal calls
        calls += 1
        return arrival_rows(10_000, alive)

    out = io.BytesIO()
    total = write_register_pdf(ARRIVAL_META, factory, out)
    pdf = out.getvalue()
    assert calls == 2
    assert total > 100
    assert poppler.page_count(pdf) == total
    pages = poppler.pages_text(pdf)
    assert len(pages) == total
    for number, page in enumerate(pages, start=1):
        flat = squash(page)
        assert f"Trang {number}/{total}" in flat
        for title in ("Ngày đến", "Số đến", "Tác giả", "Ký nhận", "Ghi chú", "(1)", "(10)"):
            assert title in flat, (number, title)
    first = squash(pages[0])
    for field in (
        "TỈNH ỦY ĐẮK NÔNG",
        "VĂN PHÒNG TỈNH ỦY",
        "SỔ ĐĂNG KÝ VĂN BẢN ĐẾN",
        "Năm: 2020",
        "Từ ngày 01/01/2020 đến ngày 31/12/2020",
        "Từ số 1 đến số 10000",
        "Quyển số: 1",
    ):
        assert field in first, field
    last = squash(pages[-1])
    assert "10000-TB/TW" in last
    text = squash("".join(pages))
    assert text.count("-TB/TW") == 10_000


def test_every_column_title_is_printed(poppler: Poppler) -> None:
    def factory() -> Iterator[Row]:
        return arrival_rows(3)

    out = io.BytesIO()
    write_register_pdf(ARRIVAL_META, factory, out)
    text = squash(poppler.text(out.getvalue(), "-raw"))
    for title in columns("arrival"):
        assert all(word in text for word in title.split()), title


def test_dispatch_and_copy_registers(poppler: Poppler) -> None:
    dispatch = DispatchRow(
        notation="397-BS/VPTU",
        document_date=date(2020, 2, 4),
        summary="Sao lục Thông báo 160-TB/TW",
        signer="Lê Văn Chiến",
        recipients="Các đ/c TUV",
        archive_holder="Văn thư",
        copies=25,
        transfer_date=date(2020, 2, 5),
    )
    copy = CopyRow(
        copy_notation="397-BS/VPTU",
        copy_date=datetime(2020, 2, 4, 8, 30, 15, tzinfo=UTC),
        copy_form="Sao lục",
        source="160-TB/TW, 15/01/2020",
        source_issuer="Ban Chấp hành Trung ương",
        summary="Kết luận của Bộ Chính trị",
        signer="Lê Văn Chiến",
        recipients="Các Đảng bộ trực thuộc",
        copies=25,
    )
    cases: list[tuple[RegisterKind, Row, str, str]] = [
        ("dispatch", dispatch, "SỔ ĐĂNG KÝ VĂN BẢN ĐI", "05/02/2020"),
        ("copy", copy, "SỔ ĐĂNG KÝ BẢN SAO VĂN BẢN", "04/02/2020"),
    ]
    for kind, row, title, sample in cases:
        meta = RegisterMeta(kind, None, "Văn phòng Tỉnh ủy", "2020-2025", None, None, None, None, 2)
        out = io.BytesIO()
        one_row: list[Row] = [row]
        assert write_register_pdf(meta, one_row.__iter__, out) == 1
        text = squash(poppler.text(out.getvalue()))
        assert title in text and sample in text and "Trang 1/1" in text
        assert "Nhiệm kỳ: 2020-2025" in text and "Quyển số: 2" in text
        assert "Từ ngày … đến ngày …" in text


def test_empty_register_has_one_page(poppler: Poppler) -> None:
    out = io.BytesIO()
    assert write_register_pdf(ARRIVAL_META, lambda: iter([]), out) == 1
    assert "Trang 1/1" in poppler.text(out.getvalue())


def test_a_row_taller_than_a_page_is_cut_to_fit(poppler: Poppler) -> None:
    huge = ArrivalRow(date(2020, 1, 2), 1, "Ban", "1-TB/TW", None, "trích yếu " * 3000, "X")
    out = io.BytesIO()
    pages = write_register_pdf(ARRIVAL_META, lambda: iter([huge, huge]), out)
    assert pages == 2
    assert poppler.page_count(out.getvalue()) == 2
    assert "…" in poppler.text(out.getvalue())


def test_rows_changing_between_passes_are_detected() -> None:
    sizes = iter([10, 2000])
    with pytest.raises(ValueError, match="changed between the two passes"):
        write_register_pdf(ARRIVAL_META, lambda: arrival_rows(next(sizes)), io.BytesIO())


def test_csv_round_trips_with_bom() -> None:
    out = io.BytesIO()
    assert write_register_csv(ARRIVAL_META, arrival_rows(250), out) == 250
    assert not out.closed  # the caller's stream stays open
    data = out.getvalue()
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert tuple(rows[0]) == (*columns("arrival"), "Vào sổ lúc")
    assert len(rows) == 251
    assert rows[1] == [
        "01/01/2020",
        "1",
        "Ban Chấp hành Trung ương",
        "1-TB/TW",
        "29/12/2019",
        "Thông báo kết luận của Bộ Chính trị về việc tiếp tục thực hiện Kết luận số 62-KL/TW"
        " về đổi mới nội dung, phương thức hoạt động",
        "Thường trực Tỉnh ủy",
        "01/01/2020",
        "",
        "",
        "",  # no "vào sổ lúc" given
    ]


def test_cells_and_columns() -> None:
    assert len(columns("arrival")) == len(columns("dispatch")) == len(columns("copy")) == 10
    assert columns("dispatch")[0] == "Số, ký hiệu văn bản"
    assert columns("copy")[2] == "Hình thức sao"
    # 20:00 UTC on 31 January is already 1 February in Vietnam.
    assert format_cell(datetime(2020, 1, 31, 20, 0, tzinfo=UTC)) == "01/02/2020"
    assert format_cell(None) == ""
    with pytest.raises(ValueError, match="has 10 cells, this one has 2"):
        row_cells("arrival", ("a", "b"))
    with pytest.raises(TypeError, match="takes ArrivalRow rows"):
        row_cells("arrival", DispatchRow("x", None, "", "", "", "", None))
