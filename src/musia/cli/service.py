"""`musia serve`, `musia db upgrade`, `musia users create`: the web service from the shell."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

DataDir = Annotated[
    Path | None,
    typer.Option(
        "--data-dir",
        help="Data folder (SQLite file, storage, JWT secret); default $MUSIA_DATA_DIR or ./data.",
    ),
]

db = typer.Typer(help="The database: migrations.", no_args_is_help=True)
users = typer.Typer(help="Accounts.", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.command()(serve)
    app.add_typer(db, name="db")
    app.add_typer(users, name="users")


def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port.", min=1, max=65535)] = 8000,
    data_dir: DataDir = None,
) -> None:
    """Run the web service (OpenAPI docs at /docs) on the settings from the environment."""
    import uvicorn

    from musia.malloc import tune_for_service
    from musia.server import logs
    from musia.server.app import create_app
    from musia.settings import load_settings

    tune_for_service()  # before the threads start: freed buffers go back to the system
    settings = load_settings(data_dir)
    logs.configure(json_lines=settings.http.log_json)
    typer.echo(f"musia: serving on http://{host}:{port} (data in {settings.data_dir})", err=True)
    uvicorn.run(create_app(settings), host=host, port=port, log_config=None, access_log=False)


@db.command()
def upgrade(data_dir: DataDir = None) -> None:
    """Bring the database schema up to the newest migration."""
    from musia.db.engine import make_engine
    from musia.db.migrate import current
    from musia.db.migrate import upgrade as run_upgrade
    from musia.settings import load_settings

    settings = load_settings(data_dir)
    engine = make_engine(settings.database_url)
    run_upgrade(engine)
    typer.echo(f"database at revision {current(engine)}")
    engine.dispose()


@users.command("create")
def create_user(
    username: Annotated[str, typer.Argument(help="3-40 letters, digits, . _ -")],
    password: Annotated[
        str,
        typer.Option(
            prompt=True, hide_input=True, confirmation_prompt=True, help="At least 8 characters."
        ),
    ],
    email: Annotated[str | None, typer.Option(help="Optional e-mail address.")] = None,
    admin: Annotated[
        bool, typer.Option("--admin", help="May open /admin (providers, models, users, jobs).")
    ] = False,
    data_dir: DataDir = None,
) -> None:
    """Create an account (the password is asked for when not given)."""
    from pydantic import ValidationError

    from musia.errors import InvalidInput
    from musia.runtime import open_runtime
    from musia.server.schemas import Register
    from musia.server.security import hash_password
    from musia.services.accounts import create_account
    from musia.settings import load_settings

    try:
        wanted = Register(username=username, password=password, email=email)
    except ValidationError as exc:
        first = exc.errors()[0]
        raise InvalidInput(
            f"{first['loc'][0]}: {first['msg']}", field=str(first["loc"][0])
        ) from exc
    runtime = open_runtime(load_settings(data_dir))
    try:
        user = create_account(
            runtime, wanted.username, hash_password(wanted.password), wanted.email, admin=admin
        )
    finally:
        runtime.close()
    typer.echo(f"created {'admin' if admin else 'user'} {user.username} ({user.id})")
