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
DATA_DIR_VARIABLE = "MUSIA_DATA_DIR"
DEFAULT_DATA_DIR = "data"
MIN_SECRET_CHARS = 32
SECRET_FILE = "jwt-secret"


def _config(prefix: str) -> SettingsConfigDict:
    # Attribute docstrings become field descriptions: the README's table of settings is made
    # from them (musia.settings_doc), so each setting is explained where it is defined.
    return SettingsConfigDict(
        env_prefix=prefix, extra="ignore", frozen=True, use_attribute_docstrings=True
    )


class DatabaseSettings(BaseSettings):
    """`MUSIA_DATABASE_URL`: any SQLAlchemy URL; empty means `sqlite:///<data dir>/musia.db`."""

    model_config = _config("MUSIA_DATABASE_")
    url: str = ""
    """Any SQLAlchemy URL, `sqlite://...` or `postgresql://user:password@host/db`; empty
    means `sqlite:///<data dir>/musia.db`."""
    echo: bool = False
    """Log every SQL statement."""

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
    """`local` (a folder) or `s3` (an S3-compatible bucket: AWS, MinIO, Ceph)."""
    local_dir: Path | None = None
    """Folder of the `local` backend; none means `<data dir>/storage`."""
    s3_endpoint_url: str | None = None
    """http(s) URL of an S3-compatible store (e.g. `http://minio:9000`); none means AWS."""
    s3_bucket: str = ""
    """Bucket of the `s3` backend (required with it); Musia does not create it."""
    s3_region: str = "us-east-1"
    """Region of the bucket."""
    s3_access_key_id: str | None = None
    """Access key; none means boto3's own credential chain (instance role, `~/.aws`)."""
    s3_secret_access_key: str | None = None
    """Secret key that goes with the access key."""
    s3_prefix: str = ""
    """Key prefix inside the bucket, to share one bucket between deployments."""

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
    """Largest audio upload (samples, music) or fetched `music_url`, in bytes (200 MB)."""
    max_set_bytes: int = Field(default=50 * MB, gt=0)
    """Largest Live set upload, in bytes (50 MB)."""
    max_json_bytes: int = Field(default=1 * MB, gt=0)
    """Largest body of every other request, in bytes (1 MB)."""


class AuthSettings(BaseSettings):
    """`MUSIA_AUTH_JWT_SECRET` (at least 32 characters); when absent, one is generated and kept
    in the data folder."""

    model_config = _config("MUSIA_AUTH_")
    jwt_secret: str | None = Field(default=None, repr=False)
    """Key that signs access tokens, at least 32 characters; none means one generated on first
    start and kept in `<data dir>/jwt-secret` (mode 0600). Set it when several containers serve
    the API."""
    provider_key: str | None = Field(default=None, repr=False)
    """Fernet key that encrypts provider API keys at rest; none means one made once and kept in
    `<data dir>/provider-key` (mode 0600). The server and every worker must share it."""
    access_token_minutes: int = Field(default=60, ge=1, le=60 * 24 * 30)
    """Lifetime of an access token, in minutes (1 to 43200)."""
    login_attempts_per_minute: int = Field(default=10, ge=1)
    """Login attempts allowed per minute per address and username, then 429."""

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
    """Origins allowed by CORS, as a JSON list."""
    allow_private_urls: bool = False
    """Let `music_url` fetches reach loopback, private and link-local addresses."""
    fetch_timeout_s: float = Field(default=30.0, gt=0)
    """Timeout of a `music_url` fetch, in seconds."""
    log_json: bool = True
    """Log one JSON object per line (with the request id); `false` for plain text."""


