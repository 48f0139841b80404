"""The audit log as auditors read it: signed tree heads, events and proofs (hashes in base64)."""

from __future__ import annotations

import base64
from typing import Any

from pydantic import BaseModel, Field

from app.api.schemas.common import Page
from app.audit.tree_head import SignedTreeHead
from app.services.tree_heads import AuditEntry, ConsistencyProof, InclusionProof


def b64(data: bytes) -> str:
    """Standard base64 with padding, as every binary value of the audit API is written."""
    return base64.b64encode(data).decode("ascii")


class TreeHeadOut(BaseModel):
    """RFC 6962 ``get-sth`` plus ``key_id``; the signature covers the 50-byte TreeHeadSignature."""

    tree_size: int = Field(description="number of events the head covers")
    timestamp: int = Field(description="milliseconds since 1970-01-01 UTC")
    sha256_root_hash: str = Field(description="Merkle root, base64 (32 bytes)")
    tree_head_signature: str = Field(
        description="base64: DER ECDSA P-256/SHA-256 signature (or 64-byte Ed25519)")
    key_id: str = Field(description="hex SHA-256 of the log key's DER SubjectPublicKeyInfo")

    @classmethod
    def of(cls, sth: SignedTreeHead) -> TreeHeadOut:
        return cls.model_validate(sth.to_dict())


class AuditEventOut(BaseModel):
    seq: int
    event: dict[str, Any] = Field(description="the event as hashed (docs/audit.md §2)")
    canonical: str = Field(description="the event's RFC 8785 canonical JSON; its UTF-8 bytes "
                                       "are the leaf data")
    leaf_hash: str = Field(description="the log's leaf: SHA-256(0x00 ‖ canonical), base64")

    @classmethod
    def of(cls, entry: AuditEntry) -> AuditEventOut:
        return cls(seq=entry.seq, event=entry.event, canonical=entry.canonical.decode("utf-8"),
                   leaf_hash=b64(entry.leaf_hash))


class LoggedEventOut(BaseModel):
    """An event as it was hashed (docs/audit.md §2)."""

    seq: int
    at: str = Field(description="UTC, RFC 3339 with Z")
    actor: dict[str, Any] | None = Field(description="user_id, org_code, role; null for the "
                                                     "service itself (set-up, demo)")
    action: str = Field(examples=["arrival.registered"])
    subject: dict[str, str] = Field(description="type and id of what the event is about")
    before_sha256: str | None
    after_sha256: str | None
    details: dict[str, Any]


class AuditEventPage(Page):
    items: list[LoggedEventOut]


class InclusionProofOut(BaseModel):
    leaf_index: int = Field(description="the event's seq")
    tree_size: int
    leaf_hash: str = Field(description="base64")
    audit_path: list[str] = Field(description="RFC 6962 §2.1.1 PATH, sibling first, base64")

    @classmethod
    def of(cls, proof: InclusionProof) -> InclusionProofOut:
        return cls(leaf_index=proof.leaf_index, tree_size=proof.tree_size,
                   leaf_hash=b64(proof.leaf_hash), audit_path=[b64(h) for h in proof.audit_path])


class ConsistencyProofOut(BaseModel):
    first: int
    second: int
    consistency: list[str] = Field(description="RFC 6962 §2.1.2 PROOF, base64")

    @classmethod
    def of(cls, proof: ConsistencyProof) -> ConsistencyProofOut:
        return cls(first=proof.first, second=proof.second,
                   consistency=[b64(h) for h in proof.consistency])
