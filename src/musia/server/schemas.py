"""What the API takes and returns. Inputs forbid unknown fields, so a typo is a 422, not a
silently ignored value."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from musia.core.plan import MAX_SEED, Plan
from musia.core.plan_builder import MAX_PROMPT_CHARS


class Input(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Output(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class Register(Input):
    username: str = Field(min_length=3, max_length=40, pattern=r"^[A-Za-z0-9_.-]+$")
    password: str = Field(min_length=8, max_length=200)
    email: str | None = Field(default=None, max_length=254, pattern=r"^[^@\s]+@[^@\s]+$")


class UserOut(Output):
    id: str
    username: str
    email: str | None
    created_at: datetime
    is_admin: bool = False


class AccessToken(BaseModel):
    access_token: str
    token_type: Literal["bearer"] = "bearer"
    expires_in: int


class TokenCreate(Input):
    name: str = Field(min_length=1, max_length=80)


class TokenOut(Output):
    id: str
    name: str
    prefix: str
    created_at: datetime
    last_used_at: datetime | None


class TokenCreated(TokenOut):
    token: str = Field(description="Shown once; keep it.")


class JobOut(Output):
    id: str
    kind: str
    status: str
    progress: float
    message: str | None
    result: dict[str, Any] | None
    error: str | None
    attempts: int
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None


class Generate(Input):
    prompt: str | None = Field(default=None, min_length=1, max_length=MAX_PROMPT_CHARS)
    plan: Plan | None = None
    seed: int | None = Field(default=None, ge=0, le=MAX_SEED)
    audio: bool = Field(default=False, description="Also render preview.wav and stems.")
    live_version: Literal[11, 12] = 11

    @model_validator(mode="after")
    def _prompt_or_plan(self) -> Generate:
        if (self.prompt is None) == (self.plan is None):
            raise ValueError("give either a prompt or a plan")
        return self


class Modify(Input):
    instruction: str = Field(min_length=1, max_length=MAX_PROMPT_CHARS)
    audio: bool = False
    live_version: Literal[11, 12] = 11


class VersionOut(Output):
    id: str
    number: int
    parent_id: str | None
    instruction: str | None
    status: str
    plan: dict[str, Any] | None
    formats: list[str]
    job_id: str | None
    created_at: datetime
    samples: list[dict[str, Any]] = []  # samples of the user's library the version uses


class ProjectOut(Output):
    id: str
    name: str
    source: str
    current_version: int
    created_at: datetime
    updated_at: datetime


class ProjectDetail(ProjectOut):
    version: VersionOut


class Inspection(BaseModel):
    project_id: str
    version: int
    source: str
    summary: dict[str, Any]


class ProjectPage(BaseModel):
    items: list[ProjectOut]
    total: int
    page: int
    page_size: int


class Started(BaseModel):
    project: ProjectOut
    version: VersionOut
    job: JobOut


class ChatIn(Input):
    message: str = Field(min_length=1, max_length=MAX_PROMPT_CHARS)
    project_id: str | None = Field(default=None, max_length=32)
    audio: bool = Field(default=False, description="A started render also writes the preview.")


class Rename(Input):
    name: str = Field(min_length=1, max_length=120)


class ListenOut(Output):
    url: str = Field(description="Plays in an <audio> element, with range requests, for a while.")
    format: str = Field(description="web (Ogg Vorbis) or wav")
    media_type: str
    expires_in_s: int


class ChatMessageOut(Output):
    id: int
    role: str
    content: str
    project_id: str | None
    job_id: str | None
    data: dict[str, Any] | None
    created_at: datetime


class ChatReply(BaseModel):
    message: ChatMessageOut
    reply: ChatMessageOut
    plan: dict[str, Any] | None = None
    job: JobOut | None = None


class SampleOut(Output):
    id: str
    name: str
    content_type: str
    size_bytes: int
    type: str | None
    bpm: float | None
    key: str | None
    style: str | None
    duration_s: float | None
    data: dict[str, Any] | None  # the analysis: see musia.services.samples
    created_at: datetime
    job_id: str | None = None  # on upload: the analysis job


class SampleJobStarted(BaseModel):
    """A sample library job started: the starter pack, or an analysis."""

    job: JobOut


class SamplePage(BaseModel):
    items: list[SampleOut]
    total: int
    page: int
    page_size: int


class MusicOut(Output):
    id: str
    name: str
    content_type: str
    size_bytes: int
    uploaded_at: datetime
    processed: bool
    result_data: dict[str, Any] | None
    source_id: str | None
    source_url: str | None
    instruction: str | None


class MusicStarted(BaseModel):
    music: MusicOut
    job: JobOut


class MusicModify(Input):
    music_id: str | None = Field(default=None, max_length=32)
    music_url: str | None = Field(default=None, max_length=2000)
    instruction: str = Field(min_length=1, max_length=MAX_PROMPT_CHARS)

    @model_validator(mode="after")
    def _one_source(self) -> MusicModify:
        if (self.music_id is None) == (self.music_url is None):
            raise ValueError("give either music_id or music_url")
        return self


class ModifyStarted(BaseModel):
    job: JobOut


class ErrorBody(BaseModel):
    error: str
    message: str
    field: str | None = None
