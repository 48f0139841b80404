"""What one leaf of the audit log is: an event, as canonical JSON (RFC 8785, JCS).

An event (sự kiện nhật ký) is::

    {"seq": 41, "at": "2025-03-04T02:15:00Z",
     "actor": {"user_id": 7, "org_code": "VPTU", "role": "clerk"} | null,
     "action": "arrival.registered", "subject": {"type": "arrival", "id": "123"},
     "before_sha256": null | "<64 hex>", "after_sha256": null | "<64 hex>", "details": {...}}

The leaf data is ``rfc8785.dumps(event)`` (keys sorted by UTF-16 code units, no whitespace,
UTF-8, shortest numbers), so anyone can rebuild the exact bytes from the JSON; the leaf hash is
``SHA-256(0x00 ‖ bytes)``. Text is hashed as given: a Vietnamese string in NFC and the same string
in NFD are different events, and the digest must show that.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from typing import Any

import rfc8785

from app.audit.merkle import leaf_hash

EVENT_KEYS = frozenset(
    {"seq", "at", "actor", "action", "subject", "before_sha256", "after_sha256", "details"}
)
ACTOR_KEYS = frozenset({"user_id", "org_code", "role"})
SUBJECT_KEYS = frozenset({"type", "id"})

_AT = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z")
_ACTION = re.compile(r"[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+")
_SHA256_HEX = re.compile(r"[0-9a-f]{64}")


class EventFormatError(ValueError):
    """The event does not have the audit log's shape, or cannot be canonicalised."""


def _keys(name: str, value: object, expected: frozenset[str]) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise EventFormatError(f"{name} must be an object")
    if set(value) != expected:
        missing, extra = sorted(expected - set(value)), sorted(set(value) - expected)
        raise EventFormatError(f"{name}: missing {missing}, unexpected {extra}")
    return value


def _optional(name: str, value: object, kind: type) -> None:
    if value is not None and (not isinstance(value, kind) or isinstance(value, bool)):
        raise EventFormatError(f"{name} must be {kind.__name__} or null")


def check_event(event: Mapping[str, Any]) -> None:
    """Raise :class:`EventFormatError` unless ``event`` has exactly the audit event shape."""
    _keys("event", event, EVENT_KEYS)
    seq = event["seq"]
    if not isinstance(seq, int) or isinstance(seq, bool) or seq < 0:
        raise EventFormatError("seq must be an integer ≥ 0")
    if not isinstance(event["at"], str) or not _AT.fullmatch(event["at"]):
        raise EventFormatError("at must be ISO 8601 UTC like 2025-03-04T02:15:00Z")
    if event["actor"] is not None:
        actor = _keys("actor", event["actor"], ACTOR_KEYS)
        _optional("actor.user_id", actor["user_id"], int)
        _optional("actor.org_code", actor["org_code"], str)
        _optional("actor.role", actor["role"], str)
    if not isinstance(event["action"], str) or not _ACTION.fullmatch(event["action"]):
        raise EventFormatError("action must look like 'arrival.registered'")
    subject = _keys("subject", event["subject"], SUBJECT_KEYS)
    for key in ("type", "id"):
        if not isinstance(subject[key], str) or not subject[key]:
            raise EventFormatError(f"subject.{key} must be a non-empty string")
    for key in ("before_sha256", "after_sha256"):
        digest = event[key]
        if digest is not None and not (isinstance(digest, str) and _SHA256_HEX.fullmatch(digest)):
            raise EventFormatError(f"{key} must be 64 lowercase hex digits or null")
    if not isinstance(event["details"], Mapping):
        raise EventFormatError("details must be an object")


def canonical_json(obj: Any) -> bytes:
    """RFC 8785 canonical JSON bytes of ``obj``."""
    try:
        return rfc8785.dumps(obj)
    except (rfc8785.CanonicalizationError, TypeError, ValueError) as exc:
        raise EventFormatError(f"not canonicalisable as JSON: {exc}") from exc


def encode_event(event: Mapping[str, Any]) -> bytes:
    """The leaf data of an event: its RFC 8785 canonical JSON, after checking its shape."""
    check_event(event)
    return canonical_json(event)


def decode_event(data: bytes) -> dict[str, Any]:
    """Parse leaf data back into an event; refuses bytes that are not the canonical form."""
    try:
        event = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise EventFormatError(f"leaf data is not JSON: {exc}") from exc
    if not isinstance(event, dict):
        raise EventFormatError("event must be an object")
    if encode_event(event) != data:
        raise EventFormatError("leaf data is not in RFC 8785 canonical form")
    return event


def event_leaf_hash(event: Mapping[str, Any]) -> bytes:
    """``SHA-256(0x00 ‖ canonical event)``: the Merkle leaf hash of an event."""
    return leaf_hash(encode_event(event))


def state_digest(obj: Mapping[str, Any]) -> str:
    """Hex SHA-256 of the canonical JSON of a record's state (the before/after digests)."""
    if not isinstance(obj, Mapping):
        raise EventFormatError("a state is a JSON object")
    return hashlib.sha256(canonical_json(obj)).hexdigest()
