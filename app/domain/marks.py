"""Confidentiality (độ mật), urgency (độ khẩn) and signer-authority prefixes (quyền hạn ký)."""

from __future__ import annotations

import re
from enum import StrEnum

from app.domain.doc_types import Family
from app.domain.errors import DomainError
from app.domain.text import nfc, vn_upper


class Confidentiality(StrEnum):
    """Độ mật (ND 30 Phụ lục I III.2; Luật Bảo vệ bí mật nhà nước 2018), lowest first."""

    NONE = "NONE"
    MAT = "MAT"
    TOI_MAT = "TOI_MAT"
    TUYET_MAT = "TUYET_MAT"

    @property
    def label(self) -> str:
        """The stamp text; empty for an ordinary document."""
        return _CONF_LABELS[self]

    @property
    def rank(self) -> int:
        return list(Confidentiality).index(self)

    @property
    def is_secret(self) -> bool:
        return self is not Confidentiality.NONE


_CONF_LABELS = {
    Confidentiality.NONE: "",
    Confidentiality.MAT: "MẬT",
    Confidentiality.TOI_MAT: "TỐI MẬT",
    Confidentiality.TUYET_MAT: "TUYỆT MẬT",
}


class Urgency(StrEnum):
    """Mức độ khẩn (ND 30 Phụ lục I III.2), lowest first; ``edxml_priority``: QCVN 102 Priority."""

    THUONG = "THUONG"
    KHAN = "KHAN"
    THUONG_KHAN = "THUONG_KHAN"
    HOA_TOC = "HOA_TOC"

    @property
    def label(self) -> str:
        return _URGENCY_LABELS[self]

    @property
    def edxml_priority(self) -> int:
        return list(Urgency).index(self)

    @classmethod
    def from_edxml_priority(cls, value: int) -> Urgency:
        """0 thường … 3 hỏa tốc; 4 (hỏa tốc hẹn giờ, an edXML extension) reads as HOA_TOC."""
        levels = list(cls)
        if not 0 <= value <= 4:
            raise DomainError(f"edXML Priority must be 0 to 4, got {value}", field="priority")
        return levels[min(value, 3)]


_URGENCY_LABELS = {
    Urgency.THUONG: "Thường",
    Urgency.KHAN: "KHẨN",
    Urgency.THUONG_KHAN: "THƯỢNG KHẨN",
    Urgency.HOA_TOC: "HỎA TỐC",
}


class AuthorityPrefix(StrEnum):
    """How the signer signs (ND 30 Phụ lục I II.7.b; Party practice)."""

    ON_BEHALF = "ON_BEHALF"  # thay mặt: State "TM.", Party "T/M"
    DEPUTY = "DEPUTY"  # ký thay: "KT.", "K/T"
    BY_ORDER = "BY_ORDER"  # thừa lệnh: "TL.", "T/L"
    AUTHORISED = "AUTHORISED"  # thừa ủy quyền: "TUQ." (State only)
    ACTING = "ACTING"  # quyền: "Q." (State only)

    def written(self, family: Family) -> str:
        """The abbreviation as printed before the title, e.g. ``TM.`` or ``T/M``."""
        table = _PARTY_WRITTEN if family is Family.PARTY else _STATE_WRITTEN
        if self not in table:
            raise DomainError(
                f"Party documents have no {self.value} prefix (only T/M, K/T, T/L)",
                field="signer_authority",
            )
        return table[self]


_STATE_WRITTEN = {
    AuthorityPrefix.ON_BEHALF: "TM.",
    AuthorityPrefix.DEPUTY: "KT.",
    AuthorityPrefix.BY_ORDER: "TL.",
    AuthorityPrefix.AUTHORISED: "TUQ.",
    AuthorityPrefix.ACTING: "Q.",
}
_PARTY_WRITTEN = {
    AuthorityPrefix.ON_BEHALF: "T/M",
    AuthorityPrefix.DEPUTY: "K/T",
    AuthorityPrefix.BY_ORDER: "T/L",
}
# Longest first so "TUQ." is not read as "T…"; "TƯQ." is a common misspelling of TUQ.
_PREFIX_RE = re.compile(r"^(TUQ\.|TƯQ\.|TM\.|KT\.|TL\.|Q\.|T/M|K/T|T/L)\s*", re.IGNORECASE)
_BY_TEXT = {
    "TUQ.": AuthorityPrefix.AUTHORISED,
    "TƯQ.": AuthorityPrefix.AUTHORISED,
    "TM.": AuthorityPrefix.ON_BEHALF,
    "KT.": AuthorityPrefix.DEPUTY,
    "TL.": AuthorityPrefix.BY_ORDER,
    "Q.": AuthorityPrefix.ACTING,
    "T/M": AuthorityPrefix.ON_BEHALF,
    "K/T": AuthorityPrefix.DEPUTY,
    "T/L": AuthorityPrefix.BY_ORDER,
}


def parse_authority(text: str) -> tuple[AuthorityPrefix | None, str]:
    """``"T/M BỘ CHÍNH TRỊ"`` → ``(ON_BEHALF, "BỘ CHÍNH TRỊ")``; no prefix → ``(None, title)``."""
    s = " ".join(nfc(text).split())
    m = _PREFIX_RE.match(s)
    if m is None:
        return None, s
    return _BY_TEXT[vn_upper(m.group(1))], s[m.end() :]


def format_authority(prefix: AuthorityPrefix | None, title: str, family: Family) -> str:
    """``format_authority(ON_BEHALF, "Bộ Chính trị", PARTY)`` → ``"T/M BỘ CHÍNH TRỊ"``."""
    upper = vn_upper(" ".join(title.split()))
    if prefix is None:
        return upper
    return f"{prefix.written(family)} {upper}"
