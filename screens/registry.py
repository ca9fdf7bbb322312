"""Every screen, registered once: its QML file and whether it counts down when left alone.

The view-model and Main.qml both read this table (Main.qml through `vm.screenFile`), so a screen
is added in one place, and a name that is not here is an error rather than a silent Home. The
citizen's screens are named after the visit's steps (kiosk.flows.visit), where the order of
the steps (and where 返回 leads) is decided; pin and tech are the technician's.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Screen:
    file: str
    idle: bool = False          # an unattended kiosk counts down back home from here


SCREENS: dict[str, Screen] = {
    # Home has nothing to reset, the printing screen must not be left mid-print, and the done
    # screen returns by itself: none of them counts down.
    "home": Screen("HomeScreen.qml"),
    "categories": Screen("CategoryScreen.qml", idle=True),
    "items": Screen("ItemScreen.qml", idle=True),
    "kind": Screen("KindScreen.qml", idle=True),
    "printing": Screen("PrintingScreen.qml"),
    "done": Screen("DoneScreen.qml"),
    "message": Screen("MessageScreen.qml", idle=True),
    "pin": Screen("PinScreen.qml", idle=True),
    "tech": Screen("TechScreen.qml", idle=True),
    "calibration": Screen("CalibrationScreen.qml", idle=True),
    "lockers": Screen("LockerStaffScreen.qml", idle=True),
    "checkin": Screen("CheckInScreen.qml", idle=True),
    "appointments": Screen("AppointmentsScreen.qml", idle=True),
    "appointment": Screen("AppointmentScreen.qml", idle=True),
    "forms": Screen("FormsScreen.qml", idle=True),
    "form": Screen("FormScreen.qml", idle=True),
    "form_printing": Screen("FormPrintingScreen.qml"),
    "form_done": Screen("FormDoneScreen.qml", idle=True),
    "pickup": Screen("PickupScreen.qml", idle=True),
    "pickup_opening": Screen("PickupOpeningScreen.qml"),
    "pickup_open": Screen("PickupOpenScreen.qml", idle=True),
    "pickup_done": Screen("PickupDoneScreen.qml", idle=True),
}


class UnknownScreen(KeyError):
    """A screen name that is not registered (a typo in a screen change)."""


def check_screen(name: str) -> Screen:
    try:
        return SCREENS[name]
    except KeyError:
        raise UnknownScreen(f"no screen {name!r}; registered: {', '.join(SCREENS)}") from None
