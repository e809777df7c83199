"""Job events for live subscribers (a websocket, `musia models test`): one small publish /
subscribe protocol with two buses. In-process (the default) hands events to subscribers in the
same process; with the Celery engine the workers are other processes, so events travel over
Redis pub/sub on the broker's Redis. Events are a convenience: the job row stays the truth, and
a subscriber that misses one reads the row."""

from __future__ import annotations

import json
import queue
import threading
import time
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from musia.settings import Settings

Event = dict[str, Any]


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
        import logging

        logging.getLogger("musia.events").warning("event not published", exc_info=True)
