"""Users and their personal API tokens."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from musia.db.base import utcnow
from musia.db.models import ApiToken, User
from musia.errors import Conflict, NotFound


class Users:
    def __init__(self, session: Session) -> None:
        self.session = session

    def create(self, username: str, password_hash: str, email: str | None = None) -> User:
        if self.by_username(username) is not None:
            raise Conflict(f"the username {username!r} is taken", field="username")
        user = User(username=username, password_hash=password_hash, email=email)
        self.session.add(user)
        try:
            self.session.flush()
        except IntegrityError as exc:  # a concurrent registration won the name
            raise Conflict(f"the username {username!r} is taken", field="username") from exc
        return user

    def by_username(self, username: str) -> User | None:
        return self.session.scalar(select(User).where(User.username == username))

    def get(self, user_id: str) -> User | None:
        return self.session.get(User, user_id)


class Tokens:
    def __init__(self, session: Session) -> None:
        self.session = session

    def create(self, owner_id: str, name: str, token_hash: str, prefix: str) -> ApiToken:
        token = ApiToken(owner_id=owner_id, name=name, token_hash=token_hash, prefix=prefix)
        self.session.add(token)
        self.session.flush()
        return token

    def list(self, owner_id: str) -> list[ApiToken]:
        query = select(ApiToken).where(ApiToken.owner_id == owner_id, ApiToken.revoked_at.is_(None))
        return list(self.session.scalars(query.order_by(ApiToken.created_at)))

    def revoke(self, owner_id: str, token_id: str) -> None:
        token = self.session.get(ApiToken, token_id)
        if token is None or token.owner_id != owner_id or token.revoked_at is not None:
            raise NotFound(f"no token {token_id}")
        token.revoked_at = utcnow()

    def active_by_hash(self, token_hash: str) -> ApiToken | None:
        return self.session.scalar(
            select(ApiToken).where(ApiToken.token_hash == token_hash, ApiToken.revoked_at.is_(None))
        )
