"""The provider gateway in the database: `ai_provider` and `ai_model` rows made from and into
the `musia.providers` specs (keys encrypted at rest), and the `provider_generation` job that
runs one vendor generation and keeps its results in our storage."""
