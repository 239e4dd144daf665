"""The Merkle tree of RFC 9162 (the audit log's seal): the reference vectors of Certificate
Transparency, and for any tree, proofs that verify and tampering that does not."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tongban.core.merkle import (
    EMPTY_ROOT,
    Frontier,
    consistency_proof,
    inclusion_proof,
    inclusion_proof_extending,
    leaf_hash,
    node_hash,
    tree_root,
    verify_consistency,
    verify_inclusion,
)

# The leaves and tree heads of the Certificate Transparency reference tests (RFC 6962's
# reference implementation), for trees of 1 to 8 leaves.
DATA = [
    b"",
    b"\x00",
    b"\x10",
    b"\x20\x21",
    b"\x30\x31",
    b"\x40\x41\x42\x43",
    b"\x50\x51\x52\x53\x54\x55\x56\x57",
    bytes(range(0x60, 0x70)),
]
ROOTS = [
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
]
LEAVES = [leaf_hash(d) for d in DATA]


def test_reference_tree_heads() -> None:
    assert tree_root([]) == EMPTY_ROOT
    assert EMPTY_ROOT.hex().startswith("e3b0c442")
    for n, expected in enumerate(ROOTS, start=1):
        assert tree_root(LEAVES[:n]).hex() == expected


def test_every_reference_proof_verifies() -> None:
    for n in range(1, 9):
        root = tree_root(LEAVES[:n])
        for i in range(n):
            assert verify_inclusion(LEAVES[i], i, n, inclusion_proof(LEAVES[:n], i), root)
        for m in range(1, n + 1):
            proof = consistency_proof(LEAVES[:n], m)
            assert verify_consistency(m, n, tree_root(LEAVES[:m]), root, proof)


leaves = st.lists(st.binary(max_size=8), min_size=1, max_size=70).map(
    lambda ds: [leaf_hash(d) for d in ds]
)


@settings(max_examples=150, deadline=None)
@given(hashes=leaves, data=st.data())
def test_inclusion_proofs_hold_and_catch_a_changed_record(
    hashes: list[bytes], data: st.DataObject
) -> None:
    n = len(hashes)
    root = tree_root(hashes)
    i = data.draw(st.integers(0, n - 1))
    proof = inclusion_proof(hashes, i)
    assert verify_inclusion(hashes[i], i, n, proof, root)
    assert not verify_inclusion(leaf_hash(b"forged"), i, n, proof, root)
    assert not verify_inclusion(hashes[i], n, n, proof, root)  # outside the tree
    if n > 1:
        j = data.draw(st.integers(0, n - 1).filter(lambda j: j != i))
        assert not verify_inclusion(hashes[i], j, n, proof, root) or hashes[i] == hashes[j]


@settings(max_examples=150, deadline=None)
@given(hashes=leaves, data=st.data())
def test_consistency_holds_for_a_prefix_and_fails_for_a_rewrite(
    hashes: list[bytes], data: st.DataObject
) -> None:
    n = len(hashes)
    m = data.draw(st.integers(1, n))
    proof = consistency_proof(hashes, m)
    first, second = tree_root(hashes[:m]), tree_root(hashes)
    assert verify_consistency(m, n, first, second, proof)
    # A first tree rewritten (one of its records changed): no proof makes it consistent.
    k = data.draw(st.integers(0, m - 1))
    rewritten = [*hashes[:k], leaf_hash(b"edited"), *hashes[k + 1 : m]]
    if rewritten != hashes[:m]:
        assert not verify_consistency(m, n, tree_root(rewritten), second, proof)


@settings(max_examples=100, deadline=None)
@given(hashes=st.lists(st.binary(min_size=32, max_size=32), max_size=300))
def test_the_frontier_gives_the_same_head_as_the_whole_tree(hashes: list[bytes]) -> None:
    frontier = Frontier()
    for n, h in enumerate(hashes, start=1):
        frontier.append(h)
        assert frontier.size == n
        assert len(frontier.hashes) == bin(n).count("1")

    # The recursive definition (RFC 9162 §2.1.1), for comparison.
    def mth(ls: list[bytes]) -> bytes:
        if not ls:
            return EMPTY_ROOT
        if len(ls) == 1:
            return ls[0]
        k = 1 << ((len(ls) - 1).bit_length() - 1)
        return node_hash(mth(ls[:k]), mth(ls[k:]))

    assert frontier.root() == mth(hashes)


@given(
    hashes=st.lists(st.binary(min_size=32, max_size=32), min_size=1, max_size=300), data=st.data()
)
def test_a_proof_from_the_edge_before_a_batch_equals_the_whole_tree_s(
    hashes: list[bytes], data: st.DataObject
) -> None:
    start = data.draw(st.integers(0, len(hashes) - 1), label="leaves sealed before the batch")
    index = data.draw(st.integers(start, len(hashes) - 1), label="the leaf")
    before = Frontier()
    for h in hashes[:start]:
        before.append(h)
    proof = inclusion_proof_extending(before, hashes[start:], index)
    assert proof == inclusion_proof(hashes, index)
    assert verify_inclusion(hashes[index], index, len(hashes), proof, tree_root(hashes))


def test_a_proof_from_the_edge_refuses_a_leaf_outside_the_batch() -> None:
    before = Frontier()
    before.append(leaf_hash(b"a"))
    with pytest.raises(ValueError):
        inclusion_proof_extending(before, [leaf_hash(b"b")], 0)
