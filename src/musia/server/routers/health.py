"""Liveness (the process answers) and readiness (the database and storage answer)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends

from musia import __version__
from musia.db.engine import check_reachable
from musia.runtime import Runtime
from musia.server.deps import runtime

router = APIRouter(tags=["health"])


@router.get("/healthz")
def healthz() -> dict[str, str]:
    return {"status": "ok", "version": __version__}


@router.get("/readyz")
def readyz(current: Annotated[Runtime, Depends(runtime)]) -> dict[str, str]:
    check_reachable(current.engine)
    current.storage.check()
    return {"status": "ready", "database": current.engine.dialect.name}
