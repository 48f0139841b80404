"""A minimal, separate verifier written straight from RFC 9162 §2.1.3.2 and §2.1.4.2.

It imports nothing from ``app``: the tests check the service's proofs against this, so a mistake
shared by both would have to be made twice. Variable names are the RFC's (fn, sn, r, fr, sr).
"""

from __future__ import annotations

import hashlib


def _hash(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


def _lsb(x: int) -> int:
    return x & 1


def verify_inclusion(
    leaf_index: int, tree_size: int, hash_: bytes, inclusion_path: list[bytes], root_hash: bytes
) -> bool:
    """RFC 9162 §2.1.3.2, steps 1–5."""
    # 1. If leaf_index is greater than or equal to tree_size, fail. (The RFC's integers are
    #    uint64, so a negative index cannot occur there; reject it here.)
    if leaf_index < 0 or leaf_index >= tree_size:
        return False
    # 2. Set fn to leaf_index and sn to tree_size - 1.
    fn, sn = leaf_index, tree_size - 1
    # 3. Set r to hash.
    r = hash_
    # 4. For each value p in the inclusion_path array:
    for p in inclusion_path:
        # a. If sn is 0, stop the iteration and fail.
        if sn == 0:
            return False
        # b. If LSB(fn) is set, or if fn is equal to sn, then:
        if _lsb(fn) or fn == sn:
            # i. Set r to HASH(0x01 || p || r).
            r = _hash(b"\x01" + p + r)
            # ii. If LSB(fn) is not set, right-shift both fn and sn equally until either
            #     LSB(fn) is set or fn is 0.
            if not _lsb(fn):
                while not _lsb(fn) and fn != 0:
                    fn >>= 1
                    sn >>= 1
        # Otherwise: i. Set r to HASH(0x01 || r || p).
        else:
            r = _hash(b"\x01" + r + p)
        # c. Finally, right-shift both fn and sn one time.
        fn >>= 1
        sn >>= 1
    # 5. Succeed if sn is 0 and r equals root_hash.
    return sn == 0 and r == root_hash


def verify_consistency(
    first: int, second: int, first_hash: bytes, second_hash: bytes, consistency_path: list[bytes]
) -> bool:
    """RFC 9162 §2.1.4.2, steps 1–7 (for 0 < first < second, as the RFC states)."""
    if not 0 < first < second:
        return False
    # 1. If consistency_path is an empty array, fail.
    if not consistency_path:
        return False
    path = list(consistency_path)
    # 2. If first is an exact power of 2, prepend first_hash to the consistency_path array.
    if first & (first - 1) == 0:
        path = [first_hash, *path]
    # 3. Set fn to first - 1 and sn to second - 1.
    fn, sn = first - 1, second - 1
    # 4. If LSB(fn) is set, right-shift both fn and sn equally until LSB(fn) is not set.
    while _lsb(fn):
        fn >>= 1
        sn >>= 1
    # 5. Set both fr and sr to the first value in the consistency_path array.
    fr = sr = path[0]
    # 6. For each subsequent value c in the consistency_path array:
    for c in path[1:]:
        # a. If sn is 0, stop the iteration and fail.
        if sn == 0:
            return False
        # b. If LSB(fn) is set, or if fn is equal to sn, then:
        if _lsb(fn) or fn == sn:
            # i. Set fr to HASH(0x01 || c || fr).  ii. Set sr to HASH(0x01 || c || sr).
            fr = _hash(b"\x01" + c + fr)
            sr = _hash(b"\x01" + c + sr)
            # iii. If LSB(fn) is not set, right-shift both fn and sn equally until either
            #      LSB(fn) is set or fn is 0.
            if not _lsb(fn):
                while not _lsb(fn) and fn != 0:
                    fn >>= 1
                    sn >>= 1
        # Otherwise: i. Set sr to HASH(0x01 || sr || c).
        else:
            sr = _hash(b"\x01" + sr + c)
        # c. Finally, right-shift both fn and sn one time.
        fn >>= 1
        sn >>= 1
    # 7. fr must equal first_hash, sr must equal second_hash, and sn must be 0.
    return fr == first_hash and sr == second_hash and sn == 0
