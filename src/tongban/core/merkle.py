"""Merkle trees as Certificate Transparency defines them (RFC 9162 §2.1, as RFC 6962): leaf
and node hashes with their one-byte prefixes, the tree head of a list of leaves, inclusion
proofs (one record is in a tree) and consistency proofs (a later tree extends an earlier one
without changing it), and their verification.

`Frontier` keeps only the right edge of a growing tree (one hash per set bit of its size), so
a sequencer appends a record and knows the new head in O(log n) without reading the records
sealed before. The proofs take the leaves' hashes; the caller supplies them from storage."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field

EMPTY_ROOT = hashlib.sha256(b"").digest()


def leaf_hash(data: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def _split(n: int) -> int:
    """The largest power of two smaller than n (n > 1)."""
    return 1 << ((n - 1).bit_length() - 1)


def tree_root(leaves: Sequence[bytes]) -> bytes:
    """MTH: the head of the tree over these leaf hashes."""
    frontier = Frontier()
    for leaf in leaves:
        frontier.append(leaf)
    return frontier.root()


@dataclass
class Frontier:
    """The roots of the perfect subtrees along the tree's right edge, largest first."""

    size: int = 0
    hashes: list[bytes] = field(default_factory=list)

    def append(self, leaf: bytes) -> None:
        self.hashes.append(leaf)
        self.size += 1
        # Each trailing one bit of the old size is a pair of equal subtrees to merge.
        merges = (self.size ^ (self.size - 1)).bit_length() - 1
        for _ in range(merges):
            right = self.hashes.pop()
            self.hashes[-1] = node_hash(self.hashes[-1], right)

    def root(self) -> bytes:
        if not self.hashes:
            return EMPTY_ROOT
        root = self.hashes[-1]
        for left in reversed(self.hashes[:-1]):
            root = node_hash(left, root)
        return root


def inclusion_proof(leaves: Sequence[bytes], index: int) -> list[bytes]:
    """PATH(index, D[n]) of RFC 9162 §2.1.3.1."""
    if not 0 <= index < len(leaves):
        raise ValueError("index outside the tree")
    if len(leaves) == 1:
        return []
    k = _split(len(leaves))
    if index < k:
        return [*inclusion_proof(leaves[:k], index), tree_root(leaves[k:])]
    return [*inclusion_proof(leaves[k:], index - k), tree_root(leaves[:k])]


def inclusion_proof_extending(before: Frontier, batch: Sequence[bytes], index: int) -> list[bytes]:
    """PATH(index, D[n]) for a leaf of `batch`, the leaves appended to the tree whose right
    edge was `before`: n = before.size + len(batch). Every node the path needs is either one
    of `before`'s perfect subtrees or made of them and the batch, so the leaves sealed before
    are never read (a proof costs the batch, not the log)."""
    start, end = before.size, before.size + len(batch)
    if not start <= index < end:
        raise ValueError("index outside the batch")
    blocks: dict[tuple[int, int], bytes] = {}
    offset = 0
    for bit, digest in zip(
        (b for b in range(start.bit_length() - 1, -1, -1) if start >> b & 1),
        before.hashes,
        strict=True,
    ):
        blocks[(offset, offset + (1 << bit))] = digest
        offset += 1 << bit

    def node(a: int, b: int) -> bytes:
        if (a, b) in blocks:
            return blocks[(a, b)]
        if a >= start:
            return tree_root(batch[a - start : b - start])
        if b <= start:
            raise ValueError("a node inside the earlier tree that is not on its edge")
        k = _split(b - a)
        return node_hash(node(a, a + k), node(a + k, b))

    def path(m: int, a: int, b: int) -> list[bytes]:
        if b - a == 1:
            return []
        k = _split(b - a)
        if m < a + k:
            return [*path(m, a, a + k), node(a + k, b)]
        return [*path(m, a + k, b), node(a, a + k)]

    return path(index, 0, end)


def verify_inclusion(
    leaf: bytes, index: int, size: int, proof: Sequence[bytes], root: bytes
) -> bool:
    """RFC 9162 §2.1.3.2: whether `leaf` is entry `index` of the tree of `size` with `root`."""
    if not 0 <= index < size:
        return False
    fn, sn, r = index, size - 1, leaf
    for p in proof:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            if not fn & 1:
                while not fn & 1 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    return sn == 0 and r == root


def consistency_proof(leaves: Sequence[bytes], first: int) -> list[bytes]:
    """PROOF(first, D[n]) of RFC 9162 §2.1.4.1: the tree of `first` leaves is a prefix."""
    if not 0 < first <= len(leaves):
        raise ValueError("the first tree must have between 1 and n leaves")
    return _subproof(leaves, first, True)


def _subproof(leaves: Sequence[bytes], m: int, whole: bool) -> list[bytes]:
    n = len(leaves)
    if m == n:
        return [] if whole else [tree_root(leaves)]
    k = _split(n)
    if m <= k:
        return [*_subproof(leaves[:k], m, whole), tree_root(leaves[k:])]
    return [*_subproof(leaves[k:], m - k, False), tree_root(leaves[:k])]


def verify_consistency(
    first: int, second: int, first_root: bytes, second_root: bytes, proof: Sequence[bytes]
) -> bool:
    """RFC 9162 §2.1.4.2: whether the tree of `second` leaves with `second_root` extends the
    tree of `first` leaves with `first_root`."""
    if not 0 < first <= second:
        return False
    if first == second:
        return not proof and first_root == second_root
    path = list(proof)
    if first & (first - 1) == 0:  # an exact power of two: its root is the first node
        path.insert(0, first_root)
    if not path:
        return False
    fn, sn = first - 1, second - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            if not fn & 1:
                while not fn & 1 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    return sn == 0 and fr == first_root and sr == second_root
