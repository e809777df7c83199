"""`musia worker` (a Celery worker for `MUSIA_JOBS=celery`) and `musia jobs check`."""

from __future__ import annotations

from typing import Annotated

import typer

from musia.cli.service import DataDir

jobs = typer.Typer(help="Background jobs: check that a worker answers.", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.command()(worker)
    app.add_typer(jobs, name="jobs")


def worker(
    concurrency: Annotated[
        int | None, typer.Option(help="Jobs run at once (threads); default MUSIA_JOBS_WORKERS.")
    ] = None,
    loglevel: Annotated[str, typer.Option(help="Celery log level.")] = "INFO",
    data_dir: DataDir = None,
) -> None:
    """Run a Celery worker on the settings from the environment (MUSIA_JOBS=celery)."""
    from musia.errors import InvalidInput
    from musia.jobs.celery_engine import run_worker
    from musia.settings import load_settings

    settings = load_settings(data_dir)
    if settings.jobs.engine != "celery":
        raise InvalidInput("`musia worker` is for MUSIA_JOBS=celery (inprocess jobs run in serve)")
    typer.echo(f"musia: worker on {settings.jobs.broker_url} queue {settings.jobs.queue}", err=True)
    run_worker(settings, concurrency=concurrency, loglevel=loglevel)


@jobs.command("check")
def check(
    timeout_s: Annotated[float, typer.Option(help="How long to wait.", min=0.1)] = 30.0,
    data_dir: DataDir = None,
) -> None:
    """Run a no-op job through the configured engine and wait until it is COMPLETED."""
    from musia.jobs.check import check_worker
    from musia.jobs.engines import make_queue
    from musia.runtime import open_runtime
    from musia.settings import load_settings

    runtime = open_runtime(load_settings(data_dir))
    runtime.queue = make_queue(runtime)
    try:
        runtime.queue.start()
        round_trip_s = check_worker(runtime, timeout_s)
    finally:
        runtime.close()
    engine = runtime.settings.jobs.engine
    typer.echo(f"ok: a no-op job completed on the {engine} engine in {round_trip_s:.2f} s")
