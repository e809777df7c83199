"""The tables. Every resource row has an owner; queries for it always filter by that owner."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, BigInteger, Boolean, Float, ForeignKey, Integer, String, Text
from sqlalchemy import UniqueConstraint as Unique
from sqlalchemy import false as sa_false
from sqlalchemy import true as sa_true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from musia.db.base import Base, created_column, id_column, utcnow

OWNER = "user.id"


def _owner() -> Mapped[str]:
    return mapped_column(ForeignKey(OWNER, ondelete="CASCADE"), index=True)


class JobStatus(StrEnum):
    PENDING = "PENDING"
    PROCESSING = "PROCESSING"
    COMPLETED = "COMPLETED"
    FAILED = "FAILED"
    CANCELED = "CANCELED"


FINISHED = frozenset({JobStatus.COMPLETED, JobStatus.FAILED, JobStatus.CANCELED})


class User(Base):
    __tablename__ = "user"
    id: Mapped[str] = id_column()
    username: Mapped[str] = mapped_column(String(40), unique=True)
    email: Mapped[str | None] = mapped_column(String(254))
    password_hash: Mapped[str] = mapped_column(String(200))
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = created_column()
    # Admins may open /admin (providers, models, users, jobs); granted by the CLI only (0003).
    is_admin: Mapped[bool] = mapped_column(Boolean, default=False, server_default=sa_false())


class ApiToken(Base):
    """A personal token: only its SHA-256 is kept; the token itself is shown once."""

    __tablename__ = "api_token"
    id: Mapped[str] = id_column()
    owner_id: Mapped[str] = _owner()
    name: Mapped[str] = mapped_column(String(80))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = created_column()
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]


class Project(Base):
    __tablename__ = "project"
    id: Mapped[str] = id_column()
    owner_id: Mapped[str] = _owner()
    name: Mapped[str] = mapped_column(String(200))
    source: Mapped[str] = mapped_column(String(16), default="generated")  # or "imported"
    current_version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = created_column()
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    versions: Mapped[list[ProjectVersion]] = relationship(
        back_populates="project",
        cascade="all, delete-orphan",
        order_by="ProjectVersion.number",
        passive_deletes=True,
    )


class ProjectVersion(Base):
    """Each edit is a new version with its parent; `files` maps a format to its storage key."""

    __tablename__ = "project_version"
    __table_args__ = (Unique("project_id", "number"),)
    id: Mapped[str] = id_column()
    project_id: Mapped[str] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    parent_id: Mapped[str | None] = mapped_column(
        ForeignKey("project_version.id", ondelete="SET NULL")
    )
    instruction: Mapped[str | None] = mapped_column(Text)
    plan: Mapped[dict[str, Any] | None]
    status: Mapped[str] = mapped_column(String(16), default="pending")  # ready | failed
    files: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    summary: Mapped[dict[str, Any] | None]
    job_id: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[datetime] = created_column()
    project: Mapped[Project] = relationship(back_populates="versions")


class ChatMessage(Base):
    __tablename__ = "chat_message"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    owner_id: Mapped[str] = _owner()
    role: Mapped[str] = mapped_column(String(16))  # user | assistant
    content: Mapped[str] = mapped_column(Text)
    project_id: Mapped[str | None] = mapped_column(ForeignKey("project.id", ondelete="SET NULL"))
    job_id: Mapped[str | None] = mapped_column(String(32))
    data: Mapped[dict[str, Any] | None]
    created_at: Mapped[datetime] = created_column()


class Sample(Base):
    __tablename__ = "sample"
    id: Mapped[str] = id_column()
    owner_id: Mapped[str] = _owner()
    name: Mapped[str] = mapped_column(String(200))
    file_key: Mapped[str] = mapped_column(String(400))
    content_type: Mapped[str] = mapped_column(String(64))
    size_bytes: Mapped[int] = mapped_column(BigInteger)
    type: Mapped[str | None] = mapped_column(String(32), index=True)  # loop, one-shot, kick…
    bpm: Mapped[float | None] = mapped_column(Float)
    key: Mapped[str | None] = mapped_column(String(16))
    style: Mapped[str | None] = mapped_column(String(40))
    duration_s: Mapped[float | None] = mapped_column(Float)
    data: Mapped[dict[str, Any] | None]
    created_at: Mapped[datetime] = created_column()


class ProjectSample(Base):
    __tablename__ = "project_sample"
    project_id: Mapped[str] = mapped_column(
        ForeignKey("project.id", ondelete="CASCADE"), primary_key=True
    )
    sample_id: Mapped[str] = mapped_column(
        ForeignKey("sample.id", ondelete="CASCADE"), primary_key=True
    )
    added_at: Mapped[datetime] = created_column()


class MusicFile(Base):
    """An uploaded or produced piece of audio; `result_data` holds its analysis."""

    __tablename__ = "music_file"
    id: Mapped[str] = id_column()
    owner_id: Mapped[str] = _owner()
    name: Mapped[str] = mapped_column(String(200))
    file: Mapped[str] = mapped_column(String(400))  # storage key of the original, unchanged
    content_type: Mapped[str] = mapped_column(String(64))
    size_bytes: Mapped[int] = mapped_column(BigInteger)
    uploaded_at: Mapped[datetime] = created_column()
    processed: Mapped[bool] = mapped_column(Boolean, default=False)
    result_data: Mapped[dict[str, Any] | None]
    source_id: Mapped[str | None] = mapped_column(ForeignKey("music_file.id", ondelete="SET NULL"))
    source_url: Mapped[str | None] = mapped_column(Text)
    instruction: Mapped[str | None] = mapped_column(Text)


class Box(Base):
    """A user's collection of assets (a mood board, a pack)."""

    __tablename__ = "box"
    id: Mapped[str] = id_column()
    owner_id: Mapped[str] = _owner()
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = created_column()


