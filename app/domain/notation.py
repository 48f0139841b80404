"""Document numbers and notations (số và ký hiệu) of both families.

Party (HD 36-HD/VPTW Mục II 1.3): ``Số 160-TB/TW``: number, hyphen, type, slash, issuer; "Số"
without a colon. State (ND 30 Phụ lục I II.3): ``Số: 05/QĐ-UBND``: number, slash, type and issuer
joined by hyphens; a công văn has no type (``05/BNV-VP``: issuer, drafting unit); legal normative
documents carry the year (``15/2020/NĐ-CP``). The families are told apart by the separator that
follows the number. Both families pad numbers below 10 with a zero ("05"); see docs/domain.md.

Parsing never rewrites letters: type, issuer and unit are kept as written (mixed case such as
QyĐ, CTr, TrS, QĐi, TTg round-trips). Only spacing, the "Số" prefix and number padding change.

A notation is written in Latin (Vietnamese) letters and the digits 0-9. A letter of another script
that looks like a Latin one (Cyrillic "С" or "Т", Greek "Τ") or a digit of another script makes a
different notation that no search for the real one finds, so it is refused, naming the character.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from app.domain.doc_types import Family, TypeKind, known_abbreviations
from app.domain.errors import NotationError
from app.domain.text import fold, nfc

PARTY_EXAMPLE = "160-TB/TW"
STATE_EXAMPLE = "05/QĐ-UBND"

_DASHES = re.compile(r"[‐‑‒–—−]")  # typographic dashes typed for '-'
_PREFIX = re.compile(r"^s[oố]\s*:?\s*(?=\d|$)", re.IGNORECASE)
_AROUND_SEPARATOR = re.compile(r"\s*([-/])\s*")
_LEADING_NUMBER = re.compile(r"\d+")
_STATE_TYPE_KINDS = frozenset({TypeKind.ADMINISTRATIVE, TypeKind.COPY})
#: Document numbers restart every year (State) or committee term (Party); eight digits is far beyond
#: any register, and the number is stored in an INTEGER column.
MAX_NUMBER = 99_999_999
_ASCII_DIGITS = frozenset("0123456789")


@dataclass(frozen=True)
class Notation:
    """A parsed số và ký hiệu.

    ``issuer`` is the issuing body's abbreviation (TW, VPTU, UBND, CP); ``unit`` what follows it in
    a State ký hiệu: the drafting unit of a công văn (``05/BNV-VP`` → VP) or further groups
    (co-issuers of a joint document); ``year`` only for ``N/YYYY/TYPE-ISSUER``. Construction
    validates, so every Notation formats to text that parses back to it.
    """

    family: Family
    number: int
    type_code: str | None
    issuer: str
    year: int | None = None
    unit: str | None = None

    def __post_init__(self) -> None:
        _validate(self)

    def __str__(self) -> str:
        return format_notation(self)


def _is_latin_letter(c: str) -> bool:
    return c.isalpha() and unicodedata.name(c, "").startswith("LATIN ")


def _is_letters(s: str) -> bool:
    return bool(s) and all(_is_latin_letter(c) for c in s)


def _is_group(s: str) -> bool:
    return bool(s) and all(_is_latin_letter(c) or c in _ASCII_DIGITS for c in s)


def _foreign_character(s: str) -> str | None:
    """The first letter or digit in ``s`` that is not a Latin letter or 0-9, if any."""
    for c in s:
        if (c.isalpha() and not _is_latin_letter(c)) or (c.isdigit() and c not in _ASCII_DIGITS):
            return c
    return None


def _refuse_foreign(s: str) -> None:
    c = _foreign_character(s)
    if c is not None:
        name = unicodedata.name(c, f"U+{ord(c):04X}")
        raise NotationError(
            f"{c!r} ({name}) in {s!r} is not a Latin letter or a digit 0-9: a notation is "
            "written in Vietnamese letters and digits, and a look-alike character makes a "
            "different notation"
        )


def _is_issuer(s: str) -> bool:
    # An issuer abbreviation has letters (UBND, QH15); a bare number is a misplaced year or number.
    return _is_group(s) and any(c.isalpha() for c in s)


def _looks_like_state_type(word: str) -> bool:
    """True if ``word`` reads as an administrative or copy type abbreviation of the State."""
    known = known_abbreviations(Family.STATE, _STATE_TYPE_KINDS)
    return word in known or fold(word) in {fold(a) for a in known}


def _check_groups(value: str, what: str) -> None:
    for group in value.split("-"):
        if not _is_group(group):
            raise NotationError(
                f"{what} must be letters or digits in groups joined by '-', got {value!r}"
            )


def _validate(n: Notation) -> None:
    if isinstance(n.number, bool) or not isinstance(n.number, int) or n.number < 1:
        raise NotationError(f"number must be a positive integer, got {n.number!r}", field="number")
    if n.number > MAX_NUMBER:
        raise NotationError(f"number must be at most {MAX_NUMBER}, got {n.number}", field="number")
    if n.type_code is not None and not _is_letters(n.type_code):
        raise NotationError(
            f"type abbreviation must be letters only, got {n.type_code!r}", field="type_code"
        )
    if n.family is Family.PARTY:
        if n.type_code is None:
            raise NotationError(
                "a Party notation needs a type abbreviation (công văn is CV), like 160-TB/TW",
                field="type_code",
            )
        if n.year is not None or n.unit is not None:
            raise NotationError("a Party notation has no year and no unit part", field="notation")
        _check_groups(n.issuer, "issuer")
        if not any(c.isalpha() for c in n.issuer):
            raise NotationError(f"issuer must contain letters, got {n.issuer!r}", field="issuer")
        return
    if not _is_issuer(n.issuer):
        raise NotationError(
            f"issuer must be letters (and digits) without '-', got {n.issuer!r}", field="issuer"
        )
    if n.unit is not None:
        _check_groups(n.unit, "unit")
    if n.year is not None:
        if not 1000 <= n.year <= 9999:
            raise NotationError(f"year must have four digits, got {n.year!r}", field="year")
        if n.type_code is None and n.unit is not None:
            raise NotationError(
                "a notation with a year and no type has a single issuer group, like 20/2023/QH15",
                field="unit",
            )
        return
    if n.type_code is not None and not _looks_like_state_type(n.type_code):
        raise NotationError(
            f"{n.type_code!r} is not a State type abbreviation (ND 30 Phụ lục III); "
            "a công văn has no type: leave type_code empty",
            field="type_code",
        )
    if n.type_code is None and _looks_like_state_type(n.issuer):
        raise NotationError(
            f"issuer {n.issuer!r} would read as a type abbreviation; "
            "a State công văn starts with the issuer, like 05/BNV-VP",
            field="issuer",
        )


def _pad(number: int) -> str:
    # ND 30 Phụ lục I II.3.c: numbers below 10 get a leading zero; Party documents write "05-CT/TW"
    # too (HD 36: numbers run "from 01").
    return f"{number:02d}"


def format_notation(n: Notation) -> str:
    """Canonical text: ``160-TB/TW``, ``05/QĐ-UBND``, ``05/BNV-VP``, ``15/2020/NĐ-CP``."""
    if n.family is Family.PARTY:
        return f"{_pad(n.number)}-{n.type_code}/{n.issuer}"
    ky = "-".join(p for p in (n.type_code, n.issuer, n.unit) if p)
    if n.year is not None:
        return f"{_pad(n.number)}/{n.year}/{ky}"
    return f"{_pad(n.number)}/{ky}"


def format_number_line(n: Notation) -> str:
    """The line under the issuer's name: ``Số 160-TB/TW`` (Party, no colon), ``Số: 05/QĐ-UBND``."""
    sep = " " if n.family is Family.PARTY else ": "
    return f"Số{sep}{format_notation(n)}"


