"""docker-compose.yml, .env.example and the Dockerfile use only real settings, run the commands
the README documents, start in a safe order, and (where a Compose client is present) validate."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import NoReturn

import pytest

from musia.settings import load_settings
from musia.settings_doc import setting_variables
from tests.deploy.deploy_files import (
    COMPOSE,
    DOCKERFILE,
    ENV_EXAMPLE,
    MUSIA_NAME,
    REPO,
    compose,
    documented_names,
    env_file,
    interpolated_names,
    interpolation_defaults,
    parses_as_musia_command,
    service_environment,
)

APP_SERVICES = ("api", "worker", "migrate")
COMMANDS = {
    "api": ["musia", "serve", "--host", "0.0.0.0", "--port", "8000"],
    "worker": ["musia", "worker"],
    "migrate": ["musia", "db", "upgrade"],
}


def _known_variables() -> set[str]:
    return setting_variables()


@pytest.mark.parametrize("path", [COMPOSE, ENV_EXAMPLE, DOCKERFILE], ids=lambda p: p.name)
def test_every_musia_variable_is_a_setting(path: Path) -> None:
    used = set(MUSIA_NAME.findall(path.read_text("utf-8")))
    assert used, f"{path.name} uses no MUSIA_* variable"
    assert used - _known_variables() == set(), f"{path.name} uses names the settings lack"


def test_app_containers_get_only_settings() -> None:
    """Compose-only knobs (ports, images) must not be named MUSIA_*, and the app containers get
    nothing but MUSIA_* settings."""
    for service in APP_SERVICES:
        environment = compose()["services"][service]["environment"]
        assert {name for name in environment if not name.startswith("MUSIA_")} == set()
    for name in interpolated_names() - _known_variables():
        assert not name.startswith("MUSIA_"), name


def test_services_and_their_commands() -> None:
    services = compose()["services"]
    assert set(services) == {"api", "worker", "migrate", "redis", "postgres", "minio", "bucket"}
    for service, argv in COMMANDS.items():
        assert services[service]["command"] == argv
        assert parses_as_musia_command(argv), argv
    worker_env = service_environment("worker", env_file(ENV_EXAMPLE))
    assert worker_env["MUSIA_JOBS_ENGINE"] == "celery"
    assert worker_env["MUSIA_JOBS_BROKER_URL"] == "redis://redis:6379/0"
    assert services["redis"]["image"].startswith("redis:")
    assert services["postgres"]["image"].startswith("postgres:")
    assert "minio/minio" in services["minio"]["image"]


def test_a_bad_command_would_be_noticed() -> None:
    assert not parses_as_musia_command(["musia", "serv"])
    assert not parses_as_musia_command(["musia", "db"])
    with pytest.raises(Exception, match="No such option"):
        parses_as_musia_command(["musia", "serve", "--hots", "0.0.0.0"])


def test_start_order_and_health() -> None:
    services = compose()["services"]
    after_setup = {
        "migrate": {"condition": "service_completed_successfully"},
        "bucket": {"condition": "service_completed_successfully"},
        "redis": {"condition": "service_healthy"},
    }
    assert services["api"]["depends_on"] == after_setup
    assert services["worker"]["depends_on"] == after_setup
    assert services["migrate"]["depends_on"] == {"postgres": {"condition": "service_healthy"}}
    assert services["bucket"]["depends_on"] == {"minio": {"condition": "service_healthy"}}
    for name in ("postgres", "redis", "minio"):
        assert services[name]["healthcheck"]["test"][0] == "CMD", name
    # The api keeps the image's HEALTHCHECK (GET /healthz, tested in test_dockerfile.py).
    assert "healthcheck" not in services["api"]
    for one_shot in ("migrate", "bucket"):
        assert services[one_shot]["restart"] == "no"


def test_the_bucket_service_creates_the_bucket_musia_uses() -> None:
    env = env_file(ENV_EXAMPLE)
    api = service_environment("api", env)
    bucket = service_environment("bucket", env)
    minio = service_environment("minio", env)
    assert bucket["STORE_BUCKET"] == api["MUSIA_STORAGE_S3_BUCKET"]
    assert bucket["STORE_USER"] == minio["MINIO_ROOT_USER"] == api["MUSIA_STORAGE_S3_ACCESS_KEY_ID"]
    assert minio["MINIO_ROOT_PASSWORD"] == api["MUSIA_STORAGE_S3_SECRET_ACCESS_KEY"]
    script = " ".join(compose()["services"]["bucket"]["command"])
    assert "mc mb --ignore-existing" in script
    assert '"store/$$STORE_BUCKET"' in script


def test_workers_scale_and_data_lives_in_named_volumes() -> None:
    config = compose()
    worker = config["services"]["worker"]
    assert "container_name" not in worker
    assert "ports" not in worker
    declared = set(config["volumes"])
    for name, service in config["services"].items():
        for mount in service.get("volumes", []):
            volume = mount.split(":")[0]
            assert volume in declared, f"{name} mounts {volume}, not a named volume"
    assert declared == {"musia-data", "postgres-data", "redis-data", "minio-data"}


def test_the_stack_environment_is_a_valid_configuration(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The api's environment, resolved from .env.example as Compose would, loads as settings."""
    for name in list(os.environ):
        if name.startswith("MUSIA_"):
            monkeypatch.delenv(name)
    for name, value in service_environment("api", env_file(ENV_EXAMPLE)).items():
        monkeypatch.setenv(name, value)
    settings = load_settings(tmp_path)
    assert settings.database_url == "postgresql://musia:change-me-postgres@postgres:5432/musia"
    assert settings.storage.backend == "s3"
    assert settings.storage.s3_endpoint_url == "http://minio:9000"
    assert settings.storage.s3_bucket == "musia"
    assert settings.storage.s3_prefix == ""
    assert settings.http.cors_origins == ["http://localhost:3000"]
    assert settings.jwt_secret == env_file(ENV_EXAMPLE)["MUSIA_AUTH_JWT_SECRET"]


