"""Register books over HTTP: PDF and CSV, periods, filters, ordering, errors and access."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest

from app.render.register_forms import columns, csv_columns
from tests.books.conftest import read_csv, register
from tests.factories import seed_arrival_body, set_clock
from tests.render.conftest import Poppler, squash

BOOK = "/orgs/VPTU/registers/{kind}/book"


def arrival(notation: str, received: str, title: str, **extra: Any) -> dict[str, Any]:
    body = seed_arrival_body(received_at=received, **extra)
    body["document"].update(notation=notation, title=title, references=[],
                            issued_on=received[:10])
    return body


@pytest.fixture
def vptu_2020(client: Any, world: Any, ctx: Any) -> None:
    """VPTU's incoming register: paper until 564, then the seed (565) and two more; one in 2021."""
    h = world.auth("clerk_vptu")
    r = client.put("/orgs/VPTU/registers/series", headers=h,
                   json={"register": "arrival", "on": "2020-01-01", "last_number": 564})
    assert r.status_code == 200, r.text
    set_clock(ctx, "2020-01-29T08:40:00+07:00")  # vào sổ ten minutes after it came in
    register(client, world, "clerk_vptu", "VPTU", seed_arrival_body(
        routed_to="Chánh Văn phòng", deadline="2020-02-10"))
    set_clock(ctx, "2020-03-02T09:10:00+07:00")
    register(client, world, "clerk_vptu", "VPTU", arrival(
        "12-CV/TW", "2020-03-02T09:00:00+07:00", "Về việc chuẩn bị Đại hội Đảng bộ các cấp",
        routed_to="Ban Tổ chức Tỉnh ủy", file_code="01.TCCB"))
    set_clock(ctx, "2020-03-20T14:10:00+07:00")
    register(client, world, "clerk_vptu", "VPTU", arrival(
        "30-KH/TW", "2020-03-20T14:00:00+07:00", "Tổ chức học tập Nghị quyết ở Đắk Nông"))
    set_clock(ctx, "2021-01-05T08:10:00+07:00")  # the 2021 register opens with the year
    register(client, world, "clerk_vptu", "VPTU", arrival(
        "01-TB/TW", "2021-01-05T08:00:00+07:00", "Thông báo năm sau, không thuộc sổ 2020"))


def test_incoming_register_pdf(client: Any, world: Any, vptu_2020: None,
                               poppler: Poppler) -> None:
    r = client.get(BOOK.format(kind="arrival") + "?year=2020&format=pdf",
                   headers=world.auth("clerk_vptu"))
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == "application/pdf"
    assert 'filename="so-den-VPTU-2020.pdf"' in r.headers["content-disposition"]
    assert r.headers["x-register-rows"] == "3"
    pages = poppler.page_count(r.content)
    assert pages == int(r.headers["x-register-pages"]) == 1
    text = squash(poppler.text(r.content))
    for field in ("TỈNH ỦY ĐẮK NÔNG", "VĂN PHÒNG TỈNH ỦY ĐẮK NÔNG", "SỔ ĐĂNG KÝ VĂN BẢN ĐẾN",
                  "Năm: 2020", "Từ ngày 29/01/2020 đến ngày 20/03/2020",
                  "Từ số 565 đến số 567", "Quyển số: 1", "Trang 1/1",
                  "Ban Chấp hành Trung ương", "160-TB/TW", "Chánh Văn phòng"):
        assert field in text, field
    raw = squash(poppler.text(r.content, "-raw"))
    for title in columns("arrival"):
        assert all(word in raw for word in title.split()), title
    # Vietnamese text survives: the type is named before the trích yếu
    assert "Thông báo: Kết luận của Bộ Chính trị" in raw
    assert "Kế hoạch: Tổ chức học tập Nghị quyết ở Đắk Nông" in raw
    assert "Hồ sơ 01.TCC" in raw  # the narrow Ghi chú column breaks the file code
    assert "không thuộc sổ 2020" not in raw


