"""Today's demo appointments, booked when `kiosk --sim` starts so a QR code or a card can check in.

elder_zhang (77, priority by card) and young_wang each hold one, with slots placed so that
check-in is open right now: elder_zhang's slot is running when it can be (it then jumps the
queue), young_wang's starts at the next half hour.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from kiosk.hall.model import Appointment, AppointmentRequest, TicketKind
from kiosk.hall.tokens import Signer
from kiosk.privacy import person_key
from sim.citizens import load_citizens

SLOT = timedelta(minutes=30)
# Who books what: the first item of each list that the hall's catalogue offers.
DEMO_ITEMS = {"elder_zhang": ("SM002", "SM001"), "young_wang": ("SM024", "SM001")}


def half_hour_floor(moment: datetime) -> datetime:
    return moment.replace(minute=moment.minute - moment.minute % 30, second=0, microsecond=0)


def next_half_hour(moment: datetime) -> datetime:
    floor = half_hour_floor(moment)
    return floor if floor == moment else floor + SLOT


def demo_item(config, citizen_key: str) -> str:
    for code in DEMO_ITEMS.get(citizen_key, ()):
        if code in config.items and TicketKind.ACCEPT in config.items[code].kinds:
            return code
    return next(code for code, item in config.items.items() if TicketKind.ACCEPT in item.kinds)


def book_demo_appointments(hall, signer: Signer, now: datetime) -> list[tuple[Appointment, str]]:
    """Book (idempotently: a restart within the same half hour finds the same ones) and return
    each appointment with a freshly signed token for its QR code."""
    config = hall.settings
    citizens = load_citizens()
    floor = half_hour_floor(now)
    late = timedelta(minutes=config.appointments.check_in_late_min)
    running = floor if now <= floor + late else floor + SLOT
    slots = {"elder_zhang": running, "young_wang": floor + SLOT}
    booked = []
    for key, start in slots.items():
        request = AppointmentRequest(person_key(citizens[key].id_number, config.hall.id), demo_item(config, key),
                                     start, start + SLOT)
        appointment = hall.book_appointment(request, f"demo-{key}-{start:%Y%m%d-%H%M}", now)
        booked.append((appointment, signer.token_for(appointment, now)))
    return booked
