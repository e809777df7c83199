"""The database: SQLAlchemy 2 models, repositories that own every query, Alembic migrations."""