def test_incoming_register_csv_in_book_order(client: Any, world: Any, vptu_2020: None) -> None:
    r = client.get(BOOK.format(kind="arrival") + "?year=2020&format=csv",
                   headers=world.auth("clerk_vptu"))
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == "text/csv; charset=utf-8"
    assert 'filename="so-den-VPTU-2020.csv"' in r.headers["content-disposition"]
    rows = read_csv(r.content)
    # the form's columns, then when each line was written (not a column of the printed form)
    assert rows[0] == [*columns("arrival"), "Vào sổ lúc"] == list(csv_columns("arrival"))
    assert [row[1] for row in rows[1:]] == ["565", "566", "567"]
    first = dict(zip(rows[0], rows[1], strict=True))
    written = datetime.strptime(first.pop("Vào sổ lúc"), "%d/%m/%Y %H:%M:%S")
    assert datetime(2020, 1, 29, 8, 40) <= written < datetime(2020, 3, 2, 9, 10)
    assert all(row[10] for row in rows[1:])  # every line says when it was written
    assert first == {
        "Ngày đến": "29/01/2020", "Số đến": "565", "Tác giả": "Ban Chấp hành Trung ương",
        "Số, ký hiệu văn bản": "160-TB/TW", "Ngày tháng văn bản": "15/01/2020",
        "Tên loại và trích yếu nội dung văn bản":
            "Thông báo: Kết luận của Bộ Chính trị về việc tiếp tục thực hiện Kết luận số "
            "62-KL/TW, ngày 08/12/2009 của Bộ Chính trị",
        "Đơn vị hoặc người nhận": "Chánh Văn phòng", "Ngày chuyển": "29/01/2020",
        "Ký nhận": "", "Ghi chú": ""}
    assert rows[2][5] == "Công văn: Về việc chuẩn bị Đại hội Đảng bộ các cấp"
    # 2021 has its own book, numbered from 1
    r = client.get(BOOK.format(kind="arrival") + "?year=2021&format=csv",
                   headers=world.auth("clerk_vptu"))
    assert [row[:2] for row in read_csv(r.content)[1:]] == [["05/01/2021", "1"]]


def test_date_filters_cut_the_book_and_its_cover(client: Any, world: Any, vptu_2020: None,
                                                 poppler: Poppler) -> None:
    h = world.auth("clerk_vptu")
    url = BOOK.format(kind="arrival") + "?year=2020&date_from=2020-03-01&date_to=2020-03-10"
    r = client.get(url + "&format=csv", headers=h)
    assert r.status_code == 200, r.text
    assert ('filename="so-den-VPTU-2020-tu-2020-03-01-den-2020-03-10.csv"'
            in r.headers["content-disposition"])
    assert [row[1] for row in read_csv(r.content)[1:]] == ["566"]
    r = client.get(url + "&format=pdf", headers=h)
    text = squash(poppler.text(r.content))
    assert "Từ ngày 01/03/2020 đến ngày 10/03/2020" in text and "Từ số 566 đến số 566" in text
    assert "160-TB/TW" not in text and "30-KH/TW" not in text
    # only a lower bound; a range reaching past the year is cut to the year
    r = client.get(BOOK.format(kind="arrival") + "?year=2020&date_from=2020-02-01"
                   "&date_to=2021-06-30&format=pdf", headers=h)
    text = squash(poppler.text(r.content))
    assert "Từ ngày 01/02/2020 đến ngày 31/12/2020" in text and "Từ số 566 đến số 567" in text
    r = client.get(BOOK.format(kind="arrival") + "?year=2020&date_from=2020-02-01&format=csv",
                   headers=h)
    assert [row[1] for row in read_csv(r.content)[1:]] == ["566", "567"]
    # nothing in the range: an empty book, still with its header
    r = client.get(BOOK.format(kind="arrival") + "?year=2020&date_from=2020-12-01&format=csv",
                   headers=h)
    assert read_csv(r.content) == [list(csv_columns("arrival"))]


