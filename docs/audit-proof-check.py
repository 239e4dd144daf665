#!/usr/bin/env python3
"""Check an audit proof from Tongban without trusting the platform's database.

    python3 audit-proof-check.py audit-proof-123.json key.pem

`audit-proof-123.json` is what “下载证明” on /me/data-access/ gives; `key.pem` is the platform's
audit public key — from /audit/key.pem, and better from a witness or a published copy you
trust. The script recomputes the record's leaf, follows the inclusion proof up to the root
(RFC 9162 §2.1.3.2), checks that the signed checkpoint names that root and tree size, and
checks the checkpoint's Ed25519 signature. It needs only Python 3 and `cryptography`.
Exit status 0: the record is in the log the platform signed; 1: it is not, and why."""

from __future__ import annotations

import base64
import hashlib
import json
import sys

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.serialization import load_pem_public_key


def node(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def root_from_proof(leaf: bytes, index: int, size: int, proof: list[bytes]) -> bytes | None:
    if not 0 <= index < size:
        return None
    fn, sn, r = index, size - 1, leaf
    for p in proof:
        if sn == 0:
            return None
        if fn & 1 or fn == sn:
            r = node(p, r)
            while not fn & 1 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            r = node(r, p)
        fn >>= 1
        sn >>= 1
    return r if sn == 0 else None


def check(proof: dict, key_pem: bytes) -> str:
    """Why the proof does not hold, or "" when it does."""
    leaf = hashlib.sha256(b"\x00" + proof["record"].encode()).digest()
    steps = [bytes.fromhex(h) for h in proof["proof"]]
    root = root_from_proof(leaf, int(proof["leaf_index"]), int(proof["tree_size"]), steps)
    checkpoint = proof["checkpoint"]
    lines = checkpoint["note"].split("\n")
    if root is None or base64.b64encode(root).decode() != lines[2]:
        return "the inclusion proof does not lead to the checkpoint's root"
    if int(lines[1]) != int(proof["tree_size"]):
        return "the checkpoint is for another tree size"
    key = load_pem_public_key(key_pem)
    try:
        key.verify(base64.b64decode(checkpoint["signature"]), checkpoint["note"].encode())
    except InvalidSignature:
        return "the checkpoint's signature does not verify with this key"
    return ""


def main() -> int:
    proof_path, key_path = sys.argv[1], sys.argv[2]
    with open(proof_path, encoding="utf-8") as f:
        proof = json.load(f)
    with open(key_path, "rb") as f:
        key_pem = f.read()
    problem = check(proof, key_pem)
    if problem:
        print(f"NOT PROVED: {problem}")
        return 1
    record = json.loads(proof["record"])
    print(f"proved: record #{record['id']} ({record['action']}, {record['at']}) is leaf "
          f"{proof['leaf_index']} of the {proof['tree_size']}-record log the platform signed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
