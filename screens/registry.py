"""Every screen, registered once: its QML file and how it behaves.

The view-model and Main.qml both read this table (Main.qml through `vm.screenFile`), so a screen
is added in one place, and a name that is not here is an error rather than a silent Home.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Screen:
    file: str
    idle: bool = False          # an unattended kiosk counts down back home from here
    back: str | None = None     # where 返回 leads (None: home)
    visit: bool = False         # part of a visit: when the core ends the visit, go home
    check_in: bool = False      # one of the appointment check-in screens


SCREENS: dict[str, Screen] = {
    # Home has nothing to reset, the printing screen must not be left mid-print, and the done
    # screen returns by itself: none of them counts down.
    "home": Screen("HomeScreen.qml"),
    "categories": Screen("CategoryScreen.qml", idle=True, back="home", visit=True),
    "items": Screen("ItemScreen.qml", idle=True, back="categories", visit=True),
    "kind": Screen("KindScreen.qml", idle=True, back="items", visit=True),
    "printing": Screen("PrintingScreen.qml"),
    "done": Screen("DoneScreen.qml"),
    "message": Screen("MessageScreen.qml", idle=True),
    "pin": Screen("PinScreen.qml", idle=True),
    "tech": Screen("TechScreen.qml", idle=True),
    "checkin": Screen("CheckInScreen.qml", idle=True, visit=True, check_in=True),
    "appointments": Screen("AppointmentsScreen.qml", idle=True, back="checkin", visit=True, check_in=True),
    "appointment": Screen("AppointmentScreen.qml", idle=True, back="checkin", visit=True, check_in=True),
}


class UnknownScreen(KeyError):
    """A screen name that is not registered (a typo in a screen change)."""


def check_screen(name: str) -> Screen:
    try:
        return SCREENS[name]
    except KeyError:
        raise UnknownScreen(f"no screen {name!r}; registered: {', '.join(SCREENS)}") from None