def dispatch(client: Any, world: Any, who: str, org: str, **body: Any) -> str:
    payload = {"signer_title": "CHÁNH VĂN PHÒNG", "signer_name": "Lê Văn Chiến",
               "recipients": [{"org_code": "VPDUK"}, {"name": "Các đ/c Tỉnh ủy viên"}],
               "archive_unit": "Phòng Tổng hợp", "copies_count": 12, **body}
    r = client.post(f"/orgs/{org}/dispatches", headers=world.auth(who), json=payload)
    assert r.status_code == 201, r.text
    return str(r.json()["notation"])


def test_party_outgoing_register_by_term_orders_each_series(client: Any, world: Any, ctx: Any,
                                                            poppler: Poppler) -> None:
    h = world.auth("clerk_vptu")
    for type_code, title, on in [
            ("TB", "Thông báo lịch làm việc của Thường trực Tỉnh ủy", "2020-09-01"),
            ("TB", "Thông báo kết luận của Ban Thường vụ Tỉnh ủy", "2020-11-02"),
            ("BC", "Báo cáo tình hình thực hiện nhiệm vụ quý IV", "2020-11-03"),
            ("TB", "Thông báo phân công nhiệm vụ", "2020-11-05")]:
        set_clock(ctx, f"{on}T09:00:00+07:00")  # each is numbered on its day, in its term
        dispatch(client, world, "clerk_vptu", "VPTU", type_code=type_code, title=title,
                 issued_on=on)
    r = client.get(BOOK.format(kind="dispatch") + "?term=2020-2025&format=csv", headers=h)
    assert r.status_code == 200, r.text
    assert 'filename="so-di-VPTU-2020-2025.csv"' in r.headers["content-disposition"]
    rows = read_csv(r.content)
    assert rows[0] == list(columns("dispatch"))
    assert [row[0] for row in rows[1:]] == ["01-BC/VPTU", "01-TB/VPTU", "02-TB/VPTU"]
    assert dict(zip(rows[0], rows[2], strict=True)) == {
        "Số, ký hiệu văn bản": "01-TB/VPTU", "Ngày tháng văn bản": "02/11/2020",
        # the title already names its type: it is not repeated
        "Tên loại và trích yếu nội dung văn bản": "Thông báo kết luận của Ban Thường vụ Tỉnh ủy",
        "Người ký": "Lê Văn Chiến",
        "Nơi nhận văn bản": "Văn phòng Đảng ủy Khối các cơ quan và doanh nghiệp tỉnh; "
                            "Các đ/c Tỉnh ủy viên",
        "Đơn vị, người nhận bản lưu": "Phòng Tổng hợp", "Số lượng bản": "12",
        "Ngày chuyển": "02/11/2020", "Ký nhận": "", "Ghi chú": ""}
    # the year 2020 spans two terms: the old term's series first
    r = client.get(BOOK.format(kind="dispatch") + "?year=2020&format=csv", headers=h)
    assert [row[0] for row in read_csv(r.content)[1:]] == [
        "01-TB/VPTU", "01-BC/VPTU", "01-TB/VPTU", "02-TB/VPTU"]
    r = client.get(BOOK.format(kind="dispatch") + "?term=2020-2025", headers=h)
    assert r.status_code == 200 and r.headers["content-type"] == "application/pdf"
    text = squash(poppler.text(r.content))
    for field in ("SỔ ĐĂNG KÝ VĂN BẢN ĐI", "Nhiệm kỳ: 2020-2025",
                  "Từ ngày 02/11/2020 đến ngày 05/11/2020",
                  "Từ số … đến số …",  # three series (BC, TB): no single number range
                  "Trang 1/1"):
        assert field in text, field
    raw = squash(poppler.text(r.content, "-raw"))
    for title in columns("dispatch"):
        assert all(word in raw for word in title.split()), title
    assert "Báo cáo tình hình thực hiện nhiệm vụ quý IV" in raw
    assert "Thông báo lịch làm việc" not in raw  # the 2015-2020 term's


