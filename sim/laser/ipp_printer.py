"""A real network printer for faults: CUPS's own ippeveprinter, an IPP Everywhere printer that
accepts PDF. Its test-only web forms empty the paper tray and set toner levels; its print
command (below) reports `STATE: +cover-open` while a cover file exists, as a printer whose cover
was opened mid-job does.

ippeveprinter wants a D-Bus system bus (for DNS-SD, switched off with `-r off`): a private bus
of its own is enough, and keeps it away from the machine's.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path

from sim.laser.cupsd import PACKAGES, CupsUnavailable, free_port

IPPEVEPRINTER = "/usr/sbin/ippeveprinter"
IPPTOOL = "/usr/bin/ipptool"
_BLANK_PAGE = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj "
               b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")
_PRINT_COMMAND = """#!/bin/sh
# ippeveprinter's print command: a cover open stops the job, a jam holds it, as on a real printer.
while [ -f "{root}/jam" ]; do sleep 0.1; done
if [ -f "{root}/cover-open" ]; then echo "STATE: +cover-open" >&2; sleep 1; exit 1; fi
cat "$1" > "{root}/last.pdf"
echo "STATE: -cover-open" >&2
exit 0
"""


class IppPrinter:
    def __init__(self, name: str = "Hall Laser"):
        self.name = name
        self.root = Path(tempfile.mkdtemp(prefix="hall-ipp-"))
        self.port = free_port()
        self._bus: subprocess.Popen | None = None
        self._printer: subprocess.Popen | None = None

    @property
    def uri(self) -> str:
        return f"ipp://127.0.0.1:{self.port}/ipp/print"

    def start(self, timeout_s: float = 10.0) -> "IppPrinter":
        if not Path(IPPEVEPRINTER).exists():
            raise CupsUnavailable(f"{IPPEVEPRINTER} is missing (apt install {PACKAGES})")
        bus = self.root / "bus"
        self._bus = subprocess.Popen(["dbus-daemon", "--session", f"--address=unix:path={bus}", "--nofork",
                                      "--nopidfile"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + timeout_s
        while not bus.exists():
            if self._bus.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise CupsUnavailable("dbus-daemon did not start a private bus for ippeveprinter")
            time.sleep(0.02)
        command = self.root / "print.sh"
        command.write_text(_PRINT_COMMAND.format(root=self.root))
        command.chmod(0o755)
        (self.root / "spool").mkdir()
        env = dict(os.environ, DBUS_SYSTEM_BUS_ADDRESS=f"unix:path={bus}")
        self._printer = subprocess.Popen(
            [IPPEVEPRINTER, "-r", "off", "-p", str(self.port), "-f", "application/pdf", "-c", str(command),
             "-d", str(self.root / "spool"), "-k", self.name],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{self.port}/", timeout=1).read()
                self.paper(250)         # a hall's form printer holds A4, not the default Letter
                return self
            except OSError:
                if self._printer.poll() is not None or time.monotonic() > deadline:
                    why = self._printer.stderr.read().decode(errors="replace") if self._printer.poll() is not None else ""
                    self.stop()
                    raise CupsUnavailable(f"ippeveprinter did not answer on port {self.port}: {why.strip()}") from None
                time.sleep(0.1)

    # ------------------------------------------------------------ what a technician would do to it
    def _form(self, page: str, **values) -> None:
        query = "&".join(f"{k}={v}" for k, v in values.items())
        urllib.request.urlopen(f"http://127.0.0.1:{self.port}/{page}?{query}", timeout=5).read()

    def paper(self, sheets: int) -> None:
        """Load A4 (sheets > 0) or empty the tray (0: media-empty)."""
        # The form sets both trays at once, and ippeveprinter says media-empty while either is
        # empty: the by-pass tray keeps its envelopes.
        self._form("media", size1="iso_a4_210x297mm", type1="stationery", level1=sheets,
                   size3="na_number-10_4.125x9.5in", type3="envelope", level3=25)

    def toner(self, percent: int) -> None:
        self._form("supplies", supply0=25, supply1=percent)

    def jam(self) -> None:
        """Jobs wait at the printer (taken, not printed) until clear_jam()."""
        (self.root / "jam").touch()

    def clear_jam(self) -> None:
        (self.root / "jam").unlink(missing_ok=True)

    @property
    def last_printed(self) -> Path | None:
        """The last document that came out whole (None: nothing yet)."""
        path = self.root / "last.pdf"
        return path if path.exists() else None

    def open_cover(self) -> None:
        (self.root / "cover-open").touch()

    def close_cover(self) -> None:
        """A printer clears its cover-open reason itself once it prints again; ippeveprinter only
        hears from its print command, so a one-page job straight to it (ipptool) clears it."""
        (self.root / "cover-open").unlink(missing_ok=True)
        blank = self.root / "blank.pdf"
        blank.write_bytes(_BLANK_PAGE)
        subprocess.run([IPPTOOL, "-f", str(blank), self.uri, "print-job.test"], capture_output=True, timeout=30)
        deadline = time.monotonic() + 10
        while any(r.startswith("cover-open") for r in self.reasons()) and time.monotonic() < deadline:
            time.sleep(0.1)

    def reasons(self) -> list[str]:
        import cups
        attributes = cups.Connection(host="127.0.0.1", port=self.port).getPrinterAttributes(
            uri=self.uri, requested_attributes=["printer-state-reasons"])
        return list(attributes.get("printer-state-reasons") or [])

    def stop(self) -> None:
        for process in (self._printer, self._bus):
            if process is not None and process.poll() is None:
                process.terminate()
                try:
                    process.wait(timeout=5)
                except subprocess.TimeoutExpired:
                    process.kill()
        shutil.rmtree(self.root, ignore_errors=True)