class JobSettings(BaseSettings):
    """`MUSIA_JOBS=celery` runs jobs on Celery workers (`musia worker`) through the Redis at
    `MUSIA_JOBS_BROKER_URL`; the default `inprocess` runs them in the server's own threads.
    A running job renews its lease every third of `lease_s`; `sweep_s` is how often workers
    look for jobs whose worker died."""

    model_config = SettingsConfigDict(
        env_prefix="MUSIA_JOBS_",
        extra="ignore",
        frozen=True,
        populate_by_name=True,
        use_attribute_docstrings=True,
    )
    engine: Literal["inprocess", "celery"] = Field(
        default="inprocess", validation_alias=AliasChoices("MUSIA_JOBS", "MUSIA_JOBS_ENGINE")
    )
    """Job engine: inprocess (threads of the server) or celery (`musia worker` processes); also
    read from `MUSIA_JOBS`."""
    workers: int = Field(default=2, ge=1, le=64)
    """Job worker threads of the in-process engine (1 to 64)."""
    lease_s: float = Field(default=600.0, gt=0)
    """How long a worker holds a job before another may take it over, in seconds."""
    max_attempts: int = Field(default=3, ge=1)
    """Attempts of a job whose worker died before it is marked FAILED."""
    render_processes: int = Field(default=0, ge=0, le=64)
    """Worker processes that compose, write and render projects (0: in the job's own thread;
    `make run` sets one per core)."""
    # An audio preview costs about a second of CPU per minute of music: bound what one request buys.
    max_audio_minutes: float = Field(default=10.0, gt=0)
    """Longest audio preview one request may ask for, in minutes of music."""
    broker_url: str = "redis://127.0.0.1:6379/0"
    """Redis URL of the Celery broker (and of job events with Celery)."""
    queue: str = Field(default="musia", pattern=r"^[A-Za-z0-9_.:-]{1,80}$")
    """Name of the Celery queue the workers take jobs from."""
    sweep_s: float = Field(default=10.0, gt=0)
    """How often each worker looks for jobs whose lease expired, in seconds."""

    @field_validator("broker_url")
    @classmethod
    def _redis(cls, url: str) -> str:
        if not url.startswith(("redis://", "rediss://")):
            raise ValueError("MUSIA_JOBS_BROKER_URL must be a redis:// URL")
        return url


class ChatSettings(BaseSettings):
    """The chat's language models (`MUSIA_CHAT_GLM_API_KEY`, `MUSIA_CHAT_MINIMAX_API_KEY`; none
    needed: without keys it answers locally), which one does what, and the websocket's limits."""

    model_config = _config("MUSIA_CHAT_")
    glm_api_key: str | None = Field(default=None, repr=False)
    """API key for Zhipu's GLM; without one the chat plans with the local parser."""
    glm_base_url: str | None = None
    """Base URL of the GLM API (default: the Zhipu preset's)."""
    glm_model: str = "glm-4.6"
    """GLM model name."""
    minimax_api_key: str | None = Field(default=None, repr=False)
    """API key for MiniMax; without one small talk is answered locally."""
    minimax_base_url: str | None = None
    """Base URL of the MiniMax API (default: the MiniMax preset's)."""
    minimax_model: str = "MiniMax-M2"
    """MiniMax model name."""
    structured_provider: Literal["zhipu", "minimax", "none"] = "zhipu"
    """Which model turns a message into a plan: zhipu, minimax or none (local parser only)."""
    conversation_provider: Literal["zhipu", "minimax", "none"] = "minimax"
    """Which model answers small talk: zhipu, minimax or none (local answers)."""
    llm_timeout_s: float = Field(default=20.0, gt=0)
    """How long to wait for a language model before falling back to the local parser, seconds."""
    ws_max_message_bytes: int = Field(default=64 * 1024, gt=0)
    """Largest websocket message a client may send; bigger closes the socket with 1009."""
    ws_queue_events: int = Field(default=256, ge=1)
    """Events queued for one websocket client before it counts as too slow and is closed."""
    ws_messages_per_10s: int = Field(default=20, ge=1)
    """Messages one websocket client may send per 10 s before it is rate limited."""


class Settings(BaseModel):
    data_dir: Path
    database: DatabaseSettings
    storage: StorageSettings
    upload: UploadSettings
    auth: AuthSettings
    http: HttpSettings
    jobs: JobSettings
    chat: ChatSettings = Field(default_factory=ChatSettings)

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
    folder = data_dir or Path(os.environ.get(DATA_DIR_VARIABLE, DEFAULT_DATA_DIR))
    try:
        return Settings(
            data_dir=folder.expanduser().resolve(),
            database=DatabaseSettings(),
            storage=StorageSettings(),
            upload=UploadSettings(),
            auth=AuthSettings(),
            http=HttpSettings(),
            jobs=JobSettings(),
            chat=ChatSettings(),
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
