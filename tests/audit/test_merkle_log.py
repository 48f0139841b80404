"""MerkleLog over a NodeStore: what it writes, how few nodes it reads, and its errors."""

from __future__ import annotations

from collections.abc import Iterable

import pytest

from app.audit.merkle import EMPTY_ROOT, MerkleLog, leaf_hash, root_from_leaf_hashes
from app.audit.node_store import InMemoryNodeStore, NodeConflictError, NodeStore

HASHES = [leaf_hash(i.to_bytes(4, "big")) for i in range(5000)]


class CountingStore:
    """Wraps a store and counts the lookups and writes the log makes."""

    def __init__(self, inner: InMemoryNodeStore) -> None:
        self.inner = inner
        self.gets = 0
        self.writes: list[list[tuple[int, int, bytes]]] = []

    def get(self, level: int, index: int) -> bytes:
        self.gets += 1
        return self.inner.get(level, index)

    def put_many(self, items: Iterable[tuple[int, int, bytes]]) -> None:
        batch = list(items)
        self.writes.append(batch)
        self.inner.put_many(batch)

    def size(self) -> int:
        return self.inner.size()


@pytest.fixture(scope="module")
def filled() -> InMemoryNodeStore:
    store = InMemoryNodeStore()
    MerkleLog(store).append_many(HASHES)
    return store


def test_counting_store_is_a_node_store() -> None:
    assert isinstance(CountingStore(InMemoryNodeStore()), NodeStore)
    assert isinstance(InMemoryNodeStore(), NodeStore)


def test_stores_exactly_the_complete_subtrees(filled: InMemoryNodeStore) -> None:
    n = 1000
    store = InMemoryNodeStore()
    MerkleLog(store).append_many(HASHES[:n])
    assert store.size() == n
    assert store.node_count() == 2 * n - bin(n).count("1")
    for level in range(10):
        for index in range(n >> level):
            lo, hi = index << level, (index + 1) << level
            assert store.get(level, index) == root_from_leaf_hashes(HASHES[lo:hi])
        with pytest.raises(KeyError):
            store.get(level, n >> level)  # incomplete: never stored


def test_each_append_writes_the_leaf_and_the_parents_it_completes() -> None:
    store = CountingStore(InMemoryNodeStore())
    log = MerkleLog(store)
    for index, h in enumerate(HASHES[:300]):
        assert log.append(h) == index
        batch = store.writes[-1]
        trailing_ones = (index ^ (index + 1)).bit_length() - 1
        assert [(level, i) for level, i, _ in batch] == [
            (level, index >> level) for level in range(trailing_ones + 1)
        ]
    assert store.gets == 0  # the left siblings come from the log's own right edge
    assert sum(len(b) for b in store.writes) == 2 * 300 - bin(300).count("1")


def test_a_fresh_log_per_append_builds_the_same_tree() -> None:
    # The service opens MerkleLog(store, size=seq) per event inside its transaction.
    store = InMemoryNodeStore()
    for seq, h in enumerate(HASHES[:77]):
        assert MerkleLog(store, size=seq).append(h) == seq
    assert MerkleLog(store).root() == root_from_leaf_hashes(HASHES[:77])


def test_lookups_are_logarithmic(filled: InMemoryNodeStore) -> None:
    store = CountingStore(filled)
    log = MerkleLog(store)
    n = log.size
    assert n == len(HASHES)
    height = (n - 1).bit_length()
    for size in (1, 2, 3, 1024, 1025, 4095, n):
        store.gets = 0
        assert log.root(size) == root_from_leaf_hashes(HASHES[:size])
        assert store.gets == bin(size).count("1")
    worst_inclusion = worst_consistency = 0
    for size in (n, 4097, 3000):
        for index in (0, 1, size // 3, size - 2, size - 1):
            store.gets = 0
            log.inclusion_proof(index, size)
            worst_inclusion = max(worst_inclusion, store.gets)
        for first in (1, 2, 3, size // 2, size - 1):
            store.gets = 0
            log.consistency_proof(first, size)
            worst_consistency = max(worst_consistency, store.gets)
    assert worst_inclusion <= 2 * height
    assert worst_consistency <= 2 * height + 1


def test_size_and_range_errors(filled: InMemoryNodeStore) -> None:
    log = MerkleLog(filled)
    assert MerkleLog(InMemoryNodeStore()).root() == EMPTY_ROOT
    assert log.root(0) == EMPTY_ROOT
    with pytest.raises(ValueError, match="tree size"):
        log.root(log.size + 1)
    with pytest.raises(ValueError, match="not in a tree"):
        log.inclusion_proof(10, 10)
    with pytest.raises(ValueError, match="consistency"):
        log.consistency_proof(11, 10)
    with pytest.raises(ValueError, match="aligned"):
        log.subtree_hash(1, 3)
    assert log.subtree_hash(4, 7) == root_from_leaf_hashes(HASHES[4:7])
    assert log.leaf(17) == HASHES[17]
    with pytest.raises(IndexError):
        log.leaf(log.size)
    with pytest.raises(ValueError, match="32 bytes"):
        MerkleLog(InMemoryNodeStore()).append(b"short")


def test_a_failed_write_leaves_the_log_unchanged() -> None:
    store = InMemoryNodeStore()
    log = MerkleLog(store)
    log.append_many(HASHES[:3])
    # Someone else already wrote a different leaf 3: the store refuses the rewrite.
    store.put_many([(0, 3, HASHES[100])])
    with pytest.raises(NodeConflictError):
        log.append(HASHES[3])
    assert log.size == 3
    assert log.root() == root_from_leaf_hashes(HASHES[:3])


def test_in_memory_store_is_append_only() -> None:
    store = InMemoryNodeStore()
    store.put_many([(0, 0, HASHES[0]), (0, 1, HASHES[1])])
    store.put_many([(0, 1, HASHES[1])])  # the same value again is harmless
    with pytest.raises(NodeConflictError):
        store.put_many([(0, 1, HASHES[2])])
    with pytest.raises(ValueError, match="in order"):
        store.put_many([(0, 5, HASHES[5])])
    with pytest.raises(ValueError, match="32 bytes"):
        store.put_many([(0, 2, b"x")])
    with pytest.raises(KeyError):
        store.get(3, 0)
    assert store.size() == 2
