"""The key that signs the audit log's checkpoints, outside the database: a signer plugin
(`TONGBAN_AUDIT_SIGNER`; the built-in one keeps an Ed25519 key in a file, made on first use),
and the public keys checkpoints are verified with, the retired ones included."""

from __future__ import annotations

import fcntl
import hashlib
import os
import threading
from pathlib import Path
from typing import Protocol

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings

from tongban.core.registry import Registry


class CheckpointSigner(Protocol):
    def key_id(self) -> str:
        """The SHA-256 of the public key (raw), hex."""

    def public_key(self) -> Ed25519PublicKey:
        """The key checkpoints are verified with."""

    def sign(self, message: bytes) -> bytes:
        """The signature of `message`."""


checkpoint_signers: Registry[CheckpointSigner] = Registry("audit checkpoint signer")


def _raw(public: Ed25519PublicKey) -> bytes:
    return public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def key_id_of(public: Ed25519PublicKey) -> str:
    return hashlib.sha256(_raw(public)).hexdigest()


class FileEd25519Signer:
    """An Ed25519 key in a file outside the database (`TONGBAN_AUDIT_KEY`, by default
    `audit/audit-ed25519.pem` in the data folder), made on first use. Retired keys' public
    halves stay in `audit/retired/*.pub` so old checkpoints stay verifiable."""

    def __init__(self, path: Path | None = None) -> None:
        self._path = path
        self._lock = threading.Lock()
        # The key with the file it came from (path, inode, mtime): a rotated key file is
        # picked up without a restart.
        self._key: tuple[tuple[Path, int, int], Ed25519PrivateKey] | None = None

    @property
    def path(self) -> Path:
        return self._path or Path(settings.AUDIT_KEY_FILE)

    def _private(self) -> Ed25519PrivateKey:
        with self._lock:
            path = self.path
            try:
                stat = path.stat()
                seen = (path, stat.st_ino, stat.st_mtime_ns)
            except FileNotFoundError:
                seen = (path, 0, 0)
            if self._key is None or self._key[0] != seen:
                if not path.exists():
                    path.parent.mkdir(parents=True, exist_ok=True)
                    with open(path.parent / ".lock", "w") as lock:
                        fcntl.flock(lock, fcntl.LOCK_EX)
                        if not path.exists():
                            pem = Ed25519PrivateKey.generate().private_bytes(
                                serialization.Encoding.PEM,
                                serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption(),
                            )
                            partial = path.with_suffix(f".{os.getpid()}.part")
                            partial.write_bytes(pem)
                            partial.chmod(0o600)
                            os.replace(partial, path)
                key = serialization.load_pem_private_key(path.read_bytes(), None)
                if not isinstance(key, Ed25519PrivateKey):
                    raise TypeError(f"{path} is not an Ed25519 key")
                stat = path.stat()
                self._key = ((path, stat.st_ino, stat.st_mtime_ns), key)
            return self._key[1]

    def key_id(self) -> str:
        return key_id_of(self.public_key())

    def public_key(self) -> Ed25519PublicKey:
        return self._private().public_key()

    def sign(self, message: bytes) -> bytes:
        return self._private().sign(message)


def checkpoint_signer() -> CheckpointSigner:
    return checkpoint_signers.get(settings.AUDIT_SIGNER)


def public_key_pem(public: Ed25519PublicKey) -> str:
    return public.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode()


def known_keys() -> dict[str, Ed25519PublicKey]:
    """The public keys checkpoints may be signed with: the signer's, and the retired ones."""
    keys = {}
    current = checkpoint_signer().public_key()
    keys[key_id_of(current)] = current
    retired = Path(settings.AUDIT_KEY_FILE).parent / "retired"
    for path in sorted(retired.glob("*.pub")) if retired.is_dir() else []:
        public = serialization.load_pem_public_key(path.read_bytes())
        if isinstance(public, Ed25519PublicKey):
            keys[key_id_of(public)] = public
    return keys
