"""An S3-compatible server on 127.0.0.1 (moto's server mode: real HTTP, S3's documented API)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from musia.settings import StorageSettings
from musia.storage import Storage
from musia.storage.local import LocalStorage
from musia.storage.s3 import S3Storage


@pytest.fixture(scope="session")
def s3_endpoint() -> Iterator[str]:
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


def s3_settings(endpoint: str) -> StorageSettings:
    return StorageSettings(
        backend="s3",
        s3_endpoint_url=endpoint,
        s3_bucket=f"musia-{uuid.uuid4().hex[:8]}",
        s3_access_key_id="test",
        s3_secret_access_key="test",
        s3_prefix="tenant",
    )


def make_bucket(storage: S3Storage) -> None:
    storage.client.create_bucket(Bucket=storage.bucket)


@pytest.fixture(params=["local", "s3"])
def storage(request: pytest.FixtureRequest, tmp_path: Path) -> Storage:
    if request.param == "local":
        return LocalStorage(tmp_path / "storage")
    s3 = S3Storage(s3_settings(request.getfixturevalue("s3_endpoint")))
    make_bucket(s3)
    return s3
