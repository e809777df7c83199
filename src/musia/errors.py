"""One root exception for everything Musia refuses; the CLI and the server map it in one place."""

from __future__ import annotations


class MusiaError(Exception):
    """Root of every error Musia raises on purpose. `code` is a stable machine-readable name."""

    code = "musia_error"

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field

    def to_dict(self) -> dict[str, str]:
        body = {"error": self.code, "message": self.message}
        if self.field:
            body["field"] = self.field
        return body


class InvalidInput(MusiaError):
    """The caller's input cannot be used as given (empty, too long, out of range, malformed)."""

    code = "invalid_input"


class NotUnderstood(InvalidInput):
    """A prompt in which nothing musical was recognised, or that asks for something else."""

    code = "not_understood"


class UnknownStyle(InvalidInput):
    code = "unknown_style"


class AudioUnavailable(MusiaError):
    """The audio extra is not installed, or no SoundFont could be found."""

    code = "audio_unavailable"


class FileFormatError(InvalidInput):
    """A file that is not what it claims to be (bad MIDI, bad set, bad audio)."""

    code = "bad_file"


class ProviderRequestInvalid(InvalidInput):
    """Parameters or a template that cannot make a valid vendor request; nothing was sent.
    `errors` lists every problem as {"field": ..., "message": ...}."""

    code = "provider_request_invalid"

    def __init__(self, errors: list[dict[str, str]]) -> None:
        first = errors[0] if errors else {"field": "", "message": "invalid request"}
        summary = f"{first['field']}: {first['message']}" if first["field"] else first["message"]
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        super().__init__(summary + more, field=first["field"] or None)
        self.errors = errors

    def to_dict(self) -> dict[str, str]:
        body = super().to_dict()
        body["errors"] = self.errors  # type: ignore[assignment]
        return body


class PresetInvalid(InvalidInput):
    """A provider or model description (a preset file, an operator's model) that does not hold."""

    code = "preset_invalid"


class ProviderError(MusiaError):
    """An AI vendor could not give us a result; the job that called it ends FAILED with `message`.
    `http_status` is the vendor's status (or the one its body code stands for), when known."""

    code = "provider_error"

    def __init__(self, message: str, *, http_status: int | None = None) -> None:
        super().__init__(message)
        self.http_status = http_status


class ProviderRejected(ProviderError):
    """The vendor refused the request (401 key, 402 credits, 422 parameters, other 4xx)."""

    code = "provider_rejected"


class ProviderUnavailable(ProviderError):
    """Server errors, timeouts or rate limits outlasted every retry."""

    code = "provider_unavailable"


class ProviderTimeout(ProviderError):
    """The whole generation took longer than the job allows."""

    code = "provider_timeout"


class ProviderAnswerInvalid(ProviderError):
    """The vendor answered what we cannot read: no task id, no result, not the documented shape."""

    code = "provider_answer_invalid"


class ProviderResultInvalid(ProviderError):
    """A result file that is too big, empty, or not audio, image or video."""

    code = "provider_result_invalid"


class SetFormatError(FileFormatError):
    """A file that is not a Live set Musia can read: not gzip or XML, truncated, too large once
    decompressed, hostile XML (DTDs, entities), the wrong root, or ids that point nowhere."""

    code = "bad_live_set"


class NotFound(MusiaError):
    """No such resource — or one that belongs to someone else: the two answer the same."""

    code = "not_found"


class Unauthorized(MusiaError):
    """No credentials, wrong credentials, or an expired or revoked token."""

    code = "unauthorized"


class Conflict(MusiaError):
    """The request is valid but clashes with the current state (a taken name, a version whose
    files are not written yet)."""

    code = "conflict"


class TooLarge(InvalidInput):
    """An upload or body over its configured limit."""

    code = "too_large"


class RangeNotSatisfiable(InvalidInput):
    """A `Range` header that asks for bytes the file does not have (or cannot be read as one
    byte range); `size_bytes` is the file's size, sent back as `Content-Range: bytes */size`."""

    code = "range_not_satisfiable"

    def __init__(self, message: str, *, size_bytes: int) -> None:
        super().__init__(message, field="Range")
        self.size_bytes = size_bytes


class UnsupportedType(InvalidInput):
    """An upload whose content (sniffed, not its name) is not a type this endpoint takes."""

    code = "unsupported_type"


class UnsafeUrl(InvalidInput):
    """A URL Musia refuses to fetch: not http(s), or pointing at a private or local address."""

    code = "unsafe_url"


class RateLimited(MusiaError):
    code = "rate_limited"

    def __init__(self, message: str, *, retry_after_s: int) -> None:
        super().__init__(message)
        self.retry_after_s = retry_after_s


class Unavailable(MusiaError):
    """A feature whose engine is not installed or not reachable (the database, an extra)."""

    code = "unavailable"


class StorageFull(MusiaError):
    """The storage has no room left for a file (ENOSPC, a quota): what was stored stays."""

    code = "storage_full"


class OutputNotWritable(MusiaError):
    """The output folder cannot be written: no permission, a full disk, a name taken meanwhile."""

    code = "output_not_writable"


class AudioFormatError(FileFormatError):
    """An audio file that cannot be read: empty, truncated, corrupt, not audio, no channels."""

    code = "bad_audio"


class AudioTooLong(InvalidInput):
    """An audio file longer than the configured cap, refused from its header before decoding."""

    code = "audio_too_long"


class UnknownInstruction(InvalidInput):
    """A transform that Musia does not know, or one asked with values it cannot use."""

    code = "unknown_instruction"


class JobCanceled(MusiaError):
    """Raised inside a running job when its owner canceled it (seen at its next progress
    report); the worker stops the handler and leaves the row CANCELED."""

    code = "job_canceled"