def _clean(text: str) -> str:
    s = _DASHES.sub("-", nfc(text)).strip()
    s = _PREFIX.sub("", s)
    return _AROUND_SEPARATOR.sub(r"\1", s)


def detect_family(text: str) -> Family | None:
    """PARTY if a '-' follows the number, STATE if a '/', else None."""
    s = _clean(text)
    m = _LEADING_NUMBER.match(s)
    if not m or m.end() >= len(s):
        return None
    return {"-": Family.PARTY, "/": Family.STATE}.get(s[m.end()])


def parse_notation(text: str, family: Family | None = None) -> Notation:
    """Read a số và ký hiệu, with or without "Số"/"Số:", tolerating spaces around '-' and '/'.

    ``family`` forces the family; without it the separator after the number decides.
    Raises NotationError (field "notation") with the precise reason.
    """
    s = _clean(text)
    if not s:
        raise NotationError("notation is empty")
    _refuse_foreign(s)
    if any(c.isspace() for c in s):
        raise NotationError(
            f"unexpected space in {s!r}: the parts of a notation are joined by '-' and '/' "
            "without spaces"
        )
    m = _LEADING_NUMBER.match(s)
    if m is None:
        raise NotationError(f"a notation starts with the document number (digits), got {s!r}")
    digits, rest = m.group(), s[m.end() :]
    if len(digits.lstrip("0")) > len(str(MAX_NUMBER)):
        shown = digits if len(digits) <= 20 else digits[:20] + "…"
        raise NotationError(f"number must be at most {MAX_NUMBER}, got {shown}")
    if int(digits) == 0:
        raise NotationError(f"number must be a positive integer, got {digits!r}")
    if not rest:
        raise NotationError(
            f"missing ký hiệu after the number {digits!r}: expected a notation like "
            f"{PARTY_EXAMPLE} (Party) or {STATE_EXAMPLE} (State)"
        )
    sep = rest[0]
    if sep not in "-/":
        raise NotationError(
            f"expected '-' (Party) or '/' (State) after the number {digits!r}, got {sep!r}"
        )
    detected = Family.PARTY if sep == "-" else Family.STATE
    wanted = family or detected
    if wanted is not detected:
        if wanted is Family.PARTY:
            raise NotationError(
                f"expected '-' between number and type in a Party notation like {PARTY_EXAMPLE}"
            )
        raise NotationError(
            f"expected '/' between number and ký hiệu in a State notation like {STATE_EXAMPLE}"
        )
    try:
        if wanted is Family.PARTY:
            return _parse_party(int(digits), rest[1:])
        return _parse_state(int(digits), rest[1:])
    except NotationError as exc:
        # Whatever part was wrong, the input the client sent is the notation text.
        raise NotationError(exc.reason, field="notation") from None


