"""The migrations build exactly the models' schema, on SQLite and PostgreSQL, and go back down."""

from __future__ import annotations

from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from musia.db.base import Base
from musia.db.engine import make_engine
from musia.db.migrate import current, downgrade, upgrade

TABLES = {
    "user", "api_token", "project", "project_version", "chat_message", "sample",
    "project_sample", "music_file", "box", "asset", "ai_provider", "ai_model", "job",
}  # fmt: skip


def test_upgrade_builds_every_table_and_matches_the_models(database_url: str) -> None:
    engine = make_engine(database_url)
    assert set(inspect(engine).get_table_names()) >= TABLES
    assert current(engine) == "0003"
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []
    engine.dispose()


def test_downgrade_removes_everything_and_upgrade_restores_it(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'm.db'}")
    upgrade(engine)
    downgrade(engine, "base")
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    upgrade(engine)
    assert set(inspect(engine).get_table_names()) >= TABLES
    engine.dispose()


def test_a_second_upgrade_is_a_no_op(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'n.db'}")
    upgrade(engine)
    upgrade(engine)
    assert current(engine) == "0003"
    engine.dispose()
