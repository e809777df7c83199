"""The web service: `create_app` builds the FastAPI application on a runtime."""
