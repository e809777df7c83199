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
