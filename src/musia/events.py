"""Job events for live subscribers: one small publish / subscribe protocol with two buses.
In-process (the default) hands events to subscribers in the same process; with the Celery engine
the workers are other processes, so events travel over Redis pub/sub on the broker's Redis.
Events are a convenience: the job row stays the truth, and a subscriber that misses one reads
the row.

Two kinds of channel: one per job (`musia models test`, `jobs check`) and one per owner, which
the chat's websockets read through `musia.hub`. With Celery an `OwnerBridge` in each API
process relays every owner channel from Redis into that process's hub, so a progress report
from any worker reaches every websocket of the user on every API server."""

from __future__ import annotations

import json
import logging
import queue
import threading
import time
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from musia.settings import Settings

Event = dict[str, Any]
log = logging.getLogger("musia.events")


class Subscription(Protocol):
    def get(self, timeout_s: float) -> Event | None:
        """The next event, or None when none came within the timeout."""
        ...

    def close(self) -> None: ...


class EventBus(Protocol):
    def publish(self, channel: str, event: Event) -> None: ...

    def subscribe(self, channel: str) -> Subscription: ...


def job_channel(job_id: str) -> str:
    return f"musia:job:{job_id}"


OWNER_PREFIX = "musia:owner:"


def owner_channel(owner_id: str) -> str:
    return f"{OWNER_PREFIX}{owner_id}"


class _LocalSubscription:
    def __init__(self, bus: LocalBus, channel: str) -> None:
        self.bus, self.channel = bus, channel
        self.events: queue.Queue[Event] = queue.Queue()

    def get(self, timeout_s: float) -> Event | None:
        try:
            return self.events.get(timeout=timeout_s)
        except queue.Empty:
            return None

    def close(self) -> None:
        self.bus.forget(self)


class LocalBus:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._subscribers: dict[str, set[_LocalSubscription]] = {}

    def publish(self, channel: str, event: Event) -> None:
        with self._lock:
            listeners = list(self._subscribers.get(channel, ()))
        for listener in listeners:
            listener.events.put(dict(event))

    def subscribe(self, channel: str) -> Subscription:
        subscription = _LocalSubscription(self, channel)
        with self._lock:
            self._subscribers.setdefault(channel, set()).add(subscription)
        return subscription

    def forget(self, subscription: _LocalSubscription) -> None:
        with self._lock:
            self._subscribers.get(subscription.channel, set()).discard(subscription)


class _RedisSubscription:
    def __init__(self, client: Any, channel: str) -> None:
        self.pubsub = client.pubsub(ignore_subscribe_messages=True)
        self.pubsub.subscribe(channel)

    def get(self, timeout_s: float) -> Event | None:
        deadline = time.monotonic() + timeout_s
        while (left_s := deadline - time.monotonic()) > 0:
            # None also for the subscription's own confirmation: wait on for a real one.
            message = self.pubsub.get_message(timeout=left_s)
            if message is None or message.get("type") != "message":
                continue
            try:
                event = json.loads(message["data"])
            except (TypeError, ValueError):  # someone else's message on our channel name
                continue
            if isinstance(event, dict):
                return event
        return None

    def close(self) -> None:
        self.pubsub.close()


class RedisBus:
    def __init__(self, url: str) -> None:
        import redis

        self.client = redis.Redis.from_url(url, socket_connect_timeout=5, socket_timeout=10)

    def publish(self, channel: str, event: Event) -> None:
        self.client.publish(channel, json.dumps(event, default=str))

    def subscribe(self, channel: str) -> Subscription:
        return _RedisSubscription(self.client, channel)


@lru_cache(maxsize=8)
def _bus(engine: str, url: str) -> EventBus:
    return RedisBus(url) if engine == "celery" else LocalBus()


def bus_for(settings: Settings) -> EventBus:
    """One bus per engine and broker for the whole process."""
    return _bus(settings.jobs.engine, settings.jobs.broker_url)


def publish_job(settings: Settings, job_id: str, **event: Any) -> None:
    """Best effort: a bus that is down must not fail the job that reports to it."""
    try:
        bus_for(settings).publish(job_channel(job_id), {"job_id": job_id, **event})
    except Exception:  # the Redis client raises its own connection errors
        log.warning("event not published", exc_info=True)


def publish_owner(settings: Settings, owner_id: str, event: Event) -> None:
    """An event for every chat client of the owner. In-process it goes straight to this
    process's hub; with Celery it goes over Redis even from an API process, so the clients
    connected to other API processes hear it too, in the order it was published."""
    from musia.hub import HUB

    if settings.jobs.engine != "celery":
        HUB.publish(owner_id, event)
        return
    try:
        bus_for(settings).publish(owner_channel(owner_id), event)
    except Exception:
        log.warning("owner event not published", exc_info=True)


class OwnerBridge:
    """Relays the owner channels of Redis into this process's hub, on a thread of its own.

    `start` returns once Redis confirmed the subscription, so nothing published after it is
    missed; a lost connection is retried every `RETRY_S` (events in the gap are lost, the job
    rows are not)."""

    RETRY_S = 1.0

    def __init__(self, url: str) -> None:
        self.url = url
        self._stop = threading.Event()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, name="musia-owner-bridge", daemon=True)

    def start(self, timeout_s: float = 10.0) -> None:
        self._thread.start()
        if not self._ready.wait(timeout_s):
            log.warning("the owner event bridge is not subscribed yet; retrying in the background")

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self._relay()
            except Exception:
                log.warning("owner event bridge lost Redis; retrying", exc_info=True)
                self._stop.wait(self.RETRY_S)

    def _relay(self) -> None:
        import redis

        from musia.hub import HUB

        client = redis.Redis.from_url(self.url, socket_connect_timeout=5, socket_timeout=None)
        # redis < 8 has no types for pubsub(), redis 8 has: the ignore must hold for both.
        pubsub = client.pubsub()  # type: ignore[no-untyped-call, unused-ignore]
        try:
            pubsub.psubscribe(f"{OWNER_PREFIX}*")
            while not self._stop.is_set():
                message = pubsub.get_message(timeout=0.5)
                if message is None:
                    continue
                if message["type"] == "psubscribe":
                    self._ready.set()
                elif message["type"] == "pmessage":
                    owner_id, event = _owner_event(message)
                    if owner_id and event is not None:
                        HUB.publish(owner_id, event)
        finally:
            pubsub.close()
            client.close()


def _owner_event(message: dict[str, Any]) -> tuple[str, Event | None]:
    channel = message["channel"]
    channel = channel.decode() if isinstance(channel, bytes) else str(channel)
    try:
        event = json.loads(message["data"])
    except (TypeError, ValueError):
        return "", None
    return channel.removeprefix(OWNER_PREFIX), event if isinstance(event, dict) else None
