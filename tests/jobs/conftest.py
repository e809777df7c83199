from tests.service_fixtures import database_url, postgres_url

__all__ = ["database_url", "postgres_url"]
