"""The human-readable print of a Proposal (`vanthu intake FILE`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from app.domain.intake.model import Proposal

#: A signature box in text is only what it says: nobody checked a signature.
DECLARED = "declared: read from text, not verified"


def _value(value: Any) -> str:
    if value is None or value == []:
        return "—"
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    return str(value)


def _row(label: str, value: Any, line: int | None = None) -> str:
    where = f"  [dòng {line}]" if line is not None else ""
    return f"  {label:<18} {_value(value)}{where}"


def _original_rows(d: dict[str, Any], at: Callable[[str], int | None]) -> list[str]:
    """The original's fields, each with the line it was read from."""
    return [
        _row("Cơ quan ban hành", d["issuer"], at("issuer")),
        _row("Cơ quan chủ quản", d["issuer_parent"], at("issuer_parent")),
        _row("Số, ký hiệu", d["notation"], at("notation")),
        _row(
            "Loại văn bản",
            f"{d['doc_type']} ({d['doc_type_code']})" if d["doc_type"] else None,
            at("doc_type"),
        ),
        _row(
            "Nơi, ngày ban hành", f"{d['place'] or '—'}, {d['issued_on'] or '—'}", at("issued_on")
        ),
        _row("Trích yếu", d["title"], at("title")),
        _row("Thẩm quyền ký", d["signer"]["authority"], at("signer.authority")),
        _row("Chức vụ", d["signer"]["title"], at("signer.title")),
        _row("Người ký", d["signer"]["name"], at("signer.name")),
        _row("Kính gửi", d["addressees"], at("addressees")),
        _row("Nơi nhận", d["recipients"], at("recipients")),
        _row(
            "Văn bản dẫn chiếu",
            [
                f"{r['notation']} ({r['date']})" if r["date"] else r["notation"]
                for r in d["reference_details"]
            ],
        ),
        _row("Độ mật", d["confidentiality"], at("confidentiality")),
        _row("Độ khẩn", d["urgency"], at("urgency")),
    ]


def _stamp_rows(d: dict[str, Any], at: Callable[[str], int | None]) -> list[str]:
    """Each arrival stamp (dấu ĐẾN) the text bears."""
    out: list[str] = []
    for n, stamp in enumerate(d["arrival_stamps"]):
        out.append(f"Dấu ĐẾN #{n + 1}")
        out.append(_row("Cơ quan", stamp["office"], at(f"arrival_stamps.{n}.office")))
        out.append(_row("Số đến", stamp["number"], at(f"arrival_stamps.{n}.number")))
        out.append(_row("Ngày đến", stamp["date"], at(f"arrival_stamps.{n}.date")))
        if stamp["routing"]:
            out.append(_row("Chuyển", stamp["routing"], at(f"arrival_stamps.{n}.routing")))
    return out


def _copy_rows(d: dict[str, Any], at: Callable[[str], int | None]) -> list[str]:
    """Each copy block (bản sao) the text bears, with its declared signature box."""
    out: list[str] = []
    for n, copy in enumerate(d["copies"]):
        out.append(f"Bản sao #{n + 1} ({copy['kind']})")
        out.append(_row("Cơ quan sao", copy["office"], at(f"copies.{n}.office")))
        out.append(_row("Số, ký hiệu", copy["notation"], at(f"copies.{n}.notation")))
        out.append(
            _row(
                "Nơi, ngày sao",
                f"{copy['place'] or '—'}, {copy['date'] or '—'}",
                at(f"copies.{n}.date"),
            )
        )
        out.append(
            _row(
                "Người ký",
                " ".join(
                    v
                    for v in (copy["signer_authority"], copy["signer_title"], copy["signer_name"])
                    if v
                )
                or None,
                at(f"copies.{n}.signer_name"),
            )
        )
        out.append(_row("Nơi nhận", copy["recipients"], at(f"copies.{n}.recipients")))
        if copy["signature"]:
            out.append(_signature_row(copy["signature"], at(f"copies.{n}.signature")))
    return out


def render_text(p: Proposal) -> str:
    d = p.to_dict()
    ev = p.evidence

    def at(key: str) -> int | None:
        return ev[key].line if key in ev else None

    out = ["Văn bản (original)", *_original_rows(d, at), *_stamp_rows(d, at), *_copy_rows(d, at)]
    if d["signature"]:
        out.append("Chữ ký số của văn bản")
        out.append(_signature_row(d["signature"], at("signature")))
    return "\n".join(out)


def _signature_row(sig: dict[str, Any], line: int | None) -> str:
    """A signature box read from text: what it declares, never a verified signature."""
    parts = (sig["organisation"], sig["signer"], sig["email"], sig["signed_at"])
    shown = " | ".join(v for v in parts if v)
    return _row("Chữ ký số", f"{shown} ({DECLARED})", line)
