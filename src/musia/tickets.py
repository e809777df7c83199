"""Listening tickets: a signed, short-lived URL for one stored file.

An `<audio>` element fetches its source itself, with range requests as it plays and seeks, and
cannot send an `Authorization` header. A ticket (a JWT of type `listen`, signed with the
server's secret) names the owner and the one storage key it opens, so the URL can be handed to
the element without the access token in it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from musia.errors import Unauthorized

ALGORITHM = "HS256"
TICKET_TYPE = "listen"
TICKET_MINUTES = 120  # a long song, paused and resumed: longer than a listening session
LISTEN_PATH = "/api/v1/listen/"


@dataclass(frozen=True)
class Ticket:
    owner_id: str
    key: str
    media_type: str


def issue(owner_id: str, key: str, media_type: str, secret: str) -> str:
    """The URL path that plays `key` for its owner until the ticket expires."""
    import jwt

    now = datetime.now(UTC)
    claims = {
        "sub": owner_id,
        "key": key,
        "mt": media_type,
        "iat": now,
        "exp": now + timedelta(minutes=TICKET_MINUTES),
        "typ": TICKET_TYPE,
    }
    return LISTEN_PATH + jwt.encode(claims, secret, algorithm=ALGORITHM)


def read(ticket: str, secret: str) -> Ticket:
    import jwt

    try:
        claims = jwt.decode(ticket, secret, algorithms=[ALGORITHM], options={"require": ["exp"]})
    except jwt.ExpiredSignatureError as exc:
        raise Unauthorized("the listening link has expired; open the project again") from exc
    except jwt.InvalidTokenError as exc:
        raise Unauthorized("the listening link is not valid") from exc
    fields = (claims.get("sub"), claims.get("key"), claims.get("mt"))
    if claims.get("typ") != TICKET_TYPE or not all(isinstance(f, str) for f in fields):
        raise Unauthorized("the listening link is not valid")
    return Ticket(str(fields[0]), str(fields[1]), str(fields[2]))
