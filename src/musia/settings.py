"""The service's settings, from the environment (prefix `MUSIA_`), split by concern and checked
when they are loaded: a bad value stops the service at start, not at the first request.

The embedded default needs nothing: a SQLite file and local storage under the data folder
(`MUSIA_DATA_DIR`, default `./data`), and a JWT secret generated on first start and kept in
`<data dir>/jwt-secret` so tokens survive a restart.
"""

from __future__ import annotations

import os
import secrets
from functools import cached_property
from pathlib import Path
from typing import Literal

from pydantic import (
    AliasChoices,
    BaseModel,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_settings import BaseSettings, SettingsConfigDict, SettingsError

from musia.errors import InvalidInput

MB = 1024 * 1024
MIN_SECRET_CHARS = 32
SECRET_FILE = "jwt-secret"


def _config(prefix: str) -> SettingsConfigDict:
    return SettingsConfigDict(env_prefix=prefix, extra="ignore", frozen=True)


class DatabaseSettings(BaseSettings):
    """`MUSIA_DATABASE_URL`: any SQLAlchemy URL; empty means `sqlite:///<data dir>/musia.db`."""

    model_config = _config("MUSIA_DATABASE_")
    url: str = ""
    echo: bool = False

    @field_validator("url")
    @classmethod
    def _known_driver(cls, url: str) -> str:
        if url and not url.startswith(("sqlite", "postgresql")):
            raise ValueError("only sqlite:// and postgresql:// URLs are supported")
        return url


class StorageSettings(BaseSettings):
    """`MUSIA_STORAGE_BACKEND=local` (a folder, default `<data dir>/storage`) or `s3`."""

    model_config = _config("MUSIA_STORAGE_")
    backend: Literal["local", "s3"] = "local"
    local_dir: Path | None = None
    s3_endpoint_url: str | None = None
    s3_bucket: str = ""
    s3_region: str = "us-east-1"
    s3_access_key_id: str | None = None
    s3_secret_access_key: str | None = None
    s3_prefix: str = ""

    @model_validator(mode="after")
    def _s3_needs_a_bucket(self) -> StorageSettings:
        if self.backend == "s3" and not self.s3_bucket:
            raise ValueError("MUSIA_STORAGE_S3_BUCKET is required with the s3 backend")
        if self.s3_endpoint_url and not self.s3_endpoint_url.startswith(("http://", "https://")):
            raise ValueError("MUSIA_STORAGE_S3_ENDPOINT_URL must be an http(s) URL")
        return self


class UploadSettings(BaseSettings):
    model_config = _config("MUSIA_UPLOAD_")
    max_audio_bytes: int = Field(default=200 * MB, gt=0)
    max_set_bytes: int = Field(default=50 * MB, gt=0)
    max_json_bytes: int = Field(default=1 * MB, gt=0)


class AuthSettings(BaseSettings):
    """`MUSIA_AUTH_JWT_SECRET` (at least 32 characters); when absent, one is generated and kept
    in the data folder."""

    model_config = _config("MUSIA_AUTH_")
    jwt_secret: str | None = Field(default=None, repr=False)
    # Fernet key for provider API keys at rest; absent: <data dir>/provider-key, made once.
    provider_key: str | None = Field(default=None, repr=False)
    access_token_minutes: int = Field(default=60, ge=1, le=60 * 24 * 30)
    login_attempts_per_minute: int = Field(default=10, ge=1)

    @field_validator("jwt_secret")
    @classmethod
    def _long_enough(cls, secret: str | None) -> str | None:
        if secret is not None and len(secret) < MIN_SECRET_CHARS:
            raise ValueError(f"the JWT secret must be at least {MIN_SECRET_CHARS} characters")
        return secret


class HttpSettings(BaseSettings):
    """CORS origins as a JSON list: `MUSIA_HTTP_CORS_ORIGINS='["https://studio.example"]'`."""

    model_config = _config("MUSIA_HTTP_")
    cors_origins: list[str] = Field(default_factory=lambda: ["http://localhost:3000"])
    allow_private_urls: bool = False  # music_url fetches to loopback/private addresses
    fetch_timeout_s: float = Field(default=30.0, gt=0)
    log_json: bool = True


class JobSettings(BaseSettings):
    """`MUSIA_JOBS=celery` runs jobs on Celery workers (`musia worker`) through the Redis at
    `MUSIA_JOBS_BROKER_URL`; the default `inprocess` runs them in the server's own threads.
    A running job renews its lease every third of `lease_s`; `sweep_s` is how often workers
    look for jobs whose worker died."""

    model_config = SettingsConfigDict(
        env_prefix="MUSIA_JOBS_", extra="ignore", frozen=True, populate_by_name=True
    )
    engine: Literal["inprocess", "celery"] = Field(
        default="inprocess", validation_alias=AliasChoices("MUSIA_JOBS", "MUSIA_JOBS_ENGINE")
    )
    workers: int = Field(default=2, ge=1, le=64)
    lease_s: float = Field(default=600.0, gt=0)
    max_attempts: int = Field(default=3, ge=1)
    broker_url: str = "redis://127.0.0.1:6379/0"
    queue: str = Field(default="musia", pattern=r"^[A-Za-z0-9_.:-]{1,80}$")
    sweep_s: float = Field(default=10.0, gt=0)

    @field_validator("broker_url")
    @classmethod
    def _redis(cls, url: str) -> str:
        if not url.startswith(("redis://", "rediss://")):
            raise ValueError("MUSIA_JOBS_BROKER_URL must be a redis:// URL")
        return url


class Settings(BaseModel):
    data_dir: Path
    database: DatabaseSettings
    storage: StorageSettings
    upload: UploadSettings
    auth: AuthSettings
    http: HttpSettings
    jobs: JobSettings

    @cached_property
    def database_url(self) -> str:
        return self.database.url or f"sqlite:///{self.data_dir / 'musia.db'}"

    @cached_property
    def storage_dir(self) -> Path:
        return self.storage.local_dir or self.data_dir / "storage"

    @cached_property
    def jwt_secret(self) -> str:
        return self.auth.jwt_secret or _persisted_secret(self.data_dir / SECRET_FILE)


def load_settings(data_dir: Path | None = None) -> Settings:
    """Read every group from the environment; refuse the whole set on the first bad value."""
    folder = data_dir or Path(os.environ.get("MUSIA_DATA_DIR", "data"))
    try:
        return Settings(
            data_dir=folder.expanduser().resolve(),
            database=DatabaseSettings(),
            storage=StorageSettings(),
            upload=UploadSettings(),
            auth=AuthSettings(),
            http=HttpSettings(),
            jobs=JobSettings(),
        )
    except SettingsError as exc:  # a value that is not even JSON where JSON is expected
        raise InvalidInput(f"bad setting: {exc}") from exc
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or exc.title
        raise InvalidInput(f"bad setting {exc.title}.{where}: {first['msg']}", field=where) from exc


def _persisted_secret(path: Path) -> str:
    """A random secret kept beside the database: readable by this user only, written once."""
    if path.exists():
        secret = path.read_text("utf-8").strip()
        if len(secret) >= MIN_SECRET_CHARS:
            return secret
    path.parent.mkdir(parents=True, exist_ok=True)
    secret = secrets.token_urlsafe(48)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as file:
        file.write(secret + "\n")
    return secret
