"""GUI tests: the real screens on the real KioskCore, whose printer is the ESC/POS simulator on a
pty. Everything runs on Qt's offscreen platform; tests tap items by objectName like a finger."""
from __future__ import annotations

import os

# Qt reads these when the application object is created, which pytest-qt does lazily: set them
# at import time of this conftest, before any test asks for `qapp`.
os.environ["QT_QPA_PLATFORM"] = "offscreen"
os.environ.setdefault("QT_IM_MODULE", "qtvirtualkeyboard")

import pytest  # noqa: E402

from kiosk.app import build_core  # noqa: E402
from kiosk.config import load_config  # noqa: E402


@pytest.fixture
def start_kiosk(qapp, tmp_path):
    """Factory: start_kiosk(orientation="portrait", config=None, ssc=False, scenario=None) → (ui, core).

    The core runs on simulated devices (core.simulators.printer is the virtual printer,
    .place_id_card() lays a citizen's ID card on the SAM reader) with the hall's clock set to
    opening hours; the window is 1080×1920 or 1920×1080. The social-security card reader goes
    through the machine's one pcscd and vpcd slot, which any other test run on the machine may be
    using at the same moment, so only tests about that card (ssc=True) get it."""
    from screens import load_ui
    started = []

    def start(orientation: str = "portrait", config=None, done_return_s: int = 15, ssc: bool = False,
              scenario=None):
        config = config or load_config()
        if not ssc:
            config = config.with_devices(ssc_reader=None)
        core = build_core(config, sim=True, out_dir=tmp_path / f"sim{len(started)}", scenario=scenario)
        quits = []
        # Windowed at the kiosk's real size, but locked down exactly as deployed.
        ui = load_ui(qapp, core, fullscreen=False, orientation=orientation, locked=True,
                     on_quit=lambda: quits.append(True), done_return_s=done_return_s)
        ui.quits = quits
        started.append((ui, core))
        from screens.probe import wait_for, wait_ready
        wait_for(ui.window, "homeScreen")
        wait_ready(ui.window)
        return ui, core

    yield start
    for ui, core in reversed(started):
        ui.close()
        core.stop()
