"""Keys for identities at rest: one master key, and one data key per workshop.

The master key lives in a 0600 file created by ``tracktwo init`` (or comes from the
``TRACKTWO_MASTER_KEY`` environment variable, base64). Each workshop's data key is random,
wrapped by the master key, and kept in the key folder, *outside* the database: destroying a
workshop deletes its key file, so every backup of the database that still holds that
workshop's rows becomes unreadable (crypto-shredding).
"""

from __future__ import annotations

import base64
import hmac
import os
import secrets
from hashlib import sha256
from pathlib import Path
from uuid import UUID

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from tracktwo.errors import ConfidentialityError, ConfigurationError

MASTER_KEY_ENV = "TRACKTWO_MASTER_KEY"
_KEY_BYTES = 32
_NONCE_BYTES = 12


def _write_private(path: Path, data: bytes) -> None:
    """Write ``data`` to a new file readable by its owner only, in an owner-only folder."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(data)


class KeyStore:
    """Hold the master key and unwrap per-workshop data keys from a key folder."""

    def __init__(self, folder: Path, master_key: bytes) -> None:
        if len(master_key) != _KEY_BYTES:
            raise ConfigurationError("the master key must be 32 bytes (base64 of 32 random bytes)")
        self.folder = folder
        self._master = AESGCM(master_key)
        self._cache: dict[UUID, bytes] = {}

    @classmethod
    def create(cls, folder: Path) -> KeyStore:
        """Create a key folder with a new master key file (mode 0600); refuse to overwrite one."""
        path = folder / "master.key"
        if path.exists():
            raise ConfigurationError(
                f"a master key already exists at {path}; refusing to replace it"
            )
        folder.mkdir(parents=True, exist_ok=True)
        os.chmod(folder, 0o700)
        key = secrets.token_bytes(_KEY_BYTES)
        _write_private(path, base64.b64encode(key))
        return cls(folder, key)

    @classmethod
    def open(cls, folder: Path) -> KeyStore:
        """Open the key folder, taking the master key from the environment or ``master.key``."""
        configured = os.environ.get(MASTER_KEY_ENV)
        if configured:
            try:
                key = base64.b64decode(configured, validate=True)
            except ValueError as error:
                raise ConfigurationError(f"{MASTER_KEY_ENV} is not valid base64") from error
            return cls(folder, key)
        path = folder / "master.key"
        if not path.exists():
            raise ConfigurationError(
                f"no master key at {path}; run `tracktwo init` first or set {MASTER_KEY_ENV}"
            )
        if path.stat().st_mode & 0o077:
            raise ConfigurationError(f"{path} is readable by others; run `chmod 600 {path}`")
        return cls(folder, base64.b64decode(path.read_bytes()))

    def _workshop_key_path(self, workshop_id: UUID) -> Path:
        """Where a data key lives: ``workshops/ID.key``; ``conflicts/ID.key`` for the key of a
        conflict's own sealed columns; ``pending/ID.key`` for the key of contributions not yet
        endorsed (ids are random, so they never collide)."""
        for kind in ("conflicts", "pending"):
            other = self.folder / kind / f"{workshop_id}.key"
            if other.exists():
                return other
        return self.folder / "workshops" / f"{workshop_id}.key"

    def create_workshop_key(self, workshop_id: UUID, *, kind: str = "workshops") -> bytes:
        """Make and store a new data key for a workshop (or, with ``kind="conflicts"``, a
        conflict), wrapped by the master key."""
        key = secrets.token_bytes(_KEY_BYTES)
        nonce = secrets.token_bytes(_NONCE_BYTES)
        wrapped = nonce + self._master.encrypt(nonce, key, workshop_id.bytes)
        _write_private(self.folder / kind / f"{workshop_id}.key", wrapped)
        self._cache[workshop_id] = key
        return key

    def has_key(self, scope_id: UUID) -> bool:
        """Say whether the data key of a workshop (or conflict, or pending key) exists here."""
        return scope_id in self._cache or self._workshop_key_path(scope_id).exists()

    def workshop_key(self, workshop_id: UUID) -> bytes:
        """Return a workshop's data key; fail clearly when it was destroyed or is foreign."""
        if workshop_id in self._cache:
            return self._cache[workshop_id]
        path = self._workshop_key_path(workshop_id)
        if not path.exists():
            raise ConfidentialityError(
                f"the data key of workshop {workshop_id} does not exist (destroyed at the end "
                "of its retention period, or never made here): its identities cannot be read"
            )
        wrapped = path.read_bytes()
        try:
            key = self._master.decrypt(
                wrapped[:_NONCE_BYTES], wrapped[_NONCE_BYTES:], workshop_id.bytes
            )
        except InvalidTag as error:
            raise ConfidentialityError(
                f"the data key of workshop {workshop_id} does not open with this master key"
            ) from error
        self._cache[workshop_id] = key
        return key

    def destroy_workshop_key(self, workshop_id: UUID) -> None:
        """Overwrite and delete a workshop's key file, making its stored identities unreadable."""
        path = self._workshop_key_path(workshop_id)
        self._cache.pop(workshop_id, None)
        if path.exists():
            _overwrite(path)
            path.unlink()


