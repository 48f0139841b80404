"""Which links of a verified chain the register has revoked (read side of app.services.revocation).

Kept apart and small: the verification child process imports it, and it needs only the models.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from app.db import CertifiedCopy
from app.domain.dates import format_signing_time_iso


@dataclass(frozen=True)
class Revocation:
    """A revoked link of a chain, as a verification reports it."""

    copy_id: int
    notation: str
    office: str  # the issuing office's code
    revoked_at: datetime
    reason: str

    def to_dict(self) -> dict[str, object]:
        return {"copy_id": self.copy_id, "notation": self.notation, "office": self.office,
                "revoked_at": format_signing_time_iso(self.revoked_at), "reason": self.reason}


def revoked_among(session: Session, digests: Iterable[str]) -> dict[str, Revocation]:
    """PDF digest → revocation, for the revoked copies of the register among these files."""
    wanted = sorted(set(digests))
    if not wanted:
        return {}
    rows = session.scalars(select(CertifiedCopy).options(
        selectinload(CertifiedCopy.organisation)).where(
        CertifiedCopy.pdf_sha256.in_(wanted), CertifiedCopy.revoked_at.is_not(None)))
    return {c.pdf_sha256: Revocation(c.id, c.notation, c.organisation.code, c.revoked_at,
                                     c.revocation_reason or "")
            for c in rows if c.revoked_at is not None}
