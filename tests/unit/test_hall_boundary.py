"""The hall core stands on its own settings: a hall server loads hall.yaml and the catalogue
without any kiosk's kiosk.yaml, and the kiosk hands its hall only the hall's part."""
from __future__ import annotations

import inspect
from datetime import datetime

from kiosk.config import HallSettings, KioskConfig, load_config, load_hall_settings
from kiosk.hall.model import Citizen, TicketKind, TicketRequest
from kiosk.hall.service import BookingHall, KioskHall, StaffHall
from kiosk.hall.sqlite_hall import SqliteHall

MONDAY_10 = datetime(2026, 11, 30, 10, 0)


def test_a_hall_runs_from_hall_yaml_and_the_catalogue_alone(config_dir, tmp_path):
    (config_dir / "kiosk.yaml").unlink()                    # no kiosk on the server
    settings = load_hall_settings(config_dir)
    assert type(settings) is HallSettings and "SM001" in settings.items
    hall = SqliteHall(settings, tmp_path / "hall.sqlite", clock=lambda: MONDAY_10)
    try:
        reservation = hall.reserve_ticket(TicketRequest("SM001", TicketKind.ACCEPT, Citizen(), "kiosk-7", "k1"))
        assert hall.confirm_ticket(reservation.reservation_id).number == "A001"
    finally:
        hall.close()


def test_the_kiosk_gives_its_hall_the_halls_settings_not_its_own(tmp_path):
    config = load_config()
    settings = config.hall_settings()
    assert type(settings) is HallSettings and not isinstance(settings, KioskConfig)
    assert settings.items == config.items and settings.hall == config.hall


def test_each_caller_has_its_own_interface_and_the_kiosk_needs_only_its_own():
    kiosk_side = {name for name, _ in inspect.getmembers(KioskHall, inspect.isfunction)}
    staff_side = {name for name, _ in inspect.getmembers(StaffHall, inspect.isfunction)}
    booking_side = {name for name, _ in inspect.getmembers(BookingHall, inspect.isfunction)}
    assert {"reserve_ticket", "confirm_ticket", "check_in", "appointment_for_token"} <= kiosk_side
    assert {"call_next", "complete", "convert"} <= staff_side and not staff_side & {"reserve_ticket", "check_in"}
    assert booking_side >= {"book_appointment", "cancel_appointment"} and "call_next" not in booking_side
    # The kiosk's flows and core are typed against KioskHall only.
    from kiosk.core import KioskCore
    from kiosk.flows.context import FlowContext
    assert inspect.signature(KioskCore).parameters["hall"].annotation in ("KioskHall", KioskHall)
    assert FlowContext.__annotations__["hall"] in ("KioskHall", KioskHall)
