"""Databases for the service's tests: a fresh SQLite file per test, and one throwaway PostgreSQL
database per test session (127.0.0.1:5432, trust auth) emptied between tests. Under CI=true a
PostgreSQL that cannot be reached fails the tests; elsewhere they skip."""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import NoReturn

import pytest
from sqlalchemy import Engine, text

from musia.db.engine import make_engine
from musia.db.migrate import upgrade

PG_ADMIN = os.environ.get(
    "MUSIA_TEST_PG_ADMIN", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
BACKENDS = ("sqlite", "postgresql")


def _admin_engine() -> Engine:
    return make_engine(PG_ADMIN).execution_options(isolation_level="AUTOCOMMIT")


@pytest.fixture(scope="session")
def postgres_url(unavailable: Callable[[str], NoReturn]) -> Iterator[str]:
    """One database for the whole session, migrated once; dropped at the end."""
    name = f"musia_test_{uuid.uuid4().hex[:12]}"
    admin = _admin_engine()
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:
        unavailable(f"PostgreSQL at 127.0.0.1:5432 is not reachable: {exc}")
    url = PG_ADMIN.rsplit("/", 1)[0] + f"/{name}"
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    try:
        yield url
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _empty_postgres(engine: Engine) -> None:
    from musia.db.base import Base

    names = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
    with engine.begin() as connection:
        connection.execute(text(f"TRUNCATE {names} CASCADE"))


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A migrated, empty database on each backend."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'musia.db'}"
        engine = make_engine(url)
        upgrade(engine)
        engine.dispose()
        yield url
        return
    url = request.getfixturevalue("postgres_url")
    engine = make_engine(url)
    _empty_postgres(engine)
    engine.dispose()
    yield url