def rotate_master_key(folder: Path, keys: KeyStore) -> int:
    """Re-wrap every data key of ``folder`` under a new master key; return how many.

    Every wrapped key is first opened with the current master key (a key that does not open
    stops the rotation before anything changes). The new wrapped keys are written beside the
    old ones and moved into place one by one (an atomic rename each), then the new master
    key replaces ``master.key``, whose old bytes are overwritten first. Afterwards the old
    master key opens nothing here. A master key given in the environment cannot be rotated
    here: rotate it where it is kept.
    """
    if os.environ.get(MASTER_KEY_ENV):
        raise ConfigurationError(
            f"the master key comes from {MASTER_KEY_ENV}; rotate it where it is kept, not here"
        )
    master_path = folder / "master.key"
    wrapped_files = sorted(
        path
        for kind in ("workshops", "conflicts", "pending")
        for path in (folder / kind).glob("*.key")
    )
    opened = {path: keys.workshop_key(UUID(path.stem)) for path in wrapped_files}
    new_master = secrets.token_bytes(_KEY_BYTES)
    sealer = AESGCM(new_master)
    for path, key in opened.items():
        nonce = secrets.token_bytes(_NONCE_BYTES)
        fresh = path.with_suffix(".new")
        fresh.unlink(missing_ok=True)
        _write_private(fresh, nonce + sealer.encrypt(nonce, key, UUID(path.stem).bytes))
        os.replace(fresh, path)
    fresh_master = master_path.with_suffix(".new")
    fresh_master.unlink(missing_ok=True)
    _write_private(fresh_master, base64.b64encode(new_master))
    _overwrite(master_path)
    os.replace(fresh_master, master_path)
    return len(opened)


def _overwrite(path: Path) -> None:
    """Overwrite a key file's bytes in place before it is replaced or deleted."""
    if path.exists():
        size = path.stat().st_size
        with path.open("r+b") as handle:
            handle.write(secrets.token_bytes(size))
            handle.flush()
            os.fsync(handle.fileno())


class FieldCipher:
    """Encrypt and decrypt one workshop's sensitive fields with AES-256-GCM.

    The associated data binds each ciphertext to its table, column and row, so a value
    copied into another row or column does not decrypt.
    """

    _VERSION = b"\x01"

    def __init__(self, key: bytes) -> None:
        self._aead = AESGCM(key)
        self._pseudonym_key = hmac.new(key, b"tracktwo pseudonym key", sha256).digest()

    def encrypt(self, plaintext: str, context: str) -> bytes:
        """Return version byte, nonce and ciphertext of ``plaintext`` bound to ``context``."""
        nonce = secrets.token_bytes(_NONCE_BYTES)
        sealed = self._aead.encrypt(nonce, plaintext.encode("utf-8"), context.encode("utf-8"))
        return self._VERSION + nonce + sealed

    def decrypt(self, token: bytes, context: str) -> str:
        """Return the plaintext of a token made by :meth:`encrypt` for the same ``context``."""
        if not token or token[:1] != self._VERSION:
            raise ConfidentialityError("an encrypted field has an unknown format")
        nonce, sealed = token[1 : 1 + _NONCE_BYTES], token[1 + _NONCE_BYTES :]
        try:
            return self._aead.decrypt(nonce, sealed, context.encode("utf-8")).decode("utf-8")
        except InvalidTag as error:
            raise ConfidentialityError(
                f"an encrypted field ({context}) does not open with its workshop's key"
            ) from error

    def pseudonym(self, purpose: str, subject: str) -> str:
        """Return a keyed, non-reversible token for ``subject`` (e.g. to pair survey waves)."""
        message = f"{purpose}:{subject}".encode()
        return hmac.new(self._pseudonym_key, message, sha256).hexdigest()[:32]
