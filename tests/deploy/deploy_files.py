"""Reading the deployment files the way Docker reads them: the compose file as YAML (with its
`${NAME:-default}` interpolation resolved from an env file), the Dockerfile's instructions, and
the names of the Celery engine's settings, which the compose file uses before they exist."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import typer.main
import yaml

from musia.cli.main import app

REPO = Path(__file__).resolve().parents[2]
COMPOSE = REPO / "docker-compose.yml"
ENV_EXAMPLE = REPO / ".env.example"
DOCKERFILE = REPO / "Dockerfile"

INTERPOLATION = re.compile(r"\$\{(?P<name>[A-Za-z_][A-Za-z0-9_]*)(?P<op>:?[-?])?(?P<arg>[^}]*)\}")
MUSIA_NAME = re.compile(r"\bMUSIA_[A-Z0-9_]+\b")


def compose() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(COMPOSE.read_text("utf-8"))
    return loaded


def cli_commands() -> dict[str, Any]:
    """The real `musia` command tree (click), to check that a compose command would parse."""
    group = typer.main.get_command(app)
    return dict(group.commands)  # type: ignore[attr-defined]


def parses_as_musia_command(argv: list[str]) -> bool:
    """True when `argv` (starting with `musia`) names a real command whose options parse."""
    assert argv[0] == "musia"
    command: Any = typer.main.get_command(app)
    args = argv[1:]
    while args and hasattr(command, "commands"):
        if args[0] not in command.commands:
            return False
        command, args = command.commands[args[0]], args[1:]
    if hasattr(command, "commands"):
        return False
    command.make_context(argv[1], list(args))  # raises click.UsageError on a bad option
    return True


def env_file(path: Path) -> dict[str, str]:
    """KEY=value lines, as Compose reads an env file (comments and blank lines skipped)."""
    values = {}
    for line in path.read_text("utf-8").splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            key, _, value = line.partition("=")
            values[key.strip()] = value
    return values


def documented_names(path: Path) -> dict[str, str]:
    """Each variable of the env file, set or shown commented out, with the comment above it."""
    names: dict[str, str] = {}
    comment: list[str] = []
    used = False  # variables on consecutive lines share the comment above them
    for line in path.read_text("utf-8").splitlines():
        match = re.match(r"^#?\s?([A-Z][A-Z0-9_]*)=", line)
        if match:
            names[match.group(1)] = " ".join(comment)
            used = True
        elif line.startswith("#") and not line.startswith("# ---"):
            comment = [*([] if used else comment), line.lstrip("# ")]
            used = False
        else:
            comment, used = [], False
    return names


def interpolated_names() -> set[str]:
    return {m.group("name") for m in INTERPOLATION.finditer(COMPOSE.read_text("utf-8"))}


def interpolation_defaults() -> dict[str, str]:
    """`${NAME:-default}` -> {NAME: default}."""
    return {
        m.group("name"): m.group("arg")
        for m in INTERPOLATION.finditer(COMPOSE.read_text("utf-8"))
        if m.group("op") in {"-", ":-"}
    }


def resolve(value: str, env: dict[str, str]) -> str:
    """Compose's interpolation of one value: ${X}, ${X:-default}, ${X:?error}, and $$ for $."""

    def substitute(match: re.Match[str]) -> str:
        name, op, arg = match.group("name"), match.group("op"), match.group("arg")
        if name in env and (env[name] or op not in {":-", ":?"}):
            return env[name]
        if op in {":?", "?"}:
            raise KeyError(f"{name}: {arg}")
        return arg if op else ""

    return INTERPOLATION.sub(substitute, value).replace("$$", "$")


def service_environment(service: str, env: dict[str, str]) -> dict[str, str]:
    raw = compose()["services"][service].get("environment", {})
    return {key: resolve(str(value), env) for key, value in raw.items()}


def dockerfile_instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) with continuation lines joined and comments dropped."""
    text = re.sub(r"\\\n\s*", " ", DOCKERFILE.read_text("utf-8"))
    instructions = []
    for line in text.splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            word, _, rest = line.strip().partition(" ")
            instructions.append((word.upper(), rest.strip()))
    return instructions


def exec_form(arguments: str) -> list[str]:
    """The JSON array of a CMD or HEALTHCHECK ... CMD instruction."""
    parsed: list[str] = json.loads(arguments[arguments.index("[") :])
    return parsed
