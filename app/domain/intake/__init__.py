"""Intake parser: read an official document's text (OCR or extracted) into a reviewable proposal.

``parse_text(text) -> Proposal``; ``Proposal.to_dict()`` is the JSON shape of ``vanthu intake
FILE --json``; ``Proposal.to_text()`` the human-readable print. Pure: no I/O. See docs/intake.md.
"""

from app.domain.intake.model import (
    ArrivalStamp,
    CopyBlock,
    Evidence,
    Proposal,
    Reference,
    SignatureBlock,
    Signer,
)
from app.domain.intake.parser import parse_text

__all__ = [
    "ArrivalStamp",
    "CopyBlock",
    "Evidence",
    "Proposal",
    "Reference",
    "SignatureBlock",
    "Signer",
    "parse_text",
]