def test_compose_defaults_are_the_models_defaults(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`${MUSIA_X:-default}` must say what the model says, or the stack would quietly differ."""
    for name in list(os.environ):
        if name.startswith("MUSIA_"):
            monkeypatch.delenv(name)
    model = load_settings(tmp_path)
    defaults = {
        name: value for name, value in interpolation_defaults().items() if name.startswith("MUSIA_")
    }
    assert len(defaults) >= 10
    for name, value in defaults.items():
        monkeypatch.setenv(name, value)
    from_compose = load_settings(tmp_path)
    for group in ("database", "upload", "auth", "http", "jobs"):
        assert getattr(from_compose, group) == getattr(model, group), group
    # The storage group differs only where compose sets a bucket: the rest must match.
    stored = from_compose.storage.model_dump(exclude={"s3_bucket", "s3_access_key_id"})
    assert stored == model.storage.model_dump(exclude={"s3_bucket", "s3_access_key_id"})


def test_env_example_documents_every_variable_the_stack_reads() -> None:
    documented = documented_names(ENV_EXAMPLE)
    compose_own = {"COMPOSE_PROJECT_NAME"}  # read by Compose itself, not interpolated
    assert interpolated_names() | compose_own == set(documented)
    for name, comment in documented.items():
        assert comment, f"{name} has no comment above it in .env.example"
    # The secrets must be set (the stack refuses to start without them); the rest are defaults.
    assert set(env_file(ENV_EXAMPLE)) == {
        "COMPOSE_PROJECT_NAME",
        "POSTGRES_PASSWORD",
        "MUSIA_STORAGE_S3_SECRET_ACCESS_KEY",
        "MUSIA_AUTH_JWT_SECRET",
        "MUSIA_AUTH_PROVIDER_KEY",
    }


def test_the_readme_deployment_commands_match_the_stack() -> None:
    text = (REPO / "README.md").read_text("utf-8")
    section = text[text.index("## Deployment") :]
    section = section[: section.index("\n## ", 1)]
    commands = re.findall(r"^(docker .+)$", section, flags=re.MULTILINE)
    assert "docker compose up -d --scale worker=3" in commands
    assert "docker compose up -d --build" in commands
    services = set(compose()["services"])
    for command in commands:
        for scaled in re.findall(r"--scale (\w+)=\d+", command):
            assert scaled in services
        if command.startswith("docker compose logs"):
            assert command.split()[-1] in services
    assert "cp .env.example .env" in section


def _compose_command() -> list[str] | None:
    """`docker compose` (v2), else Debian's `docker-compose` (1.29, which .ci/run installs):
    both validate a file without a Docker engine."""
    if shutil.which("docker") is not None:
        probe = subprocess.run(
            ["docker", "compose", "version"], capture_output=True, check=False, timeout=60
        )
        if probe.returncode == 0:
            return ["docker", "compose"]
    if shutil.which("docker-compose") is not None:
        return ["docker-compose"]
    return None


def test_docker_compose_config_validates(unavailable: Callable[[str], NoReturn]) -> None:
    command = _compose_command()
    if command is None:
        unavailable("neither `docker compose` nor `docker-compose` is installed (.ci/run does)")
    result = subprocess.run(
        [*command, "--env-file", str(ENV_EXAMPLE), "-f", str(COMPOSE), "config", "-q"],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
        cwd=REPO,
    )
    assert result.returncode == 0, result.stderr
