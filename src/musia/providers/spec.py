"""What the gateway knows about a vendor, as data: a provider (where and how to authenticate) and
its models (the request template, the form users fill, and how to read the answers).

An operator adds a vendor model from its documentation by writing one of these (a preset file,
later a database row); no code changes. Every path below is a `musia.providers.paths` path.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator, model_validator

from musia.errors import PresetInvalid
from musia.providers.paths import parse_path

ParamValue = str | int | float | bool | list[str]

# Variables the gateway fills itself; a template may use them without declaring a field.
CONTEXT_VARIABLES = frozenset({"callback_url"})
POLL_VARIABLES = frozenset({"task_id"})


class Status(StrEnum):
    PENDING = "PENDING"
    PROCESSING = "PROCESSING"
    COMPLETED = "COMPLETED"
    FAILED = "FAILED"


FINAL_STATUSES = frozenset({Status.COMPLETED, Status.FAILED})


class ModelType(StrEnum):
    MUSIC = "MUSIC"
    AUDIO = "AUDIO"
    IMAGE = "IMAGE"
    VIDEO = "VIDEO"
    TEXT = "TEXT"


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Auth(_Frozen):
    """How the key travels: `bearer` (Authorization: Bearer KEY), `header` (NAME: KEY),
    `query` (?NAME=KEY) or `none`."""

    scheme: Literal["bearer", "header", "query", "none"] = "bearer"
    name: str | None = None

    @model_validator(mode="after")
    def _named(self) -> Auth:
        if self.scheme in {"header", "query"} and not self.name:
            raise ValueError(f"auth scheme {self.scheme!r} needs a name")
        return self


class Provider(_Frozen):
    """A vendor account. The key is a SecretStr: repr, str and model_dump show '**********'."""

    name: Annotated[str, Field(min_length=1, max_length=64)]
    base_url: Annotated[str, Field(pattern=r"^https?://[^\s]+$", max_length=500)]
    auth: Auth = Auth()
    api_key: SecretStr | None = None

    def secrets(self) -> list[str]:
        key = self.api_key.get_secret_value() if self.api_key else ""
        return [key] if key else []


class ParamField(_Frozen):
    """One entry of the form users fill. `number` accepts int or float (only int with
    `integer`); `list` is a list of strings (e.g. image URLs)."""

    name: Annotated[str, Field(pattern=r"^[A-Za-z_][A-Za-z0-9_]*$", max_length=64)]
    kind: Literal["select", "number", "text", "bool", "list"]
    label: str = ""
    description: str = ""
    required: bool = False
    default: ParamValue | None = None
    options: list[str | int | float | bool] | None = None
    min: float | None = None
    max: float | None = None
    integer: bool = False
    max_length: int | None = Field(default=None, ge=1)
    max_items: int | None = Field(default=None, ge=1)

    @model_validator(mode="after")
    def _coherent(self) -> ParamField:
        if self.kind == "select" and not self.options:
            raise ValueError(f"select field {self.name!r} needs options")
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError(f"field {self.name!r}: min is above max")
        return self


class Envelope(_Frozen):
    """A status code some vendors put in a 200 answer's body (Kie `code`, MiniMax
    `base_resp.status_code`). A code outside `ok_codes` is handled like the HTTP status it
    maps to in `code_to_http` (itself when it is a number 400-599): 401/402/422 refuse,
    429 backs off, 5xx retries."""

    code_path: str | None = None
    ok_codes: list[int | str] = [200]
    code_to_http: dict[str, int] = {}


class Reading(_Frozen):
    """How to read one kind of answer (create, poll, callback or sync)."""

    task_id_path: str | None = None
    status_path: str | None = None
    status_map: dict[str, Status] = {}
    unknown_status: Status = Status.PROCESSING
    result_url_paths: list[str] = []
    text_path: str | None = None
    error_paths: list[str] = []
    progress_path: str | None = None
    progress_scale: float = Field(default=1.0, gt=0)


class Poll(_Frozen):
    endpoint: str  # relative to the provider's base URL, with {{task_id}}
    method: Literal["GET", "POST"] = "GET"
    interval_s: float = Field(default=5.0, gt=0, le=600)
    reading: Reading


class ModelSpec(_Frozen):
    """A vendor model. `delivery`: `sync` (the create answer is the result: chat completions,
    audio bytes), `poll` (create returns a task id, poll until final) or `callback` (the vendor
    POSTs the result to {{callback_url}}; `callback` reads it)."""

    provider: str
    name: Annotated[str, Field(min_length=1, max_length=100)]
    type: ModelType
    description: str = ""
    source: str = ""  # where the vendor shape was documented
    endpoint: str
    method: Literal["POST", "GET", "PUT"] = "POST"
    request_schema: Any = None
    parameters_schema: list[ParamField] = []
    delivery: Literal["sync", "poll", "callback"]
    answer_format: Literal["json", "bytes"] = "json"
    envelope: Envelope = Envelope()
    error_paths: list[str] = []  # the vendor's message in an error answer (any HTTP status)
    create: Reading = Reading()
    poll: Poll | None = None
    callback: Reading | None = None

    @field_validator("endpoint")
    @classmethod
    def _relative(cls, endpoint: str) -> str:
        if not endpoint.startswith("/"):
            raise ValueError("endpoint must start with / (it is joined to the base URL)")
        return endpoint

    @model_validator(mode="after")
    def _consistent(self) -> ModelSpec:
        from musia.providers.templating import check_template

        names = {field.name for field in self.parameters_schema}
        if len(names) != len(self.parameters_schema):
            raise ValueError("parameter names must be unique")
        if self.delivery == "poll" and (self.poll is None or not self.create.task_id_path):
            raise ValueError("a polled model needs `poll` and `create.task_id_path`")
        if self.delivery == "callback" and (self.callback is None or not self.create.task_id_path):
            raise ValueError("a callback model needs `callback` and `create.task_id_path`")
        check_template(self.request_schema, names | CONTEXT_VARIABLES, where="request_schema")
        check_template(self.endpoint, names, where="endpoint")
        if self.poll:
            check_template(self.poll.endpoint, names | POLL_VARIABLES, where="poll.endpoint")
        self._check_paths()
        self._check_defaults()
        return self

    def readings(self) -> list[Reading]:
        found = [self.create]
        found += [self.poll.reading] if self.poll else []
        return found + ([self.callback] if self.callback else [])

    def _check_paths(self) -> None:
        paths = [*self.error_paths, *([self.envelope.code_path] if self.envelope.code_path else [])]
        for reading in self.readings():
            optional = [reading.task_id_path, reading.status_path, reading.text_path]
            paths += [p for p in optional if p] + reading.result_url_paths + reading.error_paths
            paths += [reading.progress_path] if reading.progress_path else []
        for path in paths:
            parse_path(path)

    def _check_defaults(self) -> None:
        from musia.providers.templating import check_value

        for field in self.parameters_schema:
            if field.default is not None:
                problem = check_value(field, field.default)
                if problem:
                    raise ValueError(f"default of {field.name!r}: {problem}")


def load_model(data: Any) -> ModelSpec:
    """A ModelSpec from JSON-like data, or PresetInvalid with pydantic's reasons in one line."""
    from pydantic import ValidationError

    try:
        return ModelSpec.model_validate(data)
    except (ValidationError, PresetInvalid) as exc:
        raise PresetInvalid(f"model description is invalid: {_reasons(exc)}") from None


def _reasons(exc: Exception) -> str:
    from pydantic import ValidationError

    if not isinstance(exc, ValidationError):
        return str(exc)
    parts = []
    for error in exc.errors()[:5]:
        where = ".".join(str(p) for p in error["loc"])
        parts.append(f"{where}: {error['msg']}" if where else error["msg"])
    return "; ".join(parts)
