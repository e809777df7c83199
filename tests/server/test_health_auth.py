"""Health, readiness, accounts and tokens through HTTP."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import jwt
from fastapi.testclient import TestClient

from tests.server.conftest import SECRET, Headers, register


def test_healthz_and_readyz(client: TestClient) -> None:
    assert client.get("/healthz").json()["status"] == "ok"
    ready = client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json()["database"] in {"sqlite", "postgresql"}
    assert ready.headers["x-request-id"]


def test_register_login_me(client: TestClient) -> None:
    headers = register(client, "carol")
    me = client.get("/api/v1/auth/me", headers=headers)
    assert me.status_code == 200
    assert me.json()["username"] == "carol"
    assert "password" not in me.text


def test_a_taken_username_is_a_409(client: TestClient, alice: Headers) -> None:
    again = client.post("/api/v1/auth/register", json={"username": "alice", "password": "x" * 10})
    assert again.status_code == 409
    assert again.json() == {
        "error": "conflict",
        "message": "the username 'alice' is taken",
        "field": "username",
    }


def test_wrong_password_and_unknown_user_answer_the_same(
    client: TestClient, alice: Headers
) -> None:
    wrong = client.post("/api/v1/auth/login", data={"username": "alice", "password": "nope"})
    unknown = client.post("/api/v1/auth/login", data={"username": "zed", "password": "nope"})
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json() == unknown.json()


def test_no_token_bad_token_expired_token(client: TestClient, alice: Headers) -> None:
    assert client.get("/api/v1/projects").status_code == 401
    bad = client.get("/api/v1/projects", headers={"Authorization": "Bearer not.a.jwt"})
    assert bad.status_code == 401
    assert bad.json()["error"] == "unauthorized"
    me = client.get("/api/v1/auth/me", headers=alice).json()
    past = datetime.now(UTC) - timedelta(minutes=5)
    expired = jwt.encode({"sub": me["id"], "exp": past, "typ": "access"}, SECRET, "HS256")
    answer = client.get("/api/v1/projects", headers={"Authorization": f"Bearer {expired}"})
    assert answer.status_code == 401
    assert "expired" in answer.json()["message"]
    forged = jwt.encode(
        {"sub": me["id"], "exp": past + timedelta(hours=1), "typ": "access"}, "y" * 40
    )
    assert (
        client.get("/api/v1/projects", headers={"Authorization": f"Bearer {forged}"}).status_code
        == 401
    )
    odd = client.get("/api/v1/projects", headers={"Authorization": "Basic abc"})
    assert odd.status_code == 401


def test_api_tokens_create_use_list_revoke(client: TestClient, alice: Headers) -> None:
    created = client.post("/api/v1/auth/tokens", json={"name": "laptop"}, headers=alice)
    assert created.status_code == 201
    token = created.json()["token"]
    assert token.startswith("musia_")
    with_token = {"Authorization": f"Token {token}"}
    assert client.get("/api/v1/auth/me", headers=with_token).json()["username"] == "alice"
    listed = client.get("/api/v1/auth/tokens", headers=alice).json()
    assert [t["name"] for t in listed] == ["laptop"]
    assert "token" not in listed[0]
    assert listed[0]["last_used_at"] is not None
    token_id = created.json()["id"]
    assert client.delete(f"/api/v1/auth/tokens/{token_id}", headers=alice).status_code == 204
    assert client.get("/api/v1/auth/me", headers=with_token).status_code == 401
    assert client.delete(f"/api/v1/auth/tokens/{token_id}", headers=alice).status_code == 404
    assert client.get("/api/v1/auth/tokens", headers=alice).json() == []


def test_login_is_rate_limited(client: TestClient, alice: Headers) -> None:
    limit = client.app.state.login_limiter.limit  # type: ignore[attr-defined]
    answers = [
        client.post("/api/v1/auth/login", data={"username": "alice", "password": "wrong"})
        for _ in range(limit - 1)  # the fixture logged in once
    ]
    assert {a.status_code for a in answers} <= {401, 200}
    blocked = client.post(
        "/api/v1/auth/login", data={"username": "alice", "password": "correct horse"}
    )
    assert blocked.status_code == 429
    assert blocked.json()["error"] == "rate_limited"
    assert int(blocked.headers["retry-after"]) >= 1
