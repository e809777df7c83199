"""Passwords (argon2), access tokens (JWT, HS256) and personal API tokens (random, stored as a
SHA-256), and the login rate limiter."""

from __future__ import annotations

import hashlib
import secrets
import threading
import time
from collections import deque
from datetime import UTC, datetime, timedelta

from musia.errors import RateLimited, Unauthorized

TOKEN_PREFIX = "musia_"
ALGORITHM = "HS256"
_hasher_lock = threading.Lock()


def hash_password(password: str) -> str:
    from argon2 import PasswordHasher

    return PasswordHasher().hash(password)


# Verifying against this keeps an unknown username as slow as a wrong password.
_DUMMY_HASH: list[str] = []


def verify_password(password_hash: str | None, password: str) -> bool:
    from argon2 import PasswordHasher
    from argon2.exceptions import InvalidHashError, VerificationError

    hasher = PasswordHasher()
    if password_hash is None:
        with _hasher_lock:
            if not _DUMMY_HASH:
                _DUMMY_HASH.append(hasher.hash(secrets.token_hex(8)))
        password_hash = _DUMMY_HASH[0]
    try:
        return hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def create_access_token(user_id: str, secret: str, minutes: int) -> str:
    import jwt

    now = datetime.now(UTC)
    claims = {"sub": user_id, "iat": now, "exp": now + timedelta(minutes=minutes), "typ": "access"}
    return jwt.encode(claims, secret, algorithm=ALGORITHM)


def user_id_from_access_token(token: str, secret: str) -> str:
    import jwt

    try:
        claims = jwt.decode(token, secret, algorithms=[ALGORITHM], options={"require": ["exp"]})
    except jwt.ExpiredSignatureError as exc:
        raise Unauthorized("the access token has expired; log in again") from exc
    except jwt.InvalidTokenError as exc:
        raise Unauthorized("the access token is not valid") from exc
    subject = claims.get("sub")
    if claims.get("typ") != "access" or not isinstance(subject, str):
        raise Unauthorized("the access token is not valid")
    return subject


def new_api_token() -> tuple[str, str, str]:
    """(the token to show once, its hash to store, a prefix to recognise it by)."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    return token, token_hash(token), token[: len(TOKEN_PREFIX) + 6]


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


class RateLimiter:
    """At most `limit` attempts per key in any `window_s` seconds (in memory, per process)."""

    def __init__(self, limit: int, window_s: float = 60.0) -> None:
        self.limit = limit
        self.window_s = window_s
        self._hits: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def hit(self, key: str) -> None:
        now = time.monotonic()
        with self._lock:
            hits = self._hits.setdefault(key, deque())
            while hits and hits[0] <= now - self.window_s:
                hits.popleft()
            if len(hits) >= self.limit:
                retry = max(1, int(hits[0] + self.window_s - now) + 1)
                raise RateLimited(
                    f"too many login attempts; try again in {retry} s", retry_after_s=retry
                )
            hits.append(now)
            if len(self._hits) > 100_000:  # forget idle keys rather than grow without end
                self._hits = {k: v for k, v in self._hits.items() if v and v[-1] > now - 60}