def _parse_party(number: int, body: str) -> Notation:
    if "/" not in body:
        raise NotationError(
            f"expected '/' between type and issuer in a Party notation like {PARTY_EXAMPLE}"
        )
    type_code, issuer = body.split("/", 1)
    if not type_code:
        raise NotationError(
            f"missing type abbreviation between '-' and '/' in a Party notation like "
            f"{PARTY_EXAMPLE}"
        )
    if not _is_letters(type_code):
        raise NotationError(f"type abbreviation must be letters only, got {type_code!r}")
    if not issuer:
        raise NotationError(f"missing issuer after '/' in a Party notation like {PARTY_EXAMPLE}")
    if "/" in issuer:
        raise NotationError(
            f"unexpected second '/' in the issuer {issuer!r} of a Party notation like "
            f"{PARTY_EXAMPLE}"
        )
    _check_groups(issuer, "issuer")
    return Notation(Family.PARTY, number, type_code, issuer)


def _split_groups(ky: str) -> list[str]:
    if not ky:
        raise NotationError(f"missing ký hiệu after '/' in a State notation like {STATE_EXAMPLE}")
    groups = ky.split("-")
    if any(not g for g in groups):
        raise NotationError(f"empty part in the ký hiệu {ky!r}: two '-' in a row or '-' at an end")
    for g in groups:
        if not _is_group(g):
            raise NotationError(f"ký hiệu parts must be letters or digits, got {g!r} in {ky!r}")
    return groups


