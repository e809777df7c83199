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


class AudioFormatError(FileFormatError):
    """An audio file that cannot be read: empty, truncated, corrupt, not audio, no channels."""

    code = "bad_audio"


class AudioTooLong(InvalidInput):
    """An audio file longer than the configured cap, refused from its header before decoding."""

    code = "audio_too_long"


class UnknownInstruction(InvalidInput):
    """A transform that Musia does not know, or one asked with values it cannot use."""

    code = "unknown_instruction"
