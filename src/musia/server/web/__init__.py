"""The web studio: plain HTML, CSS and JavaScript modules shipped with the package (no build
step), served at / with its files under /static."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import FileResponse
from fastapi.staticfiles import StaticFiles

FOLDER = Path(__file__).parent
# The page talks only to this origin; scripts, styles and pictures come from it too.
POLICY = (
    "default-src 'self'; img-src 'self' blob: data:; media-src 'self' blob:; "
    "connect-src 'self' ws: wss:; style-src 'self'; script-src 'self'; "
    "frame-ancestors 'none'; base-uri 'self'; form-action 'self'"
)


def install(app: FastAPI) -> None:
    app.mount("/static", StaticFiles(directory=FOLDER / "static"), name="static")

    @app.get("/", include_in_schema=False)
    def studio() -> FileResponse:
        return FileResponse(
            FOLDER / "index.html",
            media_type="text/html",
            headers={"Content-Security-Policy": POLICY, "Cache-Control": "no-cache"},
        )