def _parse_state(number: int, body: str) -> Notation:
    parts = body.split("/")
    year: int | None = None
    if len(parts) == 2:
        if not parts[0].isdigit():
            raise NotationError(
                f"unexpected '/' in the ký hiệu {body!r}: a State notation is "
                f"N/TYPE-ISSUER ({STATE_EXAMPLE}) or N/YYYY/TYPE-ISSUER (15/2020/NĐ-CP)"
            )
        if len(parts[0]) != 4:
            raise NotationError(f"year must have four digits, got {parts[0]!r}")
        year = int(parts[0])
    elif len(parts) > 2:
        raise NotationError(
            f"too many '/' in {body!r}: a State notation is N/TYPE-ISSUER or N/YYYY/TYPE-ISSUER"
        )
    groups = _split_groups(parts[-1])
    if year is not None:
        if len(groups) == 1:  # a law: 20/2023/QH15
            return Notation(Family.STATE, number, None, groups[0], year=year)
        if not _is_letters(groups[0]):
            raise NotationError(f"type abbreviation must be letters only, got {groups[0]!r}")
        return Notation(
            Family.STATE, number, groups[0], groups[1], year=year, unit=_join(groups[2:])
        )
    if len(groups) == 1 and len(groups[0]) == 4 and groups[0].isdigit():
        raise NotationError(
            f"missing ký hiệu after the year {groups[0]!r}: expected a notation like 15/2020/NĐ-CP"
        )
    if _looks_like_state_type(groups[0]):
        if len(groups) == 1:
            raise NotationError(
                f"missing issuer after the type {groups[0]!r}: expected a State notation like "
                f"{STATE_EXAMPLE}"
            )
        return Notation(Family.STATE, number, groups[0], groups[1], unit=_join(groups[2:]))
    # No type abbreviation: a công văn, ISSUER-UNIT (ND 30 Phụ lục I II.3.b).
    return Notation(Family.STATE, number, None, groups[0], unit=_join(groups[1:]))


def _join(groups: list[str]) -> str | None:
    return "-".join(groups) if groups else None


def party_notation(number: int, type_code: str, issuer: str) -> str:
    """``party_notation(160, "TB", "TW")`` → ``"160-TB/TW"`` (validated)."""
    return format_notation(Notation(Family.PARTY, number, type_code, issuer))


def state_notation(
    number: int,
    type_code: str | None,
    issuer: str,
    year: int | None = None,
    unit: str | None = None,
) -> str:
    """``state_notation(5, "QĐ", "UBND")`` → ``"05/QĐ-UBND"``.

    A công văn has no type: ``state_notation(5, None, "BNV", unit="VP")`` → ``"05/BNV-VP"``.
    """
    return format_notation(Notation(Family.STATE, number, type_code, issuer, year, unit))


def notation_key(text: str) -> str:
    """Dedupe key for a số và ký hiệu (ND 30 Phụ lục VI III.1.h: số, ký hiệu, issuer).

    NFC, canonical spacing and padding when the text parses, then diacritics and Đ/D folded,
    case-folded, no spaces: "30-SL/VPDUK", "Số 30 - SL/VPĐUK" and "30-sl/vpđuk" share one key.
    Stored in the database: do not change it without a migration.
    """
    try:
        canonical = format_notation(parse_notation(text))
    except NotationError:
        canonical = _clean(text)
    return "".join(fold(canonical).split())
