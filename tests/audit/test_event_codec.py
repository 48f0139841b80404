"""Audit events as RFC 8785 canonical JSON: exact bytes, leaf hashes, state digests, refusals."""

from __future__ import annotations

import hashlib
import unicodedata
from typing import Any

import pytest

from app.audit.event_codec import (
    EventFormatError,
    decode_event,
    encode_event,
    event_leaf_hash,
    state_digest,
)


def _event(**changes: Any) -> dict[str, Any]:
    event: dict[str, Any] = {
        "seq": 41,
        "at": "2025-03-04T02:15:00Z",
        "actor": {"user_id": 7, "org_code": "VPTU", "role": "clerk"},
        "action": "arrival.registered",
        "subject": {"type": "arrival", "id": "123"},
        "before_sha256": None,
        "after_sha256": "ab" * 32,
        "details": {"trích_yếu": "Về việc sao lục Chỉ thị", "số_đến": 15, "n": 100.0,
                    "big": 1e21},
    }
    event.update(changes)
    return event


# Written by hand from RFC 8785: keys in UTF-16 order, no spaces, raw UTF-8, ES6 numbers.
EXPECTED = (
    '{"action":"arrival.registered",'
    '"actor":{"org_code":"VPTU","role":"clerk","user_id":7},'
    '"after_sha256":"' + "ab" * 32 + '",'
    '"at":"2025-03-04T02:15:00Z",'
    '"before_sha256":null,'
    '"details":{"big":1e+21,"n":100,"số_đến":15,"trích_yếu":"Về việc sao lục Chỉ thị"},'
    '"seq":41,'
    '"subject":{"id":"123","type":"arrival"}}'
).encode("utf-8")


def test_encoding_is_the_canonical_json() -> None:
    assert encode_event(_event()) == EXPECTED


def test_leaf_hash_is_sha256_of_zero_byte_and_event() -> None:
    assert event_leaf_hash(_event()) == hashlib.sha256(b"\x00" + EXPECTED).digest()


def test_system_events_have_no_actor_and_times_may_carry_microseconds() -> None:
    data = encode_event(_event(actor=None, at="2025-03-04T02:15:00.123456Z"))
    assert b'"actor":null' in data
    assert b'"at":"2025-03-04T02:15:00.123456Z"' in data


def test_decode_round_trips_and_refuses_non_canonical_bytes() -> None:
    assert decode_event(EXPECTED) == _event()
    with pytest.raises(EventFormatError, match="canonical"):
        decode_event(EXPECTED.replace(b'"seq":41', b'"seq": 41'))
    with pytest.raises(EventFormatError, match="not JSON"):
        decode_event(b"\xff")


def test_state_digest_is_order_free_and_text_exact() -> None:
    state = {"so_ky_hieu": "160-TB/TW", "noi_nhan": "Đắk Nông"}
    expected = hashlib.sha256(
        '{"noi_nhan":"Đắk Nông","so_ky_hieu":"160-TB/TW"}'.encode()).hexdigest()
    assert state_digest(state) == expected
    assert state_digest(dict(reversed(list(state.items())))) == expected
    nfd = {**state, "noi_nhan": unicodedata.normalize("NFD", "Đắk Nông")}
    assert state_digest(nfd) != expected  # a re-encoded name is a changed record


def test_keys_sort_by_utf16_code_units_as_rfc8785_says() -> None:
    # U+1F600 is the surrogate pair D83D DE00, which sorts before U+E000 in UTF-16
    # (code-point order would put it after).
    expected = hashlib.sha256('{"😀":2,"\ue000":1}'.encode()).hexdigest()
    assert state_digest({"\ue000": 1, "😀": 2}) == expected


@pytest.mark.parametrize(("changes", "message"), [
    ({"seq": -1}, "seq"),
    ({"seq": True}, "seq"),
    ({"at": "2025-03-04T09:15:00+07:00"}, "at"),
    ({"at": "2025-03-04 02:15:00Z"}, "at"),
    ({"actor": {"user_id": 7, "org_code": "VPTU"}}, "actor"),
    ({"actor": {"user_id": "7", "org_code": "VPTU", "role": "clerk"}}, "user_id"),
    ({"action": "Arrival Registered"}, "action"),
    ({"action": "registered"}, "action"),
    ({"subject": {"type": "arrival", "id": 123}}, "subject.id"),
    ({"before_sha256": "AB" * 32}, "before_sha256"),
    ({"after_sha256": "ab" * 31}, "after_sha256"),
    ({"details": ["not", "an", "object"]}, "details"),
    ({"details": {"x": float("nan")}}, "canonicalisable"),
    ({"details": {"x": 2**60}}, "canonicalisable"),
    ({"extra": 1}, "unexpected \\['extra'\\]"),
])
def test_malformed_events_are_refused(changes: dict[str, Any], message: str) -> None:
    with pytest.raises(EventFormatError, match=message):
        encode_event(_event(**changes))


def test_missing_field_is_named() -> None:
    event = _event()
    del event["details"]
    with pytest.raises(EventFormatError, match="missing \\['details'\\]"):
        encode_event(event)
