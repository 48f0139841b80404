"""Pure domain rules of the register: notation, dates, type catalogue, numbering scopes, copies.

No I/O (apart from reading the packaged type catalogue), no database, no web framework.
"""

from app.domain.copy_forms import CopyKind, check_copy_source, copy_notation
from app.domain.dates import (
    VN_TZ,
    format_date_line,
    format_signing_time,
    parse_date_line,
    parse_numeric_date,
    parse_signing_time,
    to_vn,
)
from app.domain.doc_types import DocType, Family, doc_types, lookup_type, type_by_name
from app.domain.errors import DateTextError, DomainError, NotationError, ScopeError
from app.domain.marks import AuthorityPrefix, Confidentiality, Urgency
from app.domain.notation import (
    Notation,
    format_notation,
    format_number_line,
    notation_key,
    parse_notation,
    party_notation,
    state_notation,
)
from app.domain.numbering import RegisterKind, Term, scope_key
from app.domain.text import fold, fold_notation, nfc, vn_upper

__all__ = [
    "VN_TZ",
    "AuthorityPrefix",
    "Confidentiality",
    "CopyKind",
    "DateTextError",
    "DocType",
    "DomainError",
    "Family",
    "Notation",
    "NotationError",
    "RegisterKind",
    "ScopeError",
    "Term",
    "Urgency",
    "check_copy_source",
    "copy_notation",
    "doc_types",
    "fold",
    "fold_notation",
    "format_date_line",
    "format_notation",
    "format_number_line",
    "format_signing_time",
    "lookup_type",
    "nfc",
    "notation_key",
    "parse_date_line",
    "parse_notation",
    "parse_numeric_date",
    "parse_signing_time",
    "party_notation",
    "scope_key",
    "state_notation",
    "to_vn",
    "type_by_name",
    "vn_upper",
]
