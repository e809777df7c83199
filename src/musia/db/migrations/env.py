"""Alembic environment: the URL and, when given, the connection come from musia.db.migrate."""

from __future__ import annotations

from alembic import context

from musia.db import models  # noqa: F401 (registers the tables on the metadata)
from musia.db.base import Base
from musia.db.engine import make_engine

config = context.config
connection = config.attributes.get("connection")
if connection is not None:
    context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()
else:
    engine = make_engine(config.get_main_option("sqlalchemy.url") or "")
    with engine.begin() as own:
        context.configure(connection=own, target_metadata=Base.metadata, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()
