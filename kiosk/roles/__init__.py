"""Every device the kiosk drives, in one shape: a role.

A role is what a device is to the kiosk: a health record, start and stop, the events it
announces (kiosk.events) and the actions it offers (each its own awaitable or future: print a
ticket, read a card now). Its I/O runs on the role's own thread (kiosk.devices.DeviceWorker).

Roles are built from the `devices:` section of kiosk.yaml. Each entry is named by the hall
(two locker buses may use the same driver) and says which `driver:` runs it; each module in
this package registers the drivers it provides with `register`. Composition, `kiosk-diag`, the
technician screen and the simulators iterate the configured roles and never name a device, so
adding one is: a driver package, a role module here, a simulator under sim/, a config entry.
"""
from __future__ import annotations

import asyncio
import importlib
import logging
import pkgutil
import threading
import time
from concurrent.futures import Future
from dataclasses import dataclass
from typing import Callable, ClassVar, Iterator

from pydantic import BaseModel

from kiosk import wording
from kiosk.devices import DeviceHealth, DeviceWorker, start_poller
from kiosk.events import Announcer, Event, HealthChanged

log = logging.getLogger(__name__)


class DeviceRole(Announcer):
    """The protocol every role implements. `kind` is the part it plays in the kiosk
    ("ticket_printer", "id_card_reader", ...); `name` is its key in kiosk.yaml."""

    kind: ClassVar[str] = ""
    health: DeviceHealth          # the latest, always set (an attribute or a property)

    def __init__(self, name: str, settings: BaseModel):
        super().__init__()
        self.name = name
        self.settings = settings
        self._worker = DeviceWorker(name)       # all of the device's I/O, one thread
        self._stop = threading.Event()
        self._poller: threading.Thread | None = None
        self._trouble_since: float | None = None    # when the device last stopped being usable

    def start(self) -> None:
        """Begin watching the device (polling, monitoring); returns without waiting for it."""

    def stop(self) -> None:
        """Stop watching, close the device on its thread, end the role's threads."""
        self._stop.set()
        if self._poller is not None:
            self._poller.join(timeout=5)
        self._worker.submit(self._close_driver)
        self._worker.shutdown()

    # ---------------------------------------------------------------- for the roles
    def _publish(self, health: DeviceHealth) -> DeviceHealth:
        """Keep the new health; announce it when its state or the citizen's sentence changed
        (changed figures alone are read when someone looks, not announced)."""
        changed = (health.state, health.reason) != (self.health.state, self.health.reason)
        was_usable = self.health.usable
        self.health = health
        if changed:
            if health.usable and not was_usable and self._trouble_since is not None:
                # the fault's one closing line (its repeats were held back: kiosk.logbook)
                log.info("%s: %s again after %s", self.name, health.state, _duration(time.monotonic() - self._trouble_since))
            else:
                log.info("%s: %s %s", self.name, health.state, wording.say(health.reason, "en"))
            self._trouble_since = None if health.usable else (self._trouble_since or time.monotonic())
            self._emit(HealthChanged(health))
        return health

    def _start_polling(self, step: Callable[[], object]) -> None:
        """step() every settings.poll_interval_s on a poller thread, until stop()."""
        self._poller = start_poller(f"{self.name}-poller", step, self.settings.poll_interval_s, self._stop)

    def _close_driver(self) -> None:
        """Close the driver (on the worker thread, at stop)."""

    def check_now(self) -> Future:
        """Ask the device now, on its own thread; the future gives the new DeviceHealth."""
        done: Future = Future()
        done.set_result(self.health)
        return done

    async def next_event(self, kind: type[Event], timeout: float) -> Event:
        """The next event of this kind the role announces, awaited on the caller's event loop
        (a flow's): `await role.next_event(CardRead, timeout=30)`. TimeoutError if none comes."""
        loop = asyncio.get_running_loop()
        arrived: asyncio.Future = loop.create_future()

        def listener(event: Event) -> None:       # on the device's thread
            if isinstance(event, kind):
                loop.call_soon_threadsafe(lambda: arrived.done() or arrived.set_result(event))
        self.add_listener(listener)
        try:
            return await asyncio.wait_for(arrived, timeout)
        finally:
            self.remove_listener(listener)

    def check_once(self, timeout_s: float = 30.0) -> DeviceHealth:
        """For `kiosk-diag`, on a role that was never started: what the device says when asked
        once (a role that learns its state over time, such as a camera's frame rate, watches
        it for a moment first). Leaves the role started: the caller stops it."""
        return self.check_now().result(timeout=timeout_s)


def _duration(seconds: float) -> str:
    minutes, seconds = divmod(int(seconds), 60)
    return f"{minutes} min {seconds} s" if minutes else f"{seconds} s"


@dataclass(frozen=True)
class Driver:
    """One `driver:` value of kiosk.yaml: its settings and the role that runs it."""
    driver: str
    kind: str
    settings: type[BaseModel]
    role: Callable[[str, BaseModel], DeviceRole]
    single: bool = True           # at most one device of this kind (the kiosk has one ticket printer)
    required: bool = False        # a kiosk cannot start without one (its ticket printer)


_drivers: dict[str, Driver] = {}
_loaded = False
_lock = threading.Lock()


def register(driver: Driver) -> None:
    """Called by each role module as it is imported."""
    existing = _drivers.get(driver.driver)
    if existing is not None and existing != driver:
        raise ValueError(f"driver {driver.driver!r} is registered twice ({existing.role} and {driver.role})")
    _drivers[driver.driver] = driver


def drivers() -> dict[str, Driver]:
    """Every registered driver, importing each module of this package once."""
    global _loaded
    with _lock:
        if not _loaded:
            for module in pkgutil.iter_modules(__path__):
                importlib.import_module(f"{__name__}.{module.name}")
            _loaded = True
    return dict(_drivers)


def kind_of(settings: BaseModel) -> str:
    return drivers()[settings.driver].kind


class Roles:
    """The configured roles by name, in the order kiosk.yaml lists them."""

    def __init__(self, roles: dict[str, DeviceRole]):
        self._roles = dict(roles)

    def __iter__(self) -> Iterator[DeviceRole]:
        return iter(self._roles.values())

    def __getitem__(self, name: str) -> DeviceRole:
        return self._roles[name]

    def __len__(self) -> int:
        return len(self._roles)

    def of_kind(self, kind: str) -> list[DeviceRole]:
        return [role for role in self._roles.values() if role.kind == kind]

    def one(self, kind: str) -> DeviceRole | None:
        """The device playing this part, or None if the kiosk has none."""
        found = self.of_kind(kind)
        return found[0] if found else None


def build_roles(devices: dict[str, BaseModel]) -> Roles:
    """A role for each configured device (config.devices: name → validated settings)."""
    known = drivers()
    return Roles({name: known[settings.driver].role(name, settings) for name, settings in devices.items()})
