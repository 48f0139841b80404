"""The RFC 6962 test tree used by certificate-transparency implementations.

Vectors quoted from transparency-dev/merkle, proof/verify_test.go (commit 02194e9afb6c1d95b5381350
007963aa70fff472; the same tree and roots are in google/certificate-transparency's merkle tests):
eight leaves, the root of every prefix, inclusion paths and consistency proofs. Their
``inclusionProofs`` count leaves from 1; here indices are 0-based. The corruption probes are the
ones that file's ``corruptInclusionProof``/``corruptConsistencyProof`` try.
"""

from __future__ import annotations

import pytest

from app.audit import merkle
from app.audit.merkle import MerkleLog, leaf_hash, root_from_leaf_hashes
from app.audit.node_store import InMemoryNodeStore
from tests.audit import rfc6962_naive as naive
from tests.audit import rfc_verifier as rfc

LEAVES = [bytes.fromhex(h) for h in (
    "", "00", "10", "2021", "3031", "40414243", "5051525354555657",
    "606162636465666768696a6b6c6d6e6f",
)]
ROOTS = [bytes.fromhex(h) for h in (
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",  # size 0
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",  # size 8
)]


def _h(*hexes: str) -> list[bytes]:
    return [bytes.fromhex(x) for x in hexes]


# (leaf index, tree size) -> audit path
INCLUSION = {
    (0, 8): _h("96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
               "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
               "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"),
    (5, 8): _h("bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
               "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
               "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"),
    (2, 3): _h("fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"),
    (1, 5): _h("6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
               "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
               "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"),
    (0, 1): [],
}

# (first, second) -> consistency proof
CONSISTENCY = {
    (1, 8): _h("96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
               "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
               "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"),
    (6, 8): _h("0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
               "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
               "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"),
    (2, 5): _h("5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
               "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"),
    (6, 7): _h("0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
               "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
               "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"),
}
SOME_HASH = bytes.fromhex("abacaba000000000000000000000000000000000000000000060061e00123456")


@pytest.fixture(scope="module")
def log() -> MerkleLog:
    log = MerkleLog(InMemoryNodeStore())
    log.append_many(leaf_hash(d) for d in LEAVES)
    return log


def test_leaf_and_empty_hashes_are_the_published_ones() -> None:
    assert ROOTS[0] == merkle.EMPTY_ROOT
    assert leaf_hash(b"") == ROOTS[1]
    assert naive.mth([]) == ROOTS[0]


@pytest.mark.parametrize("size", range(9))
def test_root_of_every_prefix(log: MerkleLog, size: int) -> None:
    hashes = [leaf_hash(d) for d in LEAVES[:size]]
    assert root_from_leaf_hashes(hashes) == ROOTS[size]
    assert log.root(size) == ROOTS[size]
    assert naive.mth(LEAVES[:size]) == ROOTS[size]


@pytest.mark.parametrize(("index", "size"), sorted(INCLUSION))
def test_inclusion_paths_match_the_vectors(log: MerkleLog, index: int, size: int) -> None:
    expected = INCLUSION[(index, size)]
    assert log.inclusion_proof(index, size) == expected
    assert naive.path(index, LEAVES[:size]) == expected
    leaf = leaf_hash(LEAVES[index])
    assert rfc.verify_inclusion(index, size, leaf, expected, ROOTS[size])
    assert merkle.verify_inclusion(index, size, leaf, expected, ROOTS[size])


@pytest.mark.parametrize(("first", "second"), sorted(CONSISTENCY))
def test_consistency_proofs_match_the_vectors(log: MerkleLog, first: int, second: int) -> None:
    expected = CONSISTENCY[(first, second)]
    assert log.consistency_proof(first, second) == expected
    assert naive.proof(first, LEAVES[:second]) == expected
    assert rfc.verify_consistency(first, second, ROOTS[first], ROOTS[second], expected)
    assert merkle.verify_consistency(first, second, ROOTS[first], ROOTS[second], expected)


