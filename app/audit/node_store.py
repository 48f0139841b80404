"""Where the Merkle log keeps the hashes of its complete (perfect) subtrees.

A node is named ``(level, index)``: it covers leaves ``[index·2^level, (index+1)·2^level)``; level 0
holds the leaf hashes themselves. Only complete subtrees are ever stored, so a node, once written,
never changes: the store is append-only, which is what lets the database back it with a plain
``(level, idx, hash)`` table keyed by ``(level, idx)`` and no UPDATE grant.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol, runtime_checkable

_HASH = 32


@runtime_checkable
class NodeStore(Protocol):
    """Hashes of complete subtrees of one append-only log."""

    def get(self, level: int, index: int) -> bytes:
        """Hash of node ``(level, index)``; raises ``KeyError`` if it is not stored."""
        ...

    def put_many(self, items: Iterable[tuple[int, int, bytes]]) -> None:
        """Store ``(level, index, hash)`` nodes. A node already stored must not change."""
        ...

    def size(self) -> int:
        """Number of leaves stored (nodes at level 0)."""
        ...


class NodeConflictError(ValueError):
    """A node was written twice with different hashes (the log would have been rewritten)."""


class InMemoryNodeStore:
    """A :class:`NodeStore` in memory: one ``bytearray`` per level, 32 bytes a node.

    Contiguous buffers rather than lists of ``bytes``: a million-event log takes 64 MB instead of
    about 150 MB and gives the garbage collector nothing to walk (lists of two million objects
    made every proof several times slower). Nodes must arrive in log order within each level
    (index 0, 1, 2, …), as :class:`app.audit.merkle.MerkleLog` writes them; rewriting a node with
    the same hash is a no-op.
    """

    def __init__(self) -> None:
        self._levels: list[bytearray] = []

    def get(self, level: int, index: int) -> bytes:
        if 0 <= level < len(self._levels) and index >= 0:
            row, offset = self._levels[level], index * _HASH
            if offset + _HASH <= len(row):
                return bytes(row[offset:offset + _HASH])
        raise KeyError((level, index))

    def put_many(self, items: Iterable[tuple[int, int, bytes]]) -> None:
        levels = self._levels
        for level, index, digest in items:
            if len(digest) != _HASH:
                raise ValueError(f"node ({level}, {index}): a hash is 32 bytes, got {len(digest)}")
            while len(levels) <= level:
                levels.append(bytearray())
            row = levels[level]
            stored = len(row) // _HASH
            if index == stored:
                row += digest
            elif 0 <= index < stored:
                if row[index * _HASH:(index + 1) * _HASH] != digest:
                    raise NodeConflictError(f"node ({level}, {index}) is already stored "
                                            "with a different hash")
            else:
                raise ValueError(f"node ({level}, {index}) written before node "
                                 f"({level}, {stored}): nodes are appended in order")

    def size(self) -> int:
        return len(self._levels[0]) // _HASH if self._levels else 0

    def node_count(self) -> int:
        """All nodes stored, every level (a log of n leaves holds 2n − popcount(n))."""
        return sum(len(row) for row in self._levels) // _HASH
