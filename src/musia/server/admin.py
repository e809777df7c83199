"""/admin: providers, models, users and jobs through sqladmin, for admin accounts only.

An admin signs in on sqladmin's own form with the account's username and password; the
session cookie (signed with the JWT secret) holds the user id, and every request checks again
that the account exists, is active and is an admin. Password hashes, provider keys and job
leases are never shown or edited here."""

from __future__ import annotations

from typing import Any, ClassVar

from fastapi import FastAPI
from sqladmin import Admin, ModelView
from sqladmin.authentication import AuthenticationBackend
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request

from musia.db.engine import transaction
from musia.db.models import AiModel, AiProvider, Job, User
from musia.db.repos.accounts import Users
from musia.runtime import Runtime
from musia.server.security import verify_password

BASE_URL = "/admin"


class AdminOnly(AuthenticationBackend):
    def __init__(self, runtime: Runtime) -> None:
        super().__init__(
            secret_key=runtime.settings.jwt_secret,
            session_cookie="musia_admin",
            https_only=False,
            same_site="strict",
        )
        self.runtime = runtime

    async def login(self, request: Request) -> bool:
        form = await request.form()
        username, password = str(form.get("username", "")), str(form.get("password", ""))
        user_id = await run_in_threadpool(self._check_password, username, password)
        if user_id is None:
            return False
        request.session.update({"user_id": user_id})
        return True

    async def logout(self, request: Request) -> bool:
        request.session.clear()
        return True

    async def authenticate(self, request: Request) -> bool:
        user_id = request.session.get("user_id")
        if not isinstance(user_id, str):
            return False
        return await run_in_threadpool(self._is_admin, user_id)

    def _check_password(self, username: str, password: str) -> str | None:
        with transaction(self.runtime.sessions) as session:
            user = Users(session).by_username(username)
            if not verify_password(user.password_hash if user else None, password):
                return None
            assert user is not None
            return user.id if user.is_active and user.is_admin else None

    def _is_admin(self, user_id: str) -> bool:
        with transaction(self.runtime.sessions) as session:
            user = Users(session).get(user_id)
            return bool(user and user.is_active and user.is_admin)


class UserAdmin(ModelView, model=User):
    name_plural = "Users"
    can_create = False  # accounts are made by sign-up or `musia users create`
    can_delete = False
    can_export = False
    column_list: ClassVar[Any] = [User.username, User.email, User.is_active, User.is_admin]
    column_searchable_list: ClassVar[Any] = [User.username, User.email]
    column_details_exclude_list: ClassVar[Any] = [User.password_hash]
    form_columns: ClassVar[Any] = [User.email, User.is_active, User.is_admin]


class ProviderAdmin(ModelView, model=AiProvider):
    name_plural = "Providers"
    can_export = False
    column_list: ClassVar[Any] = [
        AiProvider.name,
        AiProvider.base_url,
        AiProvider.auth_scheme,
        AiProvider.is_active,
    ]
    column_details_exclude_list: ClassVar[Any] = [AiProvider.api_key]
    # Keys are stored encrypted; `musia providers` sets them, not a plain form field.
    form_columns: ClassVar[Any] = [
        AiProvider.name,
        AiProvider.base_url,
        AiProvider.auth_scheme,
        AiProvider.auth_name,
        AiProvider.is_active,
    ]


class ModelAdmin(ModelView, model=AiModel):
    name_plural = "Models"
    can_create = False  # a model needs its request schema and answer map: presets or the CLI
    column_list: ClassVar[Any] = [AiModel.name, AiModel.kind, AiModel.endpoint, AiModel.is_active]
    form_columns: ClassVar[Any] = [AiModel.name, AiModel.kind, AiModel.endpoint, AiModel.is_active]


class JobAdmin(ModelView, model=Job):
    name_plural = "Jobs"
    can_create = False
    can_edit = False  # a job changes state through the queue (cancel: POST /jobs/{id}/cancel)
    column_list: ClassVar[Any] = [
        Job.id,
        Job.kind,
        Job.status,
        Job.progress,
        Job.attempts,
        Job.created_at,
        Job.finished_at,
    ]
    column_searchable_list: ClassVar[Any] = [Job.kind, Job.status]
    column_default_sort: ClassVar[Any] = [(Job.created_at, True)]


def install(app: FastAPI, runtime: Runtime) -> Admin:
    admin = Admin(
        app,
        session_maker=runtime.sessions,
        base_url=BASE_URL,
        title="Musia admin",
        authentication_backend=AdminOnly(runtime),
    )
    for view in (UserAdmin, ProviderAdmin, ModelAdmin, JobAdmin):
        admin.add_view(view)
    return admin
