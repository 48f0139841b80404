"""Every proof of every tree of 1…70 leaves against the naive RFC text and the RFC 9162 verifier."""

from __future__ import annotations

import pytest

from app.audit import merkle
from app.audit.merkle import MerkleLog, leaf_hash
from app.audit.node_store import InMemoryNodeStore
from tests.audit import rfc6962_naive as naive
from tests.audit import rfc_verifier as rfc

MAX = 70
# Distinct leaves of varied lengths: empty data first, then Vietnamese text.
DATA = [b""] + [f"sự kiện {i}".encode() * (i % 4 + 1) for i in range(1, MAX)]
HASHES = [leaf_hash(d) for d in DATA]


@pytest.fixture(scope="module")
def log() -> MerkleLog:
    log = MerkleLog(InMemoryNodeStore())
    for h in HASHES:
        log.append(h)
    return log


@pytest.fixture(scope="module")
def roots() -> list[bytes]:
    return [naive.mth(DATA[:n]) for n in range(MAX + 1)]


def _flip(path: list[bytes], i: int) -> list[bytes]:
    bent = list(path)
    bent[i] = bent[i][:5] + bytes([bent[i][5] ^ 1]) + bent[i][6:]
    return bent


def test_roots_of_every_size(log: MerkleLog, roots: list[bytes]) -> None:
    for n in range(MAX + 1):
        assert log.root(n) == roots[n], n
        assert merkle.root_from_leaf_hashes(HASHES[:n]) == roots[n], n


@pytest.mark.parametrize("size", range(1, MAX + 1))
def test_every_inclusion_proof(log: MerkleLog, roots: list[bytes], size: int) -> None:
    root = roots[size]
    for index in range(size):
        path = log.inclusion_proof(index, size)
        assert path == naive.path(index, DATA[:size]), (index, size)
        assert rfc.verify_inclusion(index, size, HASHES[index], path, root)
        assert merkle.verify_inclusion(index, size, HASHES[index], path, root)
        wrong: list[tuple[int, int, bytes, list[bytes], bytes]] = [
            (index, size, HASHES[index], path, roots[size - 1]),  # another tree's root
            (index, size, HASHES[(index + 1) % MAX], path, root),  # another leaf
            (index, size, HASHES[index], [*path, root], root),  # one hash too many
        ]
        if path:
            wrong.append((index, size, HASHES[index], path[:-1], root))
        if index + 1 < size:
            wrong.append((index + 1, size, HASHES[index], path, root))
        wrong += [(index, size, HASHES[index], _flip(path, i), root) for i in range(len(path))]
        for args in wrong:
            assert not rfc.verify_inclusion(*args), (index, size, args)
            assert not merkle.verify_inclusion(*args), (index, size, args)


@pytest.mark.parametrize("second", range(1, MAX + 1))
def test_every_consistency_proof(log: MerkleLog, roots: list[bytes], second: int) -> None:
    for first in range(1, second + 1):
        proof = log.consistency_proof(first, second)
        assert proof == naive.proof(first, DATA[:second]), (first, second)
        assert merkle.verify_consistency(first, second, roots[first], roots[second], proof)
        if first == second:
            assert proof == []
            continue
        assert rfc.verify_consistency(first, second, roots[first], roots[second], proof)
        wrong: list[tuple[int, int, bytes, bytes, list[bytes]]] = [
            (first, second, roots[first - 1], roots[second], proof),
            (first, second, roots[first], roots[second - 1], proof),
            (first, second, roots[first], roots[second], proof[:-1]),
            (first, second, roots[first], roots[second], [*proof, roots[first]]),
        ]
        wrong += [(first, second, roots[first], roots[second], _flip(proof, i))
                  for i in range(len(proof))]
        for args in wrong:
            assert not rfc.verify_consistency(*args), (first, second, args)
            assert not merkle.verify_consistency(*args), (first, second, args)


def test_proof_lengths_are_logarithmic(log: MerkleLog) -> None:
    for size in range(1, MAX + 1):
        height = (size - 1).bit_length()  # ceil(log2 size)
        assert max(len(log.inclusion_proof(i, size)) for i in range(size)) == height
        for first in range(1, size):
            assert len(log.consistency_proof(first, size)) <= height + 1
