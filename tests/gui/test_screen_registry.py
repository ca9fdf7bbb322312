"""Every screen is registered once (screens/registry.py): a QML screen nobody registered, a
registered file that is missing, or a screen change to a misspelt name is an error, never a
silent Home."""
from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.flows import visit as steps
from screens.probe import find, wait_for
from screens.registry import SCREENS, UnknownScreen

QML = Path(__file__).resolve().parents[2] / "screens" / "qml"


def test_every_screen_file_is_registered_and_every_registered_screen_exists():
    on_disk = {p.name for p in QML.glob("*Screen.qml")}
    registered = {s.file for s in SCREENS.values()}
    assert on_disk == registered, f"not registered: {on_disk - registered}; missing: {registered - on_disk}"
    every_step = {steps.HOME, *steps.UNDER_WAY, *steps.START_ON_CARD, *steps.CHECKING_IN,
                  *steps.BACK, *steps.BACK.values()}
    assert every_step - set(SCREENS) == set(), "a step of the visit with no screen"


def test_a_misspelt_screen_is_an_error_and_the_kiosk_stays_where_it_was(start_kiosk):
    ui, _ = start_kiosk()
    wait_for(ui.window, "homeScreen")
    with pytest.raises(UnknownScreen, match="no screen 'categoires'"):
        ui.viewmodel._set_screen("categoires")
    assert ui.viewmodel.property("screen") == "home" and find(ui.window, "homeScreen") is not None


def test_the_loader_shows_the_registered_file_of_each_screen(start_kiosk):
    ui, _ = start_kiosk()
    vm = ui.viewmodel
    for name in ("tech", "checkin", "home"):
        vm._set_screen(name)
        assert vm.property("screenFile") == SCREENS[name].file
    wait_for(ui.window, "homeScreen")
