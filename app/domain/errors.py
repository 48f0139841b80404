"""Errors raised by the pure domain rules.

The API layer turns a :class:`DomainError` into a 422 problem+json naming ``field``; ``reason`` is
the sentence a clerk reads, so it says what was expected and what was found.
"""

from __future__ import annotations


class DomainError(ValueError):
    """A value breaks a domain rule. ``field`` names the input, ``reason`` says why."""

    default_field = "value"

    def __init__(self, reason: str, *, field: str | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.field = field if field is not None else self.default_field

    def __repr__(self) -> str:
        return f"{type(self).__name__}(field={self.field!r}, reason={self.reason!r})"


class NotationError(DomainError):
    """A document number or notation (số, ký hiệu) that cannot be read or written."""

    default_field = "notation"


class DateTextError(DomainError):
    """A date phrase, numeric date or signing time that cannot be read."""

    default_field = "date"


class ScopeError(DomainError):
    """No numbering series can be chosen (e.g. a Party date outside every committee term)."""

    default_field = "terms"
