"""The one place where errors become HTTP answers: `{error, message, field?}` JSON, always."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from musia import errors

log = logging.getLogger("musia.server")

# Most specific first: TooLarge is an InvalidInput, and answers 413, not 422.
STATUS: tuple[tuple[type[errors.MusiaError], int], ...] = (
    (errors.NotFound, 404),
    (errors.Unauthorized, 401),
    (errors.Conflict, 409),
    (errors.TooLarge, 413),
    (errors.UnsupportedType, 415),
    (errors.RangeNotSatisfiable, 416),
    (errors.RateLimited, 429),
    (errors.StorageFull, 507),
    (errors.Unavailable, 503),
    (errors.AudioUnavailable, 503),
    (errors.InvalidInput, 422),
    (errors.MusiaError, 400),
)
HTTP_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    413: "too_large",
    415: "unsupported_type",
    416: "range_not_satisfiable",
    422: "invalid_input",
    429: "rate_limited",
    507: "storage_full",
}


def status_for(error: errors.MusiaError) -> int:
    return next(status for kind, status in STATUS if isinstance(error, kind))


def musia_error(_request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, errors.MusiaError)
    headers: dict[str, str] = {}
    if isinstance(error, errors.Unauthorized):
        headers["WWW-Authenticate"] = "Bearer"
    if isinstance(error, errors.RateLimited):
        headers["Retry-After"] = str(error.retry_after_s)
    if isinstance(error, errors.RangeNotSatisfiable):
        headers["Content-Range"] = f"bytes */{error.size_bytes}"
    return JSONResponse(error.to_dict(), status_code=status_for(error), headers=headers)


def validation_error(_request: Request, error: Exception) -> JSONResponse:
    """FastAPI's list of problems, led by the first one in our shape."""
    assert isinstance(error, RequestValidationError)
    problems = [_problem(p) for p in error.errors()]
    first = problems[0] if problems else {"field": None, "message": "invalid request"}
    body: dict[str, Any] = {"error": "invalid_input", "message": first["message"]}
    if first["field"]:
        body["field"] = first["field"]
    body["problems"] = problems
    return JSONResponse(body, status_code=422)


def _problem(problem: Any) -> dict[str, Any]:
    location = [str(p) for p in problem.get("loc", ()) if p not in {"body", "query", "path"}]
    field = ".".join(location) or None
    message = str(problem.get("msg", "invalid value"))
    if problem.get("type") == "json_invalid":
        message = "the body is not valid JSON"
    return {"field": field, "message": f"{field}: {message}" if field else message}


def http_error(_request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, HTTPException)
    code = HTTP_CODES.get(error.status_code, "http_error")
    body = {"error": code, "message": str(error.detail)}
    return JSONResponse(body, status_code=error.status_code, headers=error.headers)


def unexpected(_request: Request, error: Exception) -> JSONResponse:
    log.exception("unhandled error", exc_info=error)
    body = {"error": "internal_error", "message": "something went wrong on our side"}
    return JSONResponse(body, status_code=500)


def install(app: FastAPI) -> None:
    app.add_exception_handler(errors.MusiaError, musia_error)
    app.add_exception_handler(RequestValidationError, validation_error)
    app.add_exception_handler(HTTPException, http_error)
    app.add_exception_handler(Exception, unexpected)
