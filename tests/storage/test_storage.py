"""Both storages keep bytes unchanged, delete by prefix, and refuse keys that leave them."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest

from musia.errors import InvalidInput, NotFound, Unavailable
from musia.storage import Storage, check_key
from musia.storage.local import LocalStorage
from musia.storage.s3 import S3Storage
from tests.storage.conftest import s3_settings

DATA = bytes(range(256)) * 5000  # 1.28 MB: more than one chunk


def test_put_read_size_fetch_delete(storage: Storage, tmp_path: Path) -> None:
    storage.put_stream("projects/p1/v1/Song.als", io.BytesIO(DATA), "application/gzip")
    source = tmp_path / "plan.json"
    source.write_bytes(b"{}")
    storage.put_file("projects/p1/v1/plan.json", source)
    storage.put_stream("projects/p10/v1/x.mid", io.BytesIO(b"keep"))
    assert b"".join(storage.chunks("projects/p1/v1/Song.als")) == DATA
    assert storage.size("projects/p1/v1/Song.als") == len(DATA)
    assert storage.exists("projects/p1/v1/plan.json")
    fetched = storage.fetch("projects/p1/v1/Song.als", tmp_path / "copy.als")
    assert fetched.read_bytes() == DATA
    storage.delete_prefix("projects/p1")
    assert not storage.exists("projects/p1/v1/Song.als")
    assert storage.exists("projects/p10/v1/x.mid")  # a prefix is a folder, not a string prefix
    with pytest.raises(NotFound):
        storage.size("projects/p1/v1/Song.als")
    with pytest.raises(NotFound):
        list(storage.chunks("nothing/here"))
    storage.check()


@pytest.mark.parametrize(
    "key",
    ["../etc/passwd", "a/../../b", "/etc/passwd", "a//b", "a/./b", "a\\..\\b", "a\x00b", "", "a/",
     "C:/x", "~/x/../.."],
)  # fmt: skip
def test_keys_that_could_leave_the_storage_are_refused(storage: Storage, key: str) -> None:
    with pytest.raises(InvalidInput):
        check_key(key)
    with pytest.raises(InvalidInput):
        storage.put_stream(key, io.BytesIO(b"x"))
    with pytest.raises(InvalidInput):
        storage.exists(key)


def test_a_symlink_inside_local_storage_cannot_lead_out(tmp_path: Path) -> None:
    outside = tmp_path / "secret.txt"
    outside.write_text("secret")
    storage = LocalStorage(tmp_path / "storage")
    os.symlink(outside, tmp_path / "storage" / "link.txt")
    with pytest.raises(NotFound):
        list(storage.chunks("link.txt"))


def test_an_unreachable_bucket_is_unavailable(s3_endpoint: str) -> None:
    storage = S3Storage(s3_settings(s3_endpoint))  # bucket never created
    with pytest.raises(Unavailable):
        storage.check()
