"""The API on S3-compatible storage (a real HTTP S3 server on 127.0.0.1): files go to the
bucket, downloads stream from it."""

from __future__ import annotations

import gzip
import io
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from musia.server.app import create_app
from musia.storage.s3 import S3Storage
from tests.server.conftest import make_settings, register, wait_for_job
from tests.server.media_data import wav_bytes
from tests.storage.conftest import make_bucket, s3_endpoint, s3_settings

__all__ = ["s3_endpoint"]


@pytest.fixture
def s3_client(tmp_path: Path, s3_endpoint: str) -> Iterator[tuple[TestClient, S3Storage]]:
    from musia.db.engine import make_engine
    from musia.db.migrate import upgrade
    from musia.runtime import open_runtime

    url = f"sqlite:///{tmp_path / 'musia.db'}"
    upgrade(make_engine(url))
    runtime = open_runtime(
        make_settings(tmp_path, url, storage=s3_settings(s3_endpoint)), migrate=False
    )
    assert isinstance(runtime.storage, S3Storage)
    make_bucket(runtime.storage)
    with TestClient(create_app(runtime=runtime), raise_server_exceptions=False) as client:
        yield client, runtime.storage
    runtime.close()


def test_projects_and_samples_on_s3(
    s3_client: tuple[TestClient, S3Storage], tmp_path: Path
) -> None:
    client, storage = s3_client
    headers = register(client, "erin")
    assert client.get("/readyz").status_code == 200
    started = client.post(
        "/api/v1/projects/generate", json={"prompt": "house, 8 bars"}, headers=headers
    ).json()
    assert wait_for_job(client, headers, started["job"]["id"])["status"] == "COMPLETED"
    project_id = started["project"]["id"]
    listed = storage.client.list_objects_v2(Bucket=storage.bucket)["Contents"]
    assert {o["Key"].rsplit("/", 1)[-1] for o in listed} >= {"plan.json", "House 124 A minor.als"}
    assert all(o["Key"].startswith(f"tenant/projects/{project_id}/v1/") for o in listed)
    assert not list((tmp_path / "storage").rglob("*.als"))  # nothing written locally
    als = client.get(f"/api/v1/projects/{project_id}/download", headers=headers)
    assert b"<Ableton" in gzip.decompress(als.content)[:200]
    archive = client.get(f"/api/v1/projects/{project_id}/download?format=zip", headers=headers)
    names = zipfile.ZipFile(io.BytesIO(archive.content)).namelist()
    # the instruments' samples, the presets and the Live project's info folder aside
    aside = ("/Samples/Instruments/", "/Presets/", "/Ableton Project Info/")
    others = [n for n in names if not any(part in n for part in aside)]
    assert len(others) == 3 and len(names) > 3, names
    assert any(n.endswith("/Ableton Project Info/") for n in names)
    data = wav_bytes(0.2)
    sample = client.post(
        "/api/v1/samples/upload", files={"file": ("s.wav", data)}, headers=headers
    ).json()
    audio = client.get(f"/api/v1/samples/{sample['id']}/audio", headers=headers)
    assert audio.content == data
    assert int(audio.headers["content-length"]) == len(data)
    assert client.delete(f"/api/v1/projects/{project_id}", headers=headers).status_code == 204
    remaining = storage.client.list_objects_v2(Bucket=storage.bucket).get("Contents", [])
    assert all("projects/" not in o["Key"] for o in remaining)
