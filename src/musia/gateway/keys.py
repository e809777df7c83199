"""Provider API keys at rest: Fernet tokens (AES-128-CBC + HMAC-SHA256) under one key, from
`MUSIA_AUTH_PROVIDER_KEY` or a key file created in the data folder on first use. The server and
every worker must share it (same setting, or the same data folder)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from musia.errors import InvalidInput, Unavailable
from musia.settings import Settings

if TYPE_CHECKING:
    from cryptography.fernet import Fernet

KEY_FILE = "provider-key"


def fernet(settings: Settings) -> Fernet:
    from cryptography.fernet import Fernet

    key = settings.auth.provider_key or _persisted_key(settings.data_dir / KEY_FILE)
    try:
        return Fernet(key.encode("ascii"))
    except (ValueError, UnicodeEncodeError):
        raise InvalidInput(
            "MUSIA_AUTH_PROVIDER_KEY must be a Fernet key (32 bytes, url-safe base64)",
            field="auth.provider_key",
        ) from None


def encrypt(settings: Settings, api_key: str) -> str:
    return fernet(settings).encrypt(api_key.encode("utf-8")).decode("ascii")


def decrypt(settings: Settings, token: str) -> str:
    from cryptography.fernet import InvalidToken

    try:
        return fernet(settings).decrypt(token.encode("ascii")).decode("utf-8")
    except (InvalidToken, ValueError):
        raise Unavailable(
            "a provider key cannot be decrypted: this process uses another provider key "
            "(MUSIA_AUTH_PROVIDER_KEY or <data dir>/provider-key) than the one that stored it"
        ) from None


def _persisted_key(path: Path) -> str:
    from cryptography.fernet import Fernet

    if path.exists():
        return path.read_text("ascii").strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    key = Fernet.generate_key().decode("ascii")
    try:  # O_EXCL: two processes starting at once keep one key
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text("ascii").strip()
    with os.fdopen(descriptor, "w", encoding="ascii") as file:
        file.write(key + "\n")
    return key
