"""One spelling for a notation and a type code, whatever the clerk typed.

"Số 93-TB/TW", "93 - TB / TW", "93-tb/tw" and "93-TB/TƯ" are one notation, 93-TB/TW; "ctr",
"CTr" and "C Tr" one type, CTr. Registers store and print the canonical form (and keep what was
typed as evidence), so one document is never two entries and one type never two series.
"""

from __future__ import annotations

from datetime import date

from app.domain.doc_types import DocType, Family, canonical_type
from app.domain.errors import NotationError
from app.domain.notation import Notation, parse_notation
from app.domain.text import fold, nfc

#: Issuer parts written with Vietnamese letters for the code the catalogue uses: "TƯ" (Trung
#: ương) is how 160-TB/TW is sometimes typed.
ISSUER_ALIASES = {"TƯ": "TW"}


def issuer_spelling(written: str, issuer_code: str) -> str | None:
    """How the register spells the issuer part ``written`` of a notation by the body with code
    ``issuer_code``, or None when it names another body. It matches the code or one of its
    '-' groups (a body coded BCH-TW writes TW, UBND-KN writes UBND), case, Đ/D and the aliases
    above aside: "TƯ" is TW, but "TU" (Tỉnh ủy) is not."""
    spelled = ISSUER_ALIASES.get(nfc(written).upper(), written)
    for candidate in (issuer_code, *issuer_code.split("-")):
        if candidate and fold(spelled) == fold(candidate):
            return candidate
    return None


def canonical_notation(text: str, family: Family, issuer_code: str,
                       issued_on: date) -> tuple[Notation, DocType | None]:
    """The notation as the register writes it, and its catalogue type (None for a State công
    văn, which has no type). Raises NotationError (field ``notation``) when the issuer part is
    another body's, TypeCodeError (field ``type_code``) for a type the family does not have."""
    parsed = parse_notation(text, family)
    doc_type = None
    type_part = parsed.type_code
    if parsed.type_code is not None:
        doc_type = canonical_type(family, parsed.type_code, issued_on)
        type_part = doc_type.abbreviation or parsed.type_code
    issuer = issuer_spelling(parsed.issuer, issuer_code)
    if issuer is None:
        raise NotationError(
            f"the issuer part {parsed.issuer!r} of {text.strip()!r} is not {issuer_code}, the "
            "issuer named; register the document under the body that issued it",
            field="notation")
    return Notation(family, parsed.number, type_part, issuer, parsed.year,
                    parsed.unit), doc_type
