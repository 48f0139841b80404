"""The forms of the register books (sổ đăng ký, ND 30 Phụ lục IV): cover fields, row types,
column titles and how a cell is written. The PDF is drawn by :mod:`app.render.register_book`, the
CSV written by :mod:`app.render.register_csv`.

The copy register (sổ đăng ký bản sao) has no form in ND 30; ours mirrors the outgoing register
with the copy's own fields (see docs/rendering.md).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal

from app.domain.dates import VN_TZ
from app.render.text import nfc

RegisterKind = Literal["arrival", "dispatch", "copy"]


@dataclass(frozen=True)
class RegisterMeta:
    """Cover fields of a register book (ND 30 Phụ lục IV)."""

    kind: RegisterKind
    parent_org: str | None  # tên cơ quan chủ quản trực tiếp
    org_name: str  # tên cơ quan, đơn vị
    year_or_term: str  # "2020" (Năm) or a Party term "2020-2025" (Nhiệm kỳ)
    date_from: date | None  # từ ngày
    date_to: date | None  # đến ngày
    number_from: int | str | None  # từ số
    number_to: int | str | None  # đến số
    volume: int | str | None  # quyển số


@dataclass(frozen=True)
class ArrivalRow:
    """One line of the incoming register (sổ đăng ký văn bản đến)."""

    arrival_date: date | datetime  # ngày đến
    arrival_number: int | str  # số đến
    author: str  # tác giả (cơ quan ban hành)
    notation: str  # số, ký hiệu văn bản
    document_date: date | None  # ngày tháng văn bản
    summary: str  # tên loại và trích yếu nội dung
    recipient: str  # đơn vị hoặc người nhận
    transfer_date: date | datetime | None = None  # ngày chuyển
    receipt: str = ""  # ký nhận
    note: str = ""  # ghi chú
    #: vào sổ lúc: when the line was written. Not a column of the printed form (ND 30 Phụ lục
    #: IV); the CSV carries it after the form's columns, so order of receipt can be checked.
    registered_at: datetime | None = None


@dataclass(frozen=True)
class DispatchRow:
    """One line of the outgoing register (sổ đăng ký văn bản đi)."""

    notation: str  # số, ký hiệu văn bản
    document_date: date | None  # ngày tháng văn bản
    summary: str  # tên loại và trích yếu nội dung
    signer: str  # người ký
    recipients: str  # nơi nhận văn bản
    archive_holder: str  # đơn vị, người nhận bản lưu
    copies: int | None  # số lượng bản
    transfer_date: date | datetime | None = None  # ngày chuyển
    receipt: str = ""  # ký nhận
    note: str = ""  # ghi chú


@dataclass(frozen=True)
class CopyRow:
    """One line of the copy register (sổ đăng ký bản sao; our form, see the module doc)."""

    copy_notation: str  # số, ký hiệu bản sao
    copy_date: date | datetime  # ngày sao
    copy_form: str  # hình thức sao: Sao y / Sao lục / Trích sao
    source: str  # số, ký hiệu, ngày văn bản được sao
    source_issuer: str  # cơ quan ban hành
    summary: str  # trích yếu
    signer: str  # người ký
    recipients: str  # nơi nhận
    copies: int | None  # số lượng bản
    note: str = ""  # ghi chú


Row = ArrivalRow | DispatchRow | CopyRow | tuple[object, ...]


@dataclass(frozen=True)
class _Form:
    title: str
    columns: tuple[str, ...]
    weights: tuple[int, ...]
    row_type: type
    #: columns the CSV adds after the printed ones (the row type's last fields)
    csv_extra: tuple[str, ...] = ()


FORMS: dict[RegisterKind, _Form] = {
    "arrival": _Form(
        "SỔ ĐĂNG KÝ VĂN BẢN ĐẾN",
        (
            "Ngày đến",
            "Số đến",
            "Tác giả",
            "Số, ký hiệu văn bản",
            "Ngày tháng văn bản",
            "Tên loại và trích yếu nội dung văn bản",
            "Đơn vị hoặc người nhận",
            "Ngày chuyển",
            "Ký nhận",
            "Ghi chú",
        ),
        (8, 6, 13, 11, 8, 23, 12, 8, 6, 5),
        ArrivalRow,
        ("Vào sổ lúc",),
    ),
    "dispatch": _Form(
        "SỔ ĐĂNG KÝ VĂN BẢN ĐI",
        (
            "Số, ký hiệu văn bản",
            "Ngày tháng văn bản",
            "Tên loại và trích yếu nội dung văn bản",
            "Người ký",
            "Nơi nhận văn bản",
            "Đơn vị, người nhận bản lưu",
            "Số lượng bản",
            "Ngày chuyển",
            "Ký nhận",
            "Ghi chú",
        ),
        (11, 8, 23, 11, 14, 10, 6, 8, 5, 4),
        DispatchRow,
    ),
    "copy": _Form(
        "SỔ ĐĂNG KÝ BẢN SAO VĂN BẢN",
        (
            "Số, ký hiệu bản sao",
            "Ngày sao",
            "Hình thức sao",
            "Số, ký hiệu, ngày văn bản được sao",
            "Cơ quan ban hành",
            "Trích yếu",
            "Người ký",
            "Nơi nhận",
            "Số lượng bản",
            "Ghi chú",
        ),
        (10, 7, 7, 12, 12, 20, 10, 11, 6, 5),
        CopyRow,
    ),
}


def columns(kind: RegisterKind) -> tuple[str, ...]:
    """Column titles of a register kind, in order."""
    return FORMS[kind].columns


def format_cell(value: object) -> str:
    """Dates as dd/mm/yyyy (aware datetimes in Vietnam time), None as empty, the rest as text."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            value = value.astimezone(VN_TZ)
        return value.strftime("%d/%m/%Y")
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    return nfc(str(value))


def csv_columns(kind: RegisterKind) -> tuple[str, ...]:
    """Column titles of a register kind's CSV: the printed ones, then the CSV-only ones."""
    return FORMS[kind].columns + FORMS[kind].csv_extra


def format_moment(value: datetime | None) -> str:
    """A moment as dd/mm/yyyy HH:MM:SS in Vietnam time (the "vào sổ lúc" cell)."""
    return "" if value is None else value.astimezone(VN_TZ).strftime("%d/%m/%Y %H:%M:%S")


def _values(kind: RegisterKind, row: Row) -> list[object]:
    form = FORMS[kind]
    if isinstance(row, tuple):
        values: list[object] = list(row)
    elif isinstance(row, form.row_type):
        values = [getattr(row, f.name) for f in dataclasses.fields(row)]
    else:
        raise TypeError(
            f"a {kind} register takes {form.row_type.__name__} rows or tuples, "
            f"not {type(row).__name__}"
        )
    printed, full = len(form.columns), len(form.columns) + len(form.csv_extra)
    if len(values) not in (printed, full):
        raise ValueError(f"a {kind} register row has {printed} cells, this one has {len(values)}")
    return values + [None] * (full - len(values))


def row_cells(kind: RegisterKind, row: Row) -> list[str]:
    """The ten printed cells of one row; a dataclass must be the kind's row type."""
    return [format_cell(v) for v in _values(kind, row)[: len(FORMS[kind].columns)]]


def csv_cells(kind: RegisterKind, row: Row) -> list[str]:
    """The CSV cells of one row: the printed ones, then the CSV-only moments."""
    values = _values(kind, row)
    printed = len(FORMS[kind].columns)
    return [format_cell(v) for v in values[:printed]] + [
        format_moment(v) if isinstance(v, datetime) or v is None else format_cell(v)
        for v in values[printed:]]

