"""Settings come from MUSIA_* variables, have working embedded defaults, and refuse bad values."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from musia.errors import InvalidInput
from musia.settings import MB, load_settings


def test_embedded_defaults(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MUSIA_DATABASE_URL", raising=False)
    settings = load_settings(tmp_path)
    assert settings.database_url == f"sqlite:///{tmp_path / 'musia.db'}"
    assert settings.storage.backend == "local"
    assert settings.storage_dir == tmp_path / "storage"
    assert settings.upload.max_audio_bytes == 200 * MB
    assert settings.upload.max_set_bytes == 50 * MB
    assert settings.http.cors_origins == ["http://localhost:3000"]
    assert settings.http.allow_private_urls is False


def test_the_generated_jwt_secret_is_kept_private_and_reused(tmp_path: Path) -> None:
    first = load_settings(tmp_path).jwt_secret
    secret_file = tmp_path / "jwt-secret"
    assert len(first) >= 32
    assert stat.S_IMODE(secret_file.stat().st_mode) == 0o600
    assert load_settings(tmp_path).jwt_secret == first


def test_values_come_from_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MUSIA_DATABASE_URL", "postgresql://postgres@127.0.0.1/musia")
    monkeypatch.setenv("MUSIA_UPLOAD_MAX_AUDIO_BYTES", "1000")
    monkeypatch.setenv("MUSIA_HTTP_CORS_ORIGINS", '["https://studio.example"]')
    monkeypatch.setenv("MUSIA_AUTH_JWT_SECRET", "x" * 40)
    settings = load_settings(tmp_path)
    assert settings.database_url.startswith("postgresql://")
    assert settings.upload.max_audio_bytes == 1000
    assert settings.http.cors_origins == ["https://studio.example"]
    assert settings.jwt_secret == "x" * 40
    assert not (tmp_path / "jwt-secret").exists()


@pytest.mark.parametrize(
    ("name", "value", "field"),
    [
        ("MUSIA_DATABASE_URL", "mysql://root@localhost/musia", "url"),
        ("MUSIA_UPLOAD_MAX_AUDIO_BYTES", "-5", "max_audio_bytes"),
        ("MUSIA_UPLOAD_MAX_SET_BYTES", "lots", "max_set_bytes"),
        ("MUSIA_AUTH_JWT_SECRET", "short", "jwt_secret"),
        ("MUSIA_STORAGE_BACKEND", "ftp", "backend"),
        ("MUSIA_JOBS_WORKERS", "0", "workers"),
        ("MUSIA_HTTP_CORS_ORIGINS", "not json", "cors_origins"),
    ],
)
def test_bad_values_fail_at_load_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, value: str, field: str
) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(InvalidInput) as caught:
        load_settings(tmp_path)
    assert field in caught.value.message


def test_s3_needs_a_bucket(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MUSIA_STORAGE_BACKEND", "s3")
    with pytest.raises(InvalidInput, match="BUCKET"):
        load_settings(tmp_path)
