"""What a certified copy attests (docs/signing.md §2): a frozen, typed `Manifest`.

It is built once (by whoever makes the copy) and read once from the signed bytes (by whoever
verifies it); nothing else reads a manifest by string keys. Extra fields are allowed and kept.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any

from signing.timefmt import parse_iso

MANIFEST_VERSION = 1
_HEX64 = re.compile(r"^[0-9a-f]{64}$")


class CopyForm(StrEnum):
    """The copy's form (hình thức bản sao, Nghị định 30/2020 Đ25)."""

    SAO_Y = "SAO_Y"  # sao y
    SAO_LUC = "SAO_LUC"  # sao lục
    TRICH_SAO = "TRICH_SAO"  # trích sao


class SourceKind(StrEnum):
    """What a copy was made from: the original document or another copy."""

    ORIGINAL = "original"
    COPY = "copy"


COPY_KINDS = tuple(k.value for k in CopyForm)
SOURCE_KINDS = tuple(k.value for k in SourceKind)


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass(frozen=True)
class OfficeRef:
    """The copying office (cơ quan sao)."""

    code: str
    name: str
    email: str


@dataclass(frozen=True)
class SignerRef:
    """Who signs the copy: quyền hạn (TL./KT.), chức vụ, họ tên."""

    authority: str
    title: str
    name: str


@dataclass(frozen=True)
class SourceRef:
    """The document the copy was made from, by notation and by the digest of its PDF."""

    notation: str
    sha256: str
    kind: SourceKind


@dataclass(frozen=True)
class Manifest:
    kind: CopyForm
    notation: str  # the copy's own số và ký hiệu
    office: OfficeRef
    place: str
    date: date
    signer: SignerRef
    signed_at: str  # ISO 8601 with its offset (+07:00)
    recipients: tuple[str, ...]
    source: SourceRef
    parent_manifest_sha256: str | None
    pages: tuple[int, ...] | None  # a trích sao's pages of the source, 1-based
    version: int = MANIFEST_VERSION
    #: fields beyond the required ones (e.g. "document", "confidentiality"), kept as signed
    extra: Mapping[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """The JSON object that is canonicalised (RFC 8785) and signed."""
        return {
            "version": self.version,
            "kind": self.kind.value,
            "notation": self.notation,
            "office": {"code": self.office.code, "name": self.office.name,
                       "email": self.office.email},
            "place": self.place,
            "date": self.date.isoformat(),
            "signer": {"authority": self.signer.authority, "title": self.signer.title,
                       "name": self.signer.name},
            "signed_at": self.signed_at,
            "recipients": list(self.recipients),
            "source": {"notation": self.source.notation, "sha256": self.source.sha256,
                       "kind": self.source.kind.value},
            "parent_manifest_sha256": self.parent_manifest_sha256,
            "pages": None if self.pages is None else list(self.pages),
            **self.extra,
        }

    @classmethod
    def from_dict(cls, obj: Mapping[str, Any]) -> Manifest:
        """ValueError naming every problem when `obj` is not a well-formed manifest."""
        problems = manifest_problems(obj)
        if problems:
            raise ValueError("invalid manifest: " + "; ".join(problems))
        office, signer, source = obj["office"], obj["signer"], obj["source"]
        known = {"version", "kind", "notation", "office", "place", "date", "signer",
                 "signed_at", "recipients", "source", "parent_manifest_sha256", "pages"}
        return cls(
            kind=CopyForm(obj["kind"]),
            notation=obj["notation"],
            office=OfficeRef(office["code"], office["name"], office["email"]),
            place=obj["place"],
            date=date.fromisoformat(obj["date"]),
            signer=SignerRef(signer["authority"], signer["title"], signer["name"]),
            signed_at=obj["signed_at"],
            recipients=tuple(obj["recipients"]),
            source=SourceRef(source["notation"], source["sha256"], SourceKind(source["kind"])),
            parent_manifest_sha256=obj["parent_manifest_sha256"],
            pages=None if obj["pages"] is None else tuple(obj["pages"]),
            version=obj["version"],
            extra={k: v for k, v in obj.items() if k not in known},
        )


class _Problems:
    def __init__(self) -> None:
        self.found: list[str] = []

    def need(self, obj: Mapping[str, Any], key: str, where: str,
             kind: type | tuple[type, ...]) -> Any:
        if key not in obj:
            self.found.append(f"{where}{key} is missing")
            return None
        if not isinstance(obj[key], kind):
            self.found.append(f"{where}{key} has the wrong type")
            return None
        return obj[key]


def _parts_problems(p: _Problems, manifest: Mapping[str, Any]) -> None:
    office = p.need(manifest, "office", "", dict)
    if office is not None:
        for k in ("code", "name", "email"):
            p.need(office, k, "office.", str)
    p.need(manifest, "place", "", str)
    day = p.need(manifest, "date", "", str)
    if day is not None:
        try:
            date.fromisoformat(day)
        except ValueError:
            p.found.append("date must be an ISO date (YYYY-MM-DD)")
    signer = p.need(manifest, "signer", "", dict)
    if signer is not None:
        for k in ("authority", "title", "name"):
            p.need(signer, k, "signer.", str)
    signed_at = p.need(manifest, "signed_at", "", str)
    if signed_at is not None:
        try:
            parse_iso(signed_at)
        except ValueError:
            p.found.append("signed_at must be ISO 8601 with an offset")
    recipients = p.need(manifest, "recipients", "", list)
    if recipients is not None and not all(isinstance(r, str) for r in recipients):
        p.found.append("recipients must be a list of strings")


def _source_problems(p: _Problems, manifest: Mapping[str, Any]) -> None:
    source = p.need(manifest, "source", "", dict)
    if source is not None:
        p.need(source, "notation", "source.", str)
        digest = p.need(source, "sha256", "source.", str)
        if digest is not None and not _HEX64.match(digest):
            p.found.append("source.sha256 must be 64 lowercase hex digits")
        sk = p.need(source, "kind", "source.", str)
        if sk is not None and sk not in SOURCE_KINDS:
            p.found.append("source.kind must be 'original' or 'copy'")
    if "parent_manifest_sha256" not in manifest:
        p.found.append("parent_manifest_sha256 is missing")
    else:
        parent = manifest["parent_manifest_sha256"]
        if parent is not None and not (isinstance(parent, str) and _HEX64.match(parent)):
            p.found.append("parent_manifest_sha256 must be 64 lowercase hex digits or null")
    if "pages" not in manifest:
        p.found.append("pages is missing")
    else:
        pages = manifest["pages"]
        if pages is not None and not (
            isinstance(pages, list)
            and pages
            and all(isinstance(n, int) and not isinstance(n, bool) and n >= 1 for n in pages)
        ):
            p.found.append("pages must be null or a non-empty list of 1-based page numbers")


def manifest_problems(manifest: Mapping[str, Any]) -> list[str]:
    """Everything wrong with the required fields (docs/signing.md §2.1); extra fields are allowed."""
    p = _Problems()
    p.need(manifest, "version", "", int)
    kind = p.need(manifest, "kind", "", str)
    if kind is not None and kind not in COPY_KINDS:
        p.found.append(f"kind must be one of {', '.join(COPY_KINDS)}")
    p.need(manifest, "notation", "", str)
    _parts_problems(p, manifest)
    _source_problems(p, manifest)
    return p.found
