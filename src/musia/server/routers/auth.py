"""Accounts: register, log in (OAuth2 password flow → JWT), personal API tokens."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.security import OAuth2PasswordRequestForm

from musia.db.repos.accounts import Tokens, Users
from musia.errors import Unauthorized
from musia.server import schemas
from musia.server.deps import CurrentUser, Work
from musia.server.security import (
    create_access_token,
    hash_password,
    new_api_token,
    verify_password,
)

router = APIRouter(prefix="/auth", tags=["auth"])


@router.post("/register", status_code=201, response_model=schemas.UserOut)
def register(body: schemas.Register, uow: Work) -> schemas.UserOut:
    user = Users(uow.session).create(body.username, hash_password(body.password), body.email)
    return schemas.UserOut.model_validate(user)


@router.post("/login", response_model=schemas.AccessToken)
def login(
    form: Annotated[OAuth2PasswordRequestForm, Depends()], request: Request, uow: Work
) -> schemas.AccessToken:
    """OAuth2 password flow: form fields `username` and `password`."""
    client = request.client.host if request.client else "?"
    request.app.state.login_limiter.hit(f"{client}|{form.username.lower()}")
    user = Users(uow.session).by_username(form.username)
    if not verify_password(user.password_hash if user else None, form.password):
        raise Unauthorized("wrong username or password")
    assert user is not None
    if not user.is_active:
        raise Unauthorized("this account is disabled")
    minutes = uow.runtime.settings.auth.access_token_minutes
    token = create_access_token(user.id, uow.runtime.settings.jwt_secret, minutes)
    return schemas.AccessToken(access_token=token, expires_in=minutes * 60)


@router.get("/me", response_model=schemas.UserOut)
def me(user: CurrentUser) -> schemas.UserOut:
    return schemas.UserOut.model_validate(user)


@router.post("/tokens", status_code=201, response_model=schemas.TokenCreated)
def create_token(body: schemas.TokenCreate, user: CurrentUser, uow: Work) -> schemas.TokenCreated:
    token, digest, prefix = new_api_token()
    row = Tokens(uow.session).create(user.id, body.name, digest, prefix)
    return schemas.TokenCreated(
        id=row.id,
        name=row.name,
        prefix=row.prefix,
        created_at=row.created_at,
        last_used_at=row.last_used_at,
        token=token,
    )


@router.get("/tokens", response_model=list[schemas.TokenOut])
def list_tokens(user: CurrentUser, uow: Work) -> list[schemas.TokenOut]:
    return [schemas.TokenOut.model_validate(t) for t in Tokens(uow.session).list(user.id)]


@router.delete("/tokens/{token_id}", status_code=204)
def revoke_token(token_id: str, user: CurrentUser, uow: Work) -> None:
    Tokens(uow.session).revoke(user.id, token_id)
