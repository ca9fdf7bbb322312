"""A private, real CUPS scheduler for the simulated hall: its own directory, socket and port, so
it never touches the machine's own cupsd or queues, with the kiosk's form queue on cups-pdf
(a real print path whose "paper" is a PDF file) or on an IPP printer (sim/laser/ipp_printer.py).

cups-pdf, run as root, writes into /root/PDF whatever cupsd it serves; every run shares it, so a
job is found by its (unique) title.
"""
from __future__ import annotations

import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

CUPSD = "/usr/sbin/cupsd"
LPADMIN = "/usr/sbin/lpadmin"
CUPS_PDF_PPD = Path("/usr/share/ppd/cups-pdf/CUPS-PDF_opt.ppd")
CUPS_PDF_OUT = Path("/root/PDF")
PACKAGES = "cups cups-ipp-utils printer-driver-cups-pdf"

_CUPSD_CONF = """LogLevel warn
Listen {socket}
Listen 127.0.0.1:{port}
DefaultAuthType None
WebInterface No
# A form holds personal data: no spool file is kept once its job ends.
PreserveJobFiles No
PreserveJobHistory Yes
<Location />
  Order allow,deny
  Allow all
</Location>
<Location /admin>
  Order allow,deny
  Allow all
</Location>
<Policy default>
  <Limit All>
    Order deny,allow
  </Limit>
</Policy>
"""
_FILES_CONF = """ServerRoot {root}
RequestRoot {root}/spool
TempDir {root}/spool/tmp
CacheDir {root}/cache
StateDir {root}/state
ErrorLog {root}/log/error_log
AccessLog {root}/log/access_log
PageLog {root}/log/page_log
SystemGroup root
FileDevice No
"""


class CupsUnavailable(RuntimeError):
    """cupsd could not be started here; the message says what to install or why."""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PrivateCups:
    def __init__(self, directory: Path | None = None):
        self.root = Path(directory or tempfile.mkdtemp(prefix="hall-cups-"))
        self.socket = self.root / "cups.sock"
        self.port = free_port()
        self._process: subprocess.Popen | None = None

    @property
    def server(self) -> str:
        """What the kiosk's `server:` setting names: the private scheduler's socket."""
        return str(self.socket)

    @property
    def spool(self) -> Path:
        return self.root / "spool"

    def start(self, timeout_s: float = 10.0) -> "PrivateCups":
        for tool in (CUPSD, LPADMIN):
            if not Path(tool).exists():
                raise CupsUnavailable(f"{tool} is missing (apt install {PACKAGES})")
        for sub in ("spool/tmp", "cache", "state", "log", "ppd"):
            (self.root / sub).mkdir(parents=True, exist_ok=True)
        (self.root / "cupsd.conf").write_text(_CUPSD_CONF.format(socket=self.socket, port=self.port))
        (self.root / "cups-files.conf").write_text(_FILES_CONF.format(root=self.root))
        self._process = subprocess.Popen([CUPSD, "-f", "-c", str(self.root / "cupsd.conf"),
                                          "-s", str(self.root / "cups-files.conf")],
                                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + timeout_s
        while not self.socket.exists():
            if self._process.poll() is not None or time.monotonic() > deadline:
                why = self._process.stderr.read().decode(errors="replace") if self._process.poll() is not None else ""
                self.stop()
                raise CupsUnavailable(f"cupsd did not start in {self.root}: {why.strip() or 'no socket'}; "
                                      f"see {self.root / 'log' / 'error_log'}")
            time.sleep(0.05)
        return self

    def add_queue(self, name: str, device_uri: str, *, ppd: Path | None = None, everywhere: bool = False) -> None:
        """A queue: cups-pdf (`cups-pdf:/` with its PPD) or an IPP printer (`everywhere`)."""
        args = [LPADMIN, "-h", str(self.socket), "-p", name, "-E", "-v", device_uri, "-o", "media-default=A4"]
        if everywhere:
            args += ["-m", "everywhere"]
        elif ppd is not None:
            args += ["-P", str(ppd)]
        run = subprocess.run(args, capture_output=True, text=True, timeout=60)
        if run.returncode != 0:
            raise CupsUnavailable(f"lpadmin could not add {name} ({device_uri}): {run.stderr.strip()}")

    def add_pdf_queue(self, name: str) -> None:
        if not CUPS_PDF_PPD.exists():
            raise CupsUnavailable(f"cups-pdf is missing (apt install {PACKAGES})")
        self.add_queue(name, "cups-pdf:/", ppd=CUPS_PDF_PPD)

    def stop(self) -> None:
        if self._process is not None and self._process.poll() is None:
            self._process.terminate()
            try:
                self._process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._process.kill()
        self._process = None
        shutil.rmtree(self.root, ignore_errors=True)


def printed_pdf(title: str, timeout_s: float = 10.0) -> Path:
    """The file cups-pdf wrote for the job of this title (FileNotFoundError if none came)."""
    deadline = time.monotonic() + timeout_s
    while True:
        found = sorted(CUPS_PDF_OUT.glob(f"{title}*.pdf"))
        if found and found[-1].stat().st_size > 0:
            return found[-1]
        if time.monotonic() > deadline:
            raise FileNotFoundError(f"no PDF titled {title!r} in {CUPS_PDF_OUT} within {timeout_s:g} s")
        time.sleep(0.05)