def _inclusion_probes(index: int, size: int, path: list[bytes], root: bytes, leaf: bytes
                      ) -> list[tuple[str, int, int, bytes, list[bytes], bytes]]:
    probes = [
        ("index - 1", index - 1, size, leaf, path, root),
        ("index + 1", index + 1, size, leaf, path, root),
        ("index ^ 2", index ^ 2, size, leaf, path, root),
        ("size * 2", index, size * 2, leaf, path, root),
        ("size / 2", index, size // 2, leaf, path, root),
        ("wrong leaf", index, size, leaf_hash(b"WrongLeaf"), path, root),
        ("empty root", index, size, leaf, path, ROOTS[0]),
        ("random root", index, size, leaf, path, SOME_HASH),
        ("trailing root", index, size, leaf, [*path, root], root),
        ("preceding root", index, size, leaf, [root, *path], root),
    ]
    for i in range(len(path)):
        bent = list(path)
        bent[i] = bytes([bent[i][0] ^ 8]) + bent[i][1:]
        probes.append((f"proof[{i}] bit 3", index, size, leaf, bent, root))
    if path:
        probes.append(("removed component", index, size, leaf, path[:-1], root))
    if len(path) > 1:
        probes.append(("inserted component", index, size, leaf, [path[0], SOME_HASH, *path[1:]],
                       root))
    return probes


@pytest.mark.parametrize(("index", "size"), sorted(INCLUSION))
def test_corrupted_inclusion_proofs_fail(index: int, size: int) -> None:
    probes = _inclusion_probes(index, size, INCLUSION[(index, size)], ROOTS[size],
                               leaf_hash(LEAVES[index]))
    for desc, i, n, leaf, path, root in probes:
        assert not rfc.verify_inclusion(i, n, leaf, path, root), desc
        assert not merkle.verify_inclusion(i, n, leaf, path, root), desc


@pytest.mark.parametrize(("first", "second"), sorted(CONSISTENCY))
def test_corrupted_consistency_proofs_fail(first: int, second: int) -> None:
    proof, r1, r2 = CONSISTENCY[(first, second)], ROOTS[first], ROOTS[second]
    probes = [
        ("first - 1", first - 1, second, r1, r2, proof),
        ("first + 1", first + 1, second, r1, r2, proof),
        ("first ^ 2", first ^ 2, second, r1, r2, proof),
        ("second * 2", first, second * 2, r1, r2, proof),
        ("second / 2", first, second // 2, r1, r2, proof),
        ("wrong root1", first, second, SOME_HASH, r2, proof),
        ("wrong root2", first, second, r1, SOME_HASH, proof),
        ("swapped roots", first, second, r2, r1, proof),
        ("empty proof", first, second, r1, r2, []),
        ("trailing root1", first, second, r1, r2, [*proof, r1]),
        ("trailing root2", first, second, r1, r2, [*proof, r2]),
        ("preceding root1", first, second, r1, r2, [r1, *proof]),
        ("preceding root2", first, second, r1, r2, [r2, *proof]),
        ("preceding proof[0]", first, second, r1, r2, [proof[0], *proof]),
        ("truncated proof", first, second, r1, r2, proof[:-1]),
    ]
    for i in range(len(proof)):
        bent = list(proof)
        bent[i] = bytes([bent[i][0] ^ 16]) + bent[i][1:]
        probes.append((f"proof[{i}] bit 4", first, second, r1, r2, bent))
    for desc, m, n, a, b, path in probes:
        assert not rfc.verify_consistency(m, n, a, b, path), desc
        assert not merkle.verify_consistency(m, n, a, b, path), desc


def test_trivial_consistency_cases_follow_our_stated_rules(log: MerkleLog) -> None:
    # Same size: empty proof and equal roots; from size 0: empty proof and the empty root.
    assert log.consistency_proof(5, 5) == []
    assert log.consistency_proof(0, 8) == []
    assert merkle.verify_consistency(5, 5, ROOTS[5], ROOTS[5], [])
    assert not merkle.verify_consistency(5, 5, ROOTS[5], ROOTS[6], [])
    assert not merkle.verify_consistency(5, 5, ROOTS[5], ROOTS[5], [ROOTS[0]])
    assert merkle.verify_consistency(0, 8, ROOTS[0], ROOTS[8], [])
    assert not merkle.verify_consistency(0, 8, SOME_HASH, ROOTS[8], [])
    assert not merkle.verify_consistency(8, 5, ROOTS[8], ROOTS[5], CONSISTENCY[(2, 5)])
    # Wrong-length hashes never verify, even where the arithmetic would not look at them.
    assert not merkle.verify_inclusion(0, 1, b"", [], b"")
    assert not merkle.verify_inclusion(0, 8, leaf_hash(LEAVES[0]), [*INCLUSION[(0, 8)][:2],
                                       INCLUSION[(0, 8)][2] + b"\x00"], ROOTS[8])
