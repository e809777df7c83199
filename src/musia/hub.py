"""The chat's websockets in this process, keyed by the owner they belong to. Events reach it
through `musia.events.publish_owner`: directly in-process, or relayed from Redis by
`musia.events.OwnerBridge` when jobs run on Celery workers.

Jobs publish from worker threads; subscribers (websocket connections) receive on their own event
loop through a bounded queue. A subscriber that falls behind is marked `overflowed` and gets no
more events (its connection closes) instead of slowing the publisher or other subscribers.
"""

from __future__ import annotations

import asyncio
import threading
from dataclasses import dataclass, field
from typing import Any

Event = dict[str, Any]


@dataclass(eq=False)
class Subscription:
    owner_id: str
    loop: asyncio.AbstractEventLoop
    queue: asyncio.Queue[Event]
    overflowed: bool = field(default=False)

    def _offer(self, event: Event) -> None:  # runs on the subscriber's loop
        if self.overflowed:
            return
        try:
            self.queue.put_nowait(event)
        except asyncio.QueueFull:
            self.overflowed = True
            _wake(self.queue)


def _wake(queue: asyncio.Queue[Event]) -> None:
    """Make room for one marker so a reader blocked on `get` notices the overflow."""
    try:
        queue.get_nowait()
        queue.put_nowait({"type": "_overflow"})
    except (asyncio.QueueEmpty, asyncio.QueueFull):
        pass


class Hub:
    def __init__(self) -> None:
        self._subscribers: dict[str, set[Subscription]] = {}
        self._lock = threading.Lock()

    def subscribe(self, owner_id: str, max_events: int) -> Subscription:
        subscription = Subscription(
            owner_id, asyncio.get_running_loop(), asyncio.Queue(maxsize=max_events)
        )
        with self._lock:
            self._subscribers.setdefault(owner_id, set()).add(subscription)
        return subscription

    def unsubscribe(self, subscription: Subscription) -> None:
        with self._lock:
            group = self._subscribers.get(subscription.owner_id)
            if group is not None:
                group.discard(subscription)
                if not group:
                    del self._subscribers[subscription.owner_id]

    def publish(self, owner_id: str, event: Event) -> int:
        """Safe from any thread; returns how many subscribers it was offered to."""
        with self._lock:
            targets = list(self._subscribers.get(owner_id, ()))
        for subscription in targets:
            try:
                subscription.loop.call_soon_threadsafe(subscription._offer, dict(event))
            except RuntimeError:  # that loop is closed: the connection is gone
                self.unsubscribe(subscription)
        return len(targets)


HUB = Hub()
