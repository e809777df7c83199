"""Fixtures for the gateway tests: a clock that sleeps instantly, a client on it, storage in a
temporary folder, and the provider of a preset pointed at a fake vendor."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from musia.files import write_bytes_atomic
from musia.providers import Provider, ProviderClient, Timeouts, preset
from tests.providers.fakes import BASE_PATHS, FakeVendor


@dataclass
class FakeClock:
    """Monotonic time that moves only when the gateway sleeps, so backoff is instant."""

    now: float = 1000.0
    sleeps: list[float] = field(default_factory=list)

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds

    def clock(self) -> float:
        return self.now


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


def make_client(clock: FakeClock, **options: object) -> ProviderClient:
    settings: dict[str, object] = {
        "sleep": clock.sleep,
        "clock": clock.clock,
        "rng": random.Random(7),
        "timeouts": Timeouts(connect_s=2.0, read_s=0.5),
        "allow_private_hosts": True,  # the fakes live on 127.0.0.1
    }
    return ProviderClient(**(settings | options))  # type: ignore[arg-type]


@pytest.fixture
def client(clock: FakeClock) -> ProviderClient:
    return make_client(clock)


def provider_for(fake: FakeVendor, name: str) -> Provider:
    return preset(name).with_key(fake.api_key, base_url=fake.url + BASE_PATHS.get(name, ""))


@dataclass
class FolderStore:
    folder: Path
    saved: list[tuple[str, str]] = field(default_factory=list)

    def __call__(self, name: str, data: bytes, content_type: str) -> str:
        path = write_bytes_atomic(self.folder / name, data)
        self.saved.append((name, content_type))
        return str(path)


@pytest.fixture
def store(tmp_path: Path) -> FolderStore:
    return FolderStore(tmp_path)
