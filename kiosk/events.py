"""Every event the kiosk's layers tell each other, each defined once, here.

Device roles announce what happened at their device (a card read, a code seen, a health
change); the core turns those into what the screens need to know (a citizen identified, the
ticket service available again, a ticket stopped mid-print). A listener is called with the
event object, on the announcing thread. An object that handles several events names its
handlers `on_<event name>` and lets `dispatch` call them, so `grep on_card_read` finds every
place a card read is handled.
"""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Callable, ClassVar

if TYPE_CHECKING:
    from drivers.card.errors import CardError
    from drivers.sentence import Sentence
    from kiosk.devices import DeviceHealth
    from kiosk.hall.model import Appointment
    from kiosk.session import Identity

log = logging.getLogger(__name__)


class Event:
    """Base of every event; `name` is the class name in snake case (CardRead → card_read)."""
    name: ClassVar[str] = "event"

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        cls.name = re.sub(r"(?<!^)(?=[A-Z])", "_", cls.__name__).lower()


# ---------------------------------------------------------------- from a device role
@dataclass(frozen=True)
class HealthChanged(Event):
    """A device's state or its citizen-facing reason changed (figures alone do not count)."""
    health: DeviceHealth


@dataclass(frozen=True)
class CardRead(Event):
    """A card was read whole; `identity` holds personal data: never log it."""
    role: str
    identity: Identity = field(repr=False)


@dataclass(frozen=True)
class CardRemoved(Event):
    """A card left a reader that can see it go (the social-security card's slot)."""
    role: str


@dataclass(frozen=True)
class CardFailed(Event):
    """A card was there but could not be read; the error carries the calm sentence."""
    role: str
    error: CardError


@dataclass(frozen=True)
class DoorChanged(Event):
    """A locker door was seen to open or close (by a poll, or by the open command's answer), or
    found open at the first reading (`first`: power back with doors open). Once the lockers have
    looked at a closed door, `outcome` says what became of the order in it: collected, item_left
    (the item sensor still sees the document: one more opening for the citizen), to_staff."""
    role: str
    board: int
    lock: int
    open: bool
    first: bool = False
    outcome: str = ""


@dataclass(frozen=True)
class DoorLeftOpen(Event):
    """A locker door open longer than the bus's door_open_alert_s (once per time it is left open)."""
    role: str
    board: int
    lock: int
    seconds: float


@dataclass(frozen=True)
class CodeSeen(Event):
    """The camera decoded a QR code (each code once per repeat window)."""
    payload: bytes = field(repr=False)
    seen_at: float


# ---------------------------------------------------------------- from the core to the screens
@dataclass(frozen=True)
class DevicesChanged(Event):
    """Some device's health changed: every device's health, as the technician sees it."""
    healths: list


@dataclass(frozen=True)
class RestartAsked(Event):
    """A technician asked, from the hall server's /admin, for the kiosk to restart: the screens
    end the app cleanly and systemd starts it again."""
    by: str


@dataclass(frozen=True)
class CatalogueChanged(Event):
    """The hall server's catalogue was taken over: the screens list its categories and items."""
    version: str


@dataclass(frozen=True)
class AvailabilityChanged(Event):
    """Whether a number can be taken now, and if not the sentence that says why."""
    availability: object        # kiosk.core.Availability


@dataclass(frozen=True)
class Identified(Event):
    """A citizen was identified by a card; `summary` is masked for the screen."""
    summary: dict


@dataclass(frozen=True)
class AgentIdentified(Event):
    """The card of someone filling in a form for the citizen (代办) was read; `summary` masked."""
    summary: dict


@dataclass(frozen=True)
class SessionEnded(Event):
    """The visit is over (Home, idle timeout, card pulled, another person's card)."""


@dataclass(frozen=True)
class AppointmentFound(Event):
    """A code shown on the check-in screen is one of today's appointments."""
    appointment: Appointment
    seen_at: float


@dataclass(frozen=True)
class AppointmentRefused(Event):
    """A code was shown that cannot be checked in; `error` carries the calm sentence (None:
    the lookup was cancelled)."""
    error: BaseException | None


@dataclass(frozen=True)
class PrintInterrupted(Event):
    """The printer stopped part-way through this citizen's ticket."""
    number: str
    reason: Sentence = field(compare=False)


@dataclass(frozen=True)
class PrintResumed(Event):
    """The printer is back and the interrupted number is being printed whole."""
    number: str


def dispatch(handler: object, event: Event) -> bool:
    """Call handler.on_<event.name>(event) if it has one; True if it did."""
    method = getattr(handler, f"on_{event.name}", None)
    if method is None:
        return False
    method(event)
    return True


class Announcer:
    """Listeners of events, called on the announcing thread (a device's, the flows'); one
    that raises is logged and the others still hear the event."""

    def __init__(self):
        self._listeners: list[Callable[[Event], None]] = []

    def add_listener(self, callback: Callable[[Event], None]) -> None:
        self._listeners.append(callback)

    def remove_listener(self, callback: Callable[[Event], None]) -> None:
        if callback in self._listeners:
            self._listeners.remove(callback)

    def _emit(self, event: Event) -> None:
        for callback in list(self._listeners):
            try:
                callback(event)
            except Exception:
                log.exception("%s listener failed on %s", type(self).__name__, event.name)
