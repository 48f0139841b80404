"""The audit log's Merkle tree, hashed exactly as RFC 6962 §2.1 (unchanged in RFC 9162 §2.1).

* ``MTH({}) = SHA-256()``, ``MTH({d}) = SHA-256(0x00 ‖ d)``, and for n > 1, with k the largest
  power of two smaller than n, ``MTH(D[n]) = SHA-256(0x01 ‖ MTH(D[0:k]) ‖ MTH(D[k:n]))``.
* :func:`inclusion_path` and :func:`consistency_path` are the RFC 6962 §2.1.1 ``PATH`` and §2.1.2
  ``PROOF``/``SUBPROOF`` recursions, written over a callback that returns ``MTH(D[start:end])``.
* :func:`verify_inclusion` and :func:`verify_consistency` are RFC 9162 §2.1.3.2 and §2.1.4.2.
* :class:`MerkleLog` serves all of these at any size from the complete-subtree hashes of a
  :class:`~app.audit.node_store.NodeStore`, with O(log n) lookups and no rehashing of leaves.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Sequence

from app.audit.node_store import NodeStore

HASH_SIZE = 32
#: ``MTH({})``: the root of the empty log, SHA-256 of nothing.
EMPTY_ROOT = hashlib.sha256(b"").digest()

#: ``get(start, end)`` returns ``MTH(D[start:end])`` (the hash of leaves start … end−1).
SubtreeHash = Callable[[int, int], bytes]


def leaf_hash(data: bytes) -> bytes:
    """``SHA-256(0x00 ‖ data)``: the hash of one leaf (one audit event's canonical bytes)."""
    return hashlib.sha256(b"\x00" + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """``SHA-256(0x01 ‖ left ‖ right)``: an interior node."""
    return hashlib.sha256(b"\x01" + left + right).digest()


def _split(n: int) -> int:
    """k: the largest power of two smaller than n (n ≥ 2)."""
    return 1 << ((n - 1).bit_length() - 1)


def root_from_leaf_hashes(hashes: Sequence[bytes]) -> bytes:
    """``MTH`` over a list of leaf hashes, by the RFC recursion (O(n) hashing)."""

    def mth(lo: int, hi: int) -> bytes:
        if hi - lo == 1:
            return hashes[lo]
        k = _split(hi - lo)
        return node_hash(mth(lo, lo + k), mth(lo + k, hi))

    return EMPTY_ROOT if not hashes else mth(0, len(hashes))


def inclusion_path(index: int, size: int, get: SubtreeHash) -> list[bytes]:
    """RFC 6962 §2.1.1 ``PATH(index, D[size])``: the audit path, leaf's sibling first."""
    if not 0 <= index < size:
        raise ValueError(f"leaf index {index} is not in a tree of size {size}")
    path: list[bytes] = []

    def walk(m: int, lo: int, hi: int) -> None:
        n = hi - lo
        if n == 1:
            return
        k = _split(n)
        if m < k:
            walk(m, lo, lo + k)
            path.append(get(lo + k, hi))
        else:
            walk(m - k, lo + k, hi)
            path.append(get(lo, lo + k))

    walk(index, 0, size)
    return path


def consistency_path(first: int, second: int, get: SubtreeHash) -> list[bytes]:
    """RFC 6962 §2.1.2 ``PROOF(first, D[second])``; empty when first is 0 or equals second."""
    if not 0 <= first <= second:
        raise ValueError(f"no consistency proof from size {first} to size {second}")
    proof: list[bytes] = []
    if first in (0, second):
        return proof

    def subproof(m: int, lo: int, hi: int, whole: bool) -> None:
        n = hi - lo
        if m == n:
            if not whole:
                proof.append(get(lo, hi))
            return
        k = _split(n)
        if m <= k:
            subproof(m, lo, lo + k, whole)
            proof.append(get(lo + k, hi))
        else:
            subproof(m - k, lo + k, hi, False)
            proof.append(get(lo, lo + k))

    subproof(first, 0, second, True)
    return proof


def _hashes_ok(*hashes: bytes) -> bool:
    return all(isinstance(h, bytes) and len(h) == HASH_SIZE for h in hashes)


def verify_inclusion(
    leaf_index: int, tree_size: int, leaf: bytes, path: Sequence[bytes], root: bytes
) -> bool:
    """RFC 9162 §2.1.3.2: does ``path`` prove ``leaf`` (a leaf hash) at ``leaf_index``?"""
    if not 0 <= leaf_index < tree_size or not _hashes_ok(leaf, root, *path):
        return False
    fn, sn, r = leaf_index, tree_size - 1, leaf
    for p in path:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            # The step RFC 9162 has and some copies drop: climb past the levels where the
            # node is the right edge with no sibling (RFC 9162 §2.1.3.2, step 5).
            while fn != 0 and not fn & 1:
                fn >>= 1
                sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    return sn == 0 and r == root


def verify_consistency(
    first: int, second: int, first_hash: bytes, second_hash: bytes, path: Sequence[bytes]
) -> bool:
    """RFC 9162 §2.1.4.2: does ``path`` prove tree (first, first_hash) a prefix of the second?

    The RFC covers 0 < first < second. For first == second the proof must be empty and the
    roots equal; for first == 0 it must be empty and ``first_hash`` the empty root.
    """
    if not 0 <= first <= second or not _hashes_ok(first_hash, second_hash, *path):
        return False
    if first == second:
        return not path and first_hash == second_hash
    if first == 0:
        return not path and first_hash == EMPTY_ROOT
    if not path:
        return False
    nodes = list(path)
    if first & (first - 1) == 0:  # an exact power of two: the old root is itself a node
        nodes.insert(0, first_hash)
    fn, sn = first - 1, second - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = nodes[0]
    for c in nodes[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            while fn != 0 and not fn & 1:
                fn >>= 1
                sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    return fr == first_hash and sr == second_hash and sn == 0


class MerkleLog:
    """An append-only RFC 6962 log over a :class:`NodeStore` of complete-subtree hashes.

    ``size`` may be given when the caller already knows it (e.g. the next event number read in
    the same database transaction), which saves a count. One instance serves one writer: it
    caches the right-edge nodes it wrote, so another writer must not append behind its back.
    """

    def __init__(self, store: NodeStore, size: int | None = None) -> None:
        self._store = store
        self._size = store.size() if size is None else size
        if self._size < 0:
            raise ValueError("a log size is never negative")
        # level -> (index, hash) of right-edge nodes this instance wrote: the left siblings the
        # next appends need, so appending reads nothing back from the store.
        self._edge: dict[int, tuple[int, bytes]] = {}

    @property
    def size(self) -> int:
        """Number of leaves in the log."""
        return self._size

    @property
    def store(self) -> NodeStore:
        return self._store

    def _node(self, level: int, index: int) -> bytes:
        cached = self._edge.get(level)
        if cached is not None and cached[0] == index:
            return cached[1]
        return self._store.get(level, index)

    def _push(self, leaf: bytes, out: list[tuple[int, int, bytes]]) -> None:
        """Add leaf at index ``size`` and the parents it completes to ``out``; advance."""
        if not _hashes_ok(leaf):
            raise ValueError("a leaf hash is 32 bytes (use leaf_hash(data))")
        index, level, digest = self._size, 0, leaf
        out.append((0, index, digest))
        while index & 1:  # a right child: its parent is now complete
            digest = node_hash(self._node(level, index - 1), digest)
            index >>= 1
            level += 1
            out.append((level, index, digest))
        for merged in range(level):
            self._edge.pop(merged, None)
        self._edge[level] = (index, digest)
        self._size += 1

    def append(self, leaf: bytes) -> int:
        """Append one leaf hash; returns its index. Writes 1 + (trailing 1-bits of index) nodes."""
        return self.append_many([leaf]).start

    def append_many(self, leaves: Iterable[bytes]) -> range:
        """Append leaf hashes in order with one ``put_many``; returns their indices."""
        start, edge = self._size, dict(self._edge)
        items: list[tuple[int, int, bytes]] = []
        try:
            for leaf in leaves:
                self._push(leaf, items)
            self._store.put_many(items)
        except BaseException:
            self._size, self._edge = start, edge
            raise
        return range(start, self._size)

    def leaf(self, index: int) -> bytes:
        """The leaf hash at ``index``."""
        if not 0 <= index < self._size:
            raise IndexError(f"leaf {index} is not in a log of size {self._size}")
        return self._node(0, index)

    def subtree_hash(self, start: int, end: int) -> bytes:
        """``MTH(D[start:end])`` from stored complete subtrees (at most log₂ n lookups).

        Works for every range the RFC recursions ask for (each piece is an aligned subtree).
        """
        if not 0 <= start < end <= self._size:
            raise ValueError(f"range [{start}, {end}) is not inside a log of size {self._size}")
        pieces: list[bytes] = []
        pos, rest = start, end - start
        for level in range(rest.bit_length() - 1, -1, -1):
            if rest >> level & 1:
                if pos & ((1 << level) - 1):
                    raise ValueError(f"range [{start}, {end}) is not made of aligned subtrees")
                pieces.append(self._node(level, pos >> level))
                pos += 1 << level
        digest = pieces[-1]
        for left in reversed(pieces[:-1]):
            digest = node_hash(left, digest)
        return digest

    def _checked_size(self, size: int | None) -> int:
        if size is None:
            return self._size
        if not 0 <= size <= self._size:
            raise ValueError(f"tree size {size} is not between 0 and {self._size}")
        return size

    def root(self, size: int | None = None) -> bytes:
        """Root hash of the first ``size`` leaves (default: all)."""
        size = self._checked_size(size)
        return EMPTY_ROOT if size == 0 else self.subtree_hash(0, size)

    def inclusion_proof(self, index: int, size: int | None = None) -> list[bytes]:
        """Audit path of leaf ``index`` in the tree of the first ``size`` leaves."""
        return inclusion_path(index, self._checked_size(size), self.subtree_hash)

    def consistency_proof(self, first: int, second: int | None = None) -> list[bytes]:
        """Proof that the tree of size ``first`` is a prefix of the tree of size ``second``."""
        return consistency_path(first, self._checked_size(second), self.subtree_hash)
