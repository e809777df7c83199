"""Accounts outside a request (the CLI)."""

from __future__ import annotations

from musia.db.models import User
from musia.db.repos.accounts import Users
from musia.runtime import Runtime
from musia.services.uow import UnitOfWork


def create_account(
    runtime: Runtime, username: str, password_hash: str, email: str | None, *, admin: bool = False
) -> User:
    with UnitOfWork(runtime) as uow:
        user = Users(uow.session).create(username, password_hash, email)
        user.is_admin = admin
        return user
