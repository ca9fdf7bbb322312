"""Push from the hall server: server-sent events to kiosks, windows and the hall's display.

A Hub is a small in-process broadcaster. Each open stream subscribes with its own bounded
asyncio queue; `publish()` may be called from any thread (the API's routes run in a thread pool)
and hands the event to every subscriber's event loop. A subscriber that does not keep up (its
queue full) is dropped rather than allowed to hold anyone else up: its stream ends, and the
client reconnects and starts again from a full snapshot.

Push is a hint, never the only source: every stream begins with a `state` event carrying the
whole picture, a reconnect gets it again, and a `heartbeat` every few seconds carries the
server's boot id (a new one means the server restarted). Clients that miss an event lose nothing
that the next snapshot will not give them.

uvicorn tells an application nothing when it begins to shut down: the lifespan's shutdown comes
only after every connection has closed, which an event stream never does by itself, so a stream
would hold the server until `timeout_graceful_shutdown` runs out and uvicorn cancels it.
`end_streams_on_shutdown()` therefore wraps `uvicorn.Server.shutdown` (once per process) to close
the Hub of the app being shut down first; each stream then ends within a fraction of a second.
Should a later uvicorn change that method, the streams still end, when its graceful-shutdown
timeout cancels them.

One Hub is one process. With several server processes (uvicorn --workers, on PostgreSQL) the
Hubs are joined through the database (`relay_through(hall)`: NOTIFY on publish, LISTEN in every
process), so an event reaches every stream whichever process published it; `observe()` lets the
app keep what every process must know (the kiosks' health reports) from the same events.
"""
from __future__ import annotations

import asyncio
import json
import logging
import threading
from dataclasses import dataclass, field
from typing import Any

log = logging.getLogger(__name__)

QUEUE_SIZE = 64          # events a subscriber may fall behind by before it is dropped
CHANNEL = "kiosk_hall_push"
RELAY_MAX = 7900         # PostgreSQL's NOTIFY payload limit is 8000 bytes


def sse(event: str, data: Any) -> str:
    """One server-sent event: its name and its data as one line of JSON."""
    return f"event: {event}\ndata: {json.dumps(data, ensure_ascii=False, separators=(',', ':'))}\n\n"


@dataclass(eq=False)
class Subscriber:
    loop: asyncio.AbstractEventLoop
    public: bool                                   # the display's stream: public events only
    queue: asyncio.Queue = field(default_factory=lambda: asyncio.Queue(QUEUE_SIZE))
    dropped: bool = False

    def offer(self, message: str | None) -> None:
        """On the subscriber's loop: queue the message, or drop a subscriber that fell behind."""
        if self.dropped:
            return
        if message is not None:
            try:
                self.queue.put_nowait(message)
                return
            except asyncio.QueueFull:
                log.warning("an event stream fell %d events behind: dropped (it will reconnect)", QUEUE_SIZE)
        self.dropped = True                        # None (the hub closed) or full: end this stream
        while not self.queue.empty():
            self.queue.get_nowait()
        self.queue.put_nowait(None)

    async def next(self, timeout: float) -> str | None:
        """The next message; "" if none came within `timeout`; None once this stream must end."""
        try:
            return await asyncio.wait_for(self.queue.get(), timeout)
        except asyncio.TimeoutError:
            return ""


class Hub:
    def __init__(self):
        self._subscribers: set[Subscriber] = set()
        self._lock = threading.Lock()
        self.closed = False
        self._relay = None            # publish goes through it to every process's deliver()
        self._observers: list = []

    def relay_through(self, hall) -> None:
        """Several server processes on one PostgreSQL: events travel through the database
        (hall.notify / hall.listen, kiosk.hall.pg_hall), each process delivering to its own streams."""
        hall.listen(CHANNEL, self._from_relay)
        self._relay = hall

    def observe(self, callback) -> None:
        """callback(event, data) for every event delivered here, from whichever process."""
        self._observers.append(callback)

    def _from_relay(self, payload: str) -> None:
        try:
            message = json.loads(payload)
            self.deliver(message["event"], message["data"], message["public"])
        except (ValueError, KeyError) as e:
            log.warning("an event relayed through the database could not be read: %s", e)

    def subscribe(self, public: bool = False) -> Subscriber:
        """A new subscriber on the running event loop (call it from the stream's coroutine)."""
        sub = Subscriber(asyncio.get_running_loop(), public)
        with self._lock:
            self._subscribers.add(sub)
        if self.closed:
            sub.offer(None)
        return sub

    def unsubscribe(self, sub: Subscriber) -> None:
        with self._lock:
            self._subscribers.discard(sub)

    @property
    def listening(self) -> int:
        with self._lock:
            return len(self._subscribers)

    def publish(self, event: str, data: Any, public: bool = True) -> None:
        """Send an event to every subscriber (only to the staff and kiosk streams if not public),
        in every server process. Safe from any thread; never waits for a subscriber."""
        if self._relay is not None:
            payload = json.dumps({"event": event, "data": data, "public": public}, ensure_ascii=False)
            if len(payload.encode()) < RELAY_MAX:
                try:
                    self._relay.notify(CHANNEL, payload)
                    return
                except Exception as e:          # the database unreachable: this process's streams at least
                    log.warning("event %s not relayed through the database: %s", event, e)
        self.deliver(event, data, public)

    def deliver(self, event: str, data: Any, public: bool = True) -> None:
        """To this process's subscribers (and observers)."""
        for observer in self._observers:
            observer(event, data)
        message = sse(event, data)
        self._each(lambda sub: public or not sub.public, message)

    def close(self) -> None:
        """The server is going away: end every stream now, and any opened from here on."""
        self.closed = True
        self._each(lambda sub: True, None)

    def _each(self, wanted, message: str | None) -> None:
        with self._lock:
            # A dropped subscriber whose stream never ran (its client gone before the first byte)
            # has nobody to unsubscribe it: forget it here.
            self._subscribers = {s for s in self._subscribers if not s.dropped}
            subscribers = [s for s in self._subscribers if wanted(s)]
        for sub in subscribers:
            try:
                sub.loop.call_soon_threadsafe(sub.offer, message)
            except RuntimeError:                  # its loop is closed: the stream is long gone
                self.unsubscribe(sub)


_hook_lock = threading.Lock()


def _hub_of(app) -> Hub | None:
    """The Hub of an app given to uvicorn as an object, or loaded by it from an import string or a
    factory (then wrapped in uvicorn's middleware, each keeping the app it wraps as `.app`)."""
    for _ in range(10):
        hub = getattr(getattr(app, "state", None), "push", None)
        if isinstance(hub, Hub):
            return hub
        app = getattr(app, "app", None)
        if app is None:
            return None
    return None


def end_streams_on_shutdown() -> None:
    """Make uvicorn close an app's Hub (app.state.push) as the first step of its shutdown."""
    import uvicorn
    with _hook_lock:
        original = uvicorn.Server.shutdown
        if getattr(original, "closes_event_streams", False):
            return

        async def shutdown(self, *args, **kwargs):
            hub = _hub_of(getattr(self.config, "app", None)) or _hub_of(getattr(self.config, "loaded_app", None))
            if hub is not None:
                hub.close()
            return await original(self, *args, **kwargs)

        shutdown.closes_event_streams = True
        uvicorn.Server.shutdown = shutdown