class Asset(Base):
    __tablename__ = "asset"
    id: Mapped[str] = id_column()
    owner_id: Mapped[str] = _owner()
    box_id: Mapped[str | None] = mapped_column(ForeignKey("box.id", ondelete="SET NULL"))
    kind: Mapped[str] = mapped_column(String(32))  # audio, image, video, text
    name: Mapped[str] = mapped_column(String(200))
    file_key: Mapped[str | None] = mapped_column(String(400))
    content_type: Mapped[str | None] = mapped_column(String(64))
    size_bytes: Mapped[int | None] = mapped_column(BigInteger)
    data: Mapped[dict[str, Any] | None]
    created_at: Mapped[datetime] = created_column()
    # Generated assets (migration 0002): the job making it and what the vendor said.
    status: Mapped[str] = mapped_column(String(16), default="COMPLETED", server_default="COMPLETED")
    prompt_text: Mapped[str | None] = mapped_column(Text)
    ai_model_id: Mapped[str | None] = mapped_column(ForeignKey("ai_model.id", ondelete="SET NULL"))
    parent_asset_id: Mapped[str | None] = mapped_column(ForeignKey("asset.id", ondelete="SET NULL"))
    job_id: Mapped[str | None] = mapped_column(String(32))
    external_task_id: Mapped[str | None] = mapped_column(String(200))
    error_message: Mapped[str | None] = mapped_column(Text)


class AiProvider(Base):
    """A vendor: base URL + auth scheme + key (DESIGN.md §6). No owner: a shared one."""

    __tablename__ = "ai_provider"
    id: Mapped[str] = id_column()
    owner_id: Mapped[str | None] = mapped_column(ForeignKey(OWNER, ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(80))
    base_url: Mapped[str] = mapped_column(String(400))
    auth_scheme: Mapped[str] = mapped_column(String(32))
    api_key: Mapped[str | None] = mapped_column(Text)  # Fernet token, never the key itself
    created_at: Mapped[datetime] = created_column()
    auth_name: Mapped[str | None] = mapped_column(String(64))  # header / query name (0002)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=sa_true())


class AiModel(Base):
    __tablename__ = "ai_model"
    id: Mapped[str] = id_column()
    provider_id: Mapped[str] = mapped_column(
        ForeignKey("ai_provider.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(120))
    kind: Mapped[str] = mapped_column(String(32))  # music, chat, image, video
    endpoint: Mapped[str] = mapped_column(String(400))
    request_schema: Mapped[dict[str, Any]]
    parameters_schema: Mapped[dict[str, Any]]
    response_map: Mapped[dict[str, Any]]  # the rest of the ModelSpec: delivery, readings…
    created_at: Mapped[datetime] = created_column()
    is_active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=sa_true())


class Job(Base):
    """The truth about every asynchronous task (DESIGN.md §5)."""

    __tablename__ = "job"
    id: Mapped[str] = id_column()
    owner_id: Mapped[str] = _owner()
    kind: Mapped[str] = mapped_column(String(40))
    input: Mapped[dict[str, Any]]
    status: Mapped[str] = mapped_column(String(16), default=JobStatus.PENDING, index=True)
    progress: Mapped[float] = mapped_column(Float, default=0.0)
    message: Mapped[str | None] = mapped_column(Text)
    result: Mapped[dict[str, Any] | None]
    error: Mapped[str | None] = mapped_column(Text)
    external_task_id: Mapped[str | None] = mapped_column(String(200))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    lease_expires_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = created_column()
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
