"""Request dependencies: the runtime, the unit of work (committed before the response is sent,
so a job's row exists when the client polls it) and the authenticated user."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import APIKeyHeader, OAuth2PasswordBearer

from musia.db.base import utcnow
from musia.db.models import User
from musia.db.repos.accounts import Tokens, Users
from musia.errors import Unauthorized
from musia.runtime import Runtime
from musia.server.security import token_hash, user_id_from_access_token
from musia.services.uow import UnitOfWork

# Declared for the OpenAPI document; the header is parsed by `current_user` below.
bearer = OAuth2PasswordBearer(tokenUrl="/api/v1/auth/login", auto_error=False)
api_token = APIKeyHeader(
    name="Authorization", auto_error=False, description="`Token <personal API token>`"
)


def runtime(request: Request) -> Runtime:
    value: Runtime = request.app.state.runtime
    return value


def unit_of_work(request: Request) -> Iterator[UnitOfWork]:
    with UnitOfWork(runtime(request)) as uow:
        yield uow


Work = Annotated[UnitOfWork, Depends(unit_of_work, scope="function")]


def current_user(
    uow: Work,
    request: Request,
    _bearer: Annotated[str | None, Depends(bearer)] = None,
    _token: Annotated[str | None, Depends(api_token)] = None,
) -> User:
    header = request.headers.get("authorization", "")
    scheme, _, credential = header.partition(" ")
    credential = credential.strip()
    if not header:
        raise Unauthorized("log in first: send 'Authorization: Bearer <token>' or 'Token <token>'")
    if scheme.lower() == "bearer" and credential:
        user_id = user_id_from_access_token(credential, uow.runtime.settings.jwt_secret)
        user = Users(uow.session).get(user_id)
    elif scheme.lower() == "token" and credential:
        token = Tokens(uow.session).active_by_hash(token_hash(credential))
        if token is None:
            raise Unauthorized("the API token is not valid or was revoked")
        token.last_used_at = utcnow()
        user = Users(uow.session).get(token.owner_id)
    else:
        raise Unauthorized("the Authorization header must be 'Bearer <token>' or 'Token <token>'")
    if user is None or not user.is_active:
        raise Unauthorized("the account for this token no longer exists")
    return user


CurrentUser = Annotated[User, Depends(current_user)]
