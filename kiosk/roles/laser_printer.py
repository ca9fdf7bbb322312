"""The A4 laser printer for application forms (表单自动套打), through CUPS: its health from the
printer itself every few seconds, and `await role.print_form(pdf, title)` that hands a form to
CUPS and follows the job to its end. Paper out or toner empty greys out form printing only:
the rest of the kiosk goes on."""
from __future__ import annotations

import logging
import threading
import time
from concurrent.futures import Future
from typing import Literal

from pydantic import Field

from drivers.laser.cups_printer import JobStatus, LaserError, LaserNotReady, LaserPrinter, LaserStatus
from drivers.laser.form_pdf import Calibration
from kiosk.config import Strict
from kiosk.devices import DeviceHealth, HealthState
from kiosk.roles import DeviceRole, Driver, register
from kiosk.wording import NOTHING, Sentence

log = logging.getLogger(__name__)


class TrayCalibration(Strict):
    """Measured on the calibration sheet with a ruler: where this printer and tray really put
    the page. dx/dy in mm (positive: the print moves right/down), scale around the top-left."""
    dx_mm: float = Field(default=0.0, ge=-15, le=15)
    dy_mm: float = Field(default=0.0, ge=-15, le=15)
    scale: float = Field(default=1.0, ge=0.95, le=1.05)


class LaserPrinterDevice(Strict):
    driver: Literal["cups"] = "cups"
    queue: str                                   # the CUPS queue's name
    server: str = ""                             # CUPS: "" (the system's), a socket path or host:port
    printer_uri: str = ""                        # the printer's own IPP address, asked for its state
    tray: str = "main"
    calibration: dict[str, TrayCalibration] = {}     # tray → its correction
    preprinted: bool = False                     # paper with the forms already printed: data only
    poll_interval_s: float = Field(default=10.0, gt=0, le=60)
    job_timeout_s: float = Field(default=120.0, gt=0)


def describe(settings: LaserPrinterDevice) -> str:
    return f"表格打印机 Form printer (CUPS {settings.queue}{' via ' + settings.printer_uri if settings.printer_uri else ''})"


class LaserPrinterRole(DeviceRole):
    kind = "laser_printer"

    def __init__(self, name: str, settings: LaserPrinterDevice):
        super().__init__(name, settings)
        self._printer: LaserPrinter | None = None
        self._counts = {"forms": 0, "failures": 0}
        self._last_error = ""
        self._job: int | None = None          # the form job CUPS has now (set on the worker thread)
        self._calibration = dict(settings.calibration)    # tray → correction; the technician may change it
        self.health = DeviceHealth(self.name, describe(settings), "absent", Sentence("还没有检查表格打印机"))

    @property
    def calibration(self) -> Calibration:
        """The correction of the tray in use, applied to the whole page of every form."""
        tray = self._calibration.get(self.settings.tray, TrayCalibration())
        return Calibration(tray.dx_mm, tray.dy_mm, tray.scale)

    def set_calibration(self, tray: str, calibration: TrayCalibration) -> None:
        self._calibration[tray] = calibration

    # ---------------------------------------------------------------- on the device thread
    def _driver(self) -> LaserPrinter:
        if self._printer is None:
            s = self.settings
            self._printer = LaserPrinter(s.queue, s.server, s.printer_uri)
        return self._printer

    def _check(self) -> DeviceHealth:
        try:
            return self._record(self._driver().status())
        except LaserError as e:
            return self._record_error(e)

    def _record(self, status: LaserStatus) -> DeviceHealth:
        details = {"state": status.state_name, "reasons": status.reasons, "message": status.message,
                   "supplies": [f"{k} {'?' if v is None else f'{v}%'}" for k, v in status.supplies.items()],
                   **self._counts, "last_error": self._last_error}
        state: HealthState = "fault" if not status.ready else ("warning" if status.warnings else "ok")
        reason = status.why if not status.ready else (Sentence("表格打印机的墨粉或纸快用完了")
                                                      if status.warnings else NOTHING)
        return DeviceHealth(self.name, self.health.name, state, reason, details, time.time())

    def _record_error(self, error: LaserError) -> DeviceHealth:
        if isinstance(error, LaserNotReady):
            return self._record(error.status)
        self._last_error = f"{type(error).__name__}: {error}"
        return DeviceHealth(self.name, self.health.name, "fault", error.message,
                            {**self._counts, "last_error": self._last_error}, time.time())

    def _print(self, pdf: bytes, title: str) -> JobStatus:
        printer = self._driver()
        try:
            status = printer.status()
            if not status.ready:
                raise LaserNotReady(status)
            self._job = job = printer.submit(pdf, title)
            done = printer.wait(job, self.settings.job_timeout_s)
        except LaserError as e:
            self._job = None
            self._counts["failures"] += 1
            self._last_error = f"{type(e).__name__}: {e}"
            self._publish(self._check())
            raise
        self._job = None
        self._counts["forms"] += 1
        self._publish(self._check())
        return done

    def _close_driver(self) -> None:
        if self._printer is not None:
            self._printer.close()

    # ---------------------------------------------------------------- from any thread
    def check_now(self) -> Future:
        return self._worker.submit(lambda: self._publish(self._check()))

    async def print_form(self, pdf: bytes, title: str) -> JobStatus:
        """Print one form and wait until the printer has it all; LaserError otherwise (the
        caller keeps the form for a retry)."""
        return await self._worker.run(self._print, pdf, title)

    def cancel_current(self) -> None:
        """The citizen has gone (Home, idle timeout, card pulled): a form CUPS has not printed yet
        must not come out later for nobody to find. Cancelled and purged over a connection of
        thread's own (the worker is busy following that very job), off the caller's thread: the
        screens never wait on CUPS."""
        job = self._job
        if job is None:
            return

        def cancel() -> None:
            s = self.settings
            LaserPrinter(s.queue, s.server).cancel(job)
            log.info("%s: form job %s cancelled, the citizen left", self.name, job)
        threading.Thread(target=cancel, name=f"{self.name}-cancel", daemon=True).start()

    def start(self) -> None:
        self.check_now()
        self._start_polling(lambda: self.check_now().result())


register(Driver("cups", LaserPrinterRole.kind, LaserPrinterDevice, LaserPrinterRole))
