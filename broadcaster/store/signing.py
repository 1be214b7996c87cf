"""The station's Ed25519 key, which signs checkpoints of the airing log.

The private part lives in `keys/station.key` of the station (mode 600, never in a report or in
git); the public part, in `keys/station.pub`, goes to the district and into every checkpoint.
"""

from __future__ import annotations

import base64
import os
from pathlib import Path

KEY_DIR = "keys"
PRIVATE = "station.key"
PUBLIC = "station.pub"


def _paths(project) -> tuple[Path, Path]:
    folder = project.root / KEY_DIR
    return folder / PRIVATE, folder / PUBLIC


def ensure_key(project) -> bool:
    """Create the station's key pair when it has none; True when one was created."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    private, public = _paths(project)
    if private.is_file():
        return False
    private.parent.mkdir(parents=True, exist_ok=True)
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    fd = os.open(private, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(pem)
    public.write_text(_b64(key.public_key()) + "\n", "utf-8")
    return True


def _b64(public_key) -> str:
    from cryptography.hazmat.primitives import serialization

    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return base64.b64encode(raw).decode()


def private_key(project):
    """The station's private key (made on first use), which signs checkpoints and requests."""
    return _private(project)


def _private(project):
    from cryptography.hazmat.primitives import serialization

    ensure_key(project)
    return serialization.load_pem_private_key(_paths(project)[0].read_bytes(), None)


def public_key(project) -> str:
    """The station's public key, base64 of the 32 raw bytes: from its key pair, or, for a
    station known only by its public key (the district's copy of a ward), from station.pub."""
    private, public = _paths(project)
    if not private.is_file() and public.is_file():
        return public.read_text("utf-8").strip()
    return _b64(_private(project).public_key())


RETIRED = "retired"  # keys/retired/*.pub: the station's earlier keys, for its old checkpoints


def known_keys(project) -> set[str]:
    """The station's key and the keys it had before (`broadcaster key new` keeps them)."""
    folder = project.root / KEY_DIR / RETIRED
    old = {p.read_text("utf-8").strip() for p in folder.glob("*.pub")} if folder.is_dir() else set()
    return {public_key(project), *old}


def new_key(project) -> tuple[str, str]:
    """A new key pair for the station; the old public key is kept in keys/retired/ so the
    checkpoints it signed still verify. Returns (old, new) public keys."""
    from datetime import datetime

    private, public = _paths(project)
    old = public_key(project)
    folder = project.root / KEY_DIR / RETIRED
    folder.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    (folder / f"station-{stamp}.pub").write_text(old + "\n", "utf-8")
    private.unlink()
    public.unlink(missing_ok=True)
    ensure_key(project)
    return old, public_key(project)


def has_private_key(project) -> bool:
    """Whether this is the station itself (the district's copy holds only the public key)."""
    return _paths(project)[0].is_file()


def sign(project, message: bytes) -> str:
    return base64.b64encode(_private(project).sign(message)).decode()


def valid(public_b64: str, message: bytes, signature_b64: str) -> bool:
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    try:
        key = Ed25519PublicKey.from_public_bytes(base64.b64decode(public_b64))
        key.verify(base64.b64decode(signature_b64), message)
        return True
    except (InvalidSignature, ValueError, TypeError):
        return False