def test_state_outgoing_register_one_series_per_year(client: Any, world: Any,
                                                     poppler: Poppler) -> None:
    h = world.auth("clerk_ubnd")
    assert dispatch(client, world, "clerk_ubnd", "UBND", type_code="QĐ", issued_on="2020-04-01",
                    title="Về việc thành lập Ban Chỉ đạo chuyển đổi số tỉnh", recipients=[],
                    signer_authority="KT. CHỦ TỊCH", signer_name="Trương Thanh Tùng"
                    ) == "01/QĐ-UBND"
    assert dispatch(client, world, "clerk_ubnd", "UBND", type_code=None, unit="VX",
                    issued_on="2020-04-02", title="Về việc tăng cường phòng, chống dịch",
                    recipients=[{"name": "Các sở, ban, ngành"}]) == "02/UBND-VX"
    r = client.get("/orgs/UBND/registers/dispatch/book?year=2020&format=csv", headers=h)
    rows = read_csv(r.content)
    assert [(row[0], row[2], row[3], row[4]) for row in rows[1:]] == [
        ("01/QĐ-UBND", "Quyết định: Về việc thành lập Ban Chỉ đạo chuyển đổi số tỉnh",
         "Trương Thanh Tùng", ""),
        ("02/UBND-VX", "Công văn: Về việc tăng cường phòng, chống dịch", "Lê Văn Chiến",
         "Các sở, ban, ngành")]
    r = client.get("/orgs/UBND/registers/dispatch/book?year=2020", headers=h)
    text = squash(poppler.text(r.content))
    assert "ỦY BAN NHÂN DÂN TỈNH ĐẮK NÔNG" in text and "Năm: 2020" in text
    assert "Từ số 1 đến số 2" in text
    r = client.get("/orgs/UBND/registers/dispatch/book?term=2020-2025", headers=h)
    assert r.status_code == 422 and r.json()["field"] == "term"
    assert "State" in r.json()["detail"]


@pytest.mark.parametrize(("query", "field"), [
    ("/orgs/VPTU/registers/minutes/book?year=2020", "kind"),
    ("/orgs/VPTU/registers/arrival/book?year=2020&format=xlsx", "format"),
    ("/orgs/VPTU/registers/arrival/book", "year"),
    ("/orgs/VPTU/registers/arrival/book?year=20200", "year"),
    ("/orgs/VPTU/registers/arrival/book?year=2020&term=2020-2025", "term"),
    ("/orgs/VPTU/registers/arrival/book?term=2020-2025", "term"),
    ("/orgs/VPTU/registers/dispatch/book?term=2030-2035", "term"),
    ("/orgs/VPTU/registers/arrival/book?year=2020&date_from=2020-05-01&date_to=2020-04-01",
     "date_from"),
    ("/orgs/VPTU/registers/arrival/book?year=2020&date_to=2020-13-01", "date_to"),
    ("/orgs/VPTU/registers/copy/book?year=2020&volume=0", "volume"),
])
def test_bad_parameters_are_422_naming_the_field(client: Any, world: Any, query: str,
                                                 field: str) -> None:
    r = client.get(query, headers=world.auth("clerk_vptu"))
    assert r.status_code == 422, r.text
    assert r.headers["content-type"] == "application/problem+json"
    assert r.json()["field"] == field


def test_who_may_export_a_book(client: Any, world: Any, vptu_2020: None) -> None:
    url = BOOK.format(kind="arrival") + "?year=2020&format=csv"
    r = client.get(url, headers=world.auth("clerk_ubnd"))
    assert r.status_code == 403 and r.headers["content-type"] == "application/problem+json"
    assert client.get("/orgs/TTTU/registers/arrival/book?year=2020",
                      headers=world.auth("clerk_vptu")).status_code == 403
    assert client.get(url).status_code == 401
    assert client.get("/orgs/NOPE/registers/arrival/book?year=2020",
                      headers=world.auth("clerk_vptu")).status_code == 404
    # the provincial committee's auditor reads the office below it; its department reads its own
    for who in ("auditor", "dept_vptu", "head_vptu"):
        r = client.get(url, headers=world.auth(who))
        assert r.status_code == 200, (who, r.text)
        assert len(read_csv(r.content)) == 4
