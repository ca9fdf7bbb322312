"""The A4 laser printer through CUPS (pycups), for filled application forms.

Facts this relies on (docs/laser-printer.md has them in full):
- A job goes in with `media=A4` and `print-scaling=none`: "fit to page" shrinks a form by about
  4 % and moves it 5 mm off its boxes.
- The PDF is streamed to CUPS from memory (Create-Job, Send-Document): personal data is never
  written to a file of ours; the job is purged from CUPS once it ends, so its spool file and
  history go too (and the form queue's cupsd runs with `PreserveJobFiles No`).
- CUPS learns a printer's state only while a job runs, and keeps old reasons after they clear:
  before offering to print, ask the printer itself over IPP when its address is known.
- State reasons come with -report / -warning / -error suffixes: match on the stem.
"""
from __future__ import annotations

import struct
import time
from dataclasses import dataclass, field, replace

import cups

from drivers.errors import DeviceError
from drivers.laser.ipp_supplies import supply_levels
from drivers.one_thread import one_thread
from drivers.sentence import Sentence

# IPP printer-state
IDLE, PROCESSING, STOPPED = 3, 4, 5
# IPP job-state
JOB_STATES = {3: "pending", 4: "held", 5: "processing", 6: "stopped", 7: "canceled", 8: "aborted", 9: "completed"}
# Reasons that stop a form from printing, and what a citizen is told.
BLOCKING = {
    "media-empty": Sentence("表格打印机没有纸了"),
    "media-needed": Sentence("表格打印机没有纸了"),
    "media-jam": Sentence("表格打印机卡纸了"),
    "toner-empty": Sentence("表格打印机的墨粉用完了"),
    "marker-supply-empty": Sentence("表格打印机的墨粉用完了"),
    "cover-open": Sentence("表格打印机的机盖开着"),
    "door-open": Sentence("表格打印机的机盖开着"),
    "offline": Sentence("表格打印机没有连接"),
    "shutdown": Sentence("表格打印机没有开机"),
}
WARNING = {"toner-low", "marker-supply-low", "media-low"}
SUFFIXES = ("-report", "-warning", "-error")


def stem(reason: str) -> str:
    """'media-empty-error' → 'media-empty'."""
    for suffix in SUFFIXES:
        if reason.endswith(suffix):
            return reason[: -len(suffix)]
    return reason


class LaserError(DeviceError):
    message = Sentence("表格暂时打印不了，请到咨询台领取表格。")


class LaserUnreachable(LaserError):
    """CUPS (or the printer) does not answer, or the queue does not exist."""
    message = Sentence("表格打印机暂时连不上，请到咨询台领取表格。")


class LaserNotReady(LaserError):
    """The printer says it cannot print now (paper out, toner empty, cover open...)."""

    def __init__(self, status: "LaserStatus"):
        self.status = status
        super().__init__(f"laser printer not ready: {status.state_name} {', '.join(status.reasons)}",
                         message=Sentence("{why}，请到咨询台领取表格。", why=status.why))


class LaserJobFailed(LaserError):
    """The job stopped, was aborted or cancelled, or did not finish in time."""

    def __init__(self, job_id: int, state: str, reasons: list[str]):
        self.job_id, self.state, self.reasons = job_id, state, reasons
        super().__init__(f"job {job_id} {state}: {', '.join(reasons) or '-'}")


@dataclass(frozen=True)
class LaserStatus:
    state: int                                   # IPP printer-state: 3 idle, 4 processing, 5 stopped
    reasons: list[str] = field(default_factory=list)     # stems, "none" left out
    message: str = ""                            # printer-state-message, for the technician
    supplies: dict[str, int | None] = field(default_factory=dict)   # name → level % (None: unknown)

    @property
    def state_name(self) -> str:
        return {IDLE: "idle", PROCESSING: "processing", STOPPED: "stopped"}.get(self.state, str(self.state))

    @property
    def blocking(self) -> list[str]:
        return [r for r in self.reasons if r in BLOCKING]

    @property
    def ready(self) -> bool:
        return self.state != STOPPED and not self.blocking

    @property
    def why(self) -> Sentence:
        """What stops it, in a citizen's words (the first blocking reason)."""
        if self.blocking:
            return BLOCKING[self.blocking[0]]
        return Sentence("表格打印机暂时停止工作了")

    @property
    def warnings(self) -> list[str]:
        return [r for r in self.reasons if r in WARNING]


@dataclass(frozen=True)
class JobStatus:
    job_id: int
    state: str                   # pending | held | processing | stopped | canceled | aborted | completed
    reasons: list[str]
    seconds: float = 0.0


def status_from(attributes: dict) -> LaserStatus:
    reasons = [stem(r) for r in attributes.get("printer-state-reasons", []) if r != "none"]
    names = attributes.get("marker-names") or []
    levels = attributes.get("marker-levels") or []
    supplies = {str(n): (int(v) if isinstance(v, int) and v >= 0 else None) for n, v in zip(names, levels)}
    if not supplies:      # a printer asked directly: the names here, the levels from ipp_supplies
        supplies = {str(n): None for n in attributes.get("printer-supply-description") or []}
    return LaserStatus(int(attributes.get("printer-state", STOPPED)), reasons,
                       str(attributes.get("printer-state-message", "")), supplies)


class LaserPrinter:
    """One CUPS queue. `server`: CUPS's socket path or host[:port] ("" = the system's).
    `printer_uri`: the printer's own IPP address, asked for its state ("" = ask CUPS)."""

    # No boolean attribute (printer-is-accepting-jobs): pycups leaks one reference to True for
    # each boolean it returns (200 of 200 calls, measured), which a kiosk polling all day turns
    # into a steady climb (the soak caught it). A queue that rejects jobs is refused at submit,
    # with the same calm sentence, and the form kept.
    STATUS_ATTRIBUTES = ["printer-state", "printer-state-reasons", "printer-state-message", "marker-names",
                         "marker-levels", "printer-supply-description"]

    def __init__(self, queue: str, server: str = "", printer_uri: str = "", timeout_s: float = 10.0):
        self.queue, self.server, self.printer_uri, self.timeout_s = queue, server, printer_uri, timeout_s
        self._cups: cups.Connection | None = None

    def _connection(self) -> cups.Connection:
        if self._cups is None:
            host, _, port = self.server.rpartition(":") if ":" in self.server else (self.server, "", "")
            try:
                if port:
                    self._cups = cups.Connection(host=host, port=int(port))
                elif host:
                    self._cups = cups.Connection(host=host)
                else:
                    self._cups = cups.Connection()
            except RuntimeError as e:
                raise LaserUnreachable(f"CUPS at {self.server or 'default'}: {e}") from None
        return self._cups

    def _call(self, what: str, fn, *args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except cups.IPPError as e:
            self._cups = None
            status, text = e.args if len(e.args) == 2 else (0, str(e))
            if status == cups.IPP_NOT_FOUND:
                raise LaserUnreachable(f"{what}: queue {self.queue!r} not found ({text})") from None
            raise LaserError(f"{what}: IPP {status:#x} {text}") from None
        except (RuntimeError, OSError) as e:
            self._cups = None
            raise LaserUnreachable(f"{what}: {e}") from None

    @one_thread
    def status(self) -> LaserStatus:
        """The printer's own word when its IPP address is known, else CUPS's view of the queue."""
        connection = self._connection()
        queue = self._call("queue attributes", connection.getPrinterAttributes, self.queue,
                           requested_attributes=self.STATUS_ATTRIBUTES)
        if queue.get("printer-state") == STOPPED or not self.printer_uri:
            return status_from(queue)
        host, port = _host_port(self.printer_uri)
        try:
            direct = cups.Connection(host=host, port=port)
            printer = direct.getPrinterAttributes(uri=self.printer_uri, requested_attributes=self.STATUS_ATTRIBUTES)
        except (cups.IPPError, RuntimeError, OSError) as e:
            return LaserStatus(STOPPED, ["offline"], f"{self.printer_uri}: {e}")
        status = status_from(printer)
        try:
            return replace(status, supplies=supply_levels(self.printer_uri) or status.supplies)
        except (OSError, ValueError, struct.error):
            return status       # the levels are for the technician: their names without levels will do

    @one_thread
    def submit(self, pdf: bytes, title: str, options: dict[str, str] | None = None) -> int:
        """Hand the PDF to CUPS; the job id. A4, never scaled to fit."""
        connection = self._connection()
        options = {"media": "A4", "print-scaling": "none", **(options or {})}
        job = self._call("create job", connection.createJob, self.queue, title, options)
        try:
            self._call("send document", connection.startDocument, self.queue, job, title, "application/pdf", 1)
            self._call("send document", connection.writeRequestData, pdf, len(pdf))
            self._call("send document", connection.finishDocument, self.queue)
        except LaserError:
            self._cancel(job)
            raise
        return job

    @one_thread
    def job(self, job_id: int) -> JobStatus:
        attributes = self._call("job attributes", self._connection().getJobAttributes, job_id,
                                requested_attributes=["job-state", "job-state-reasons"])
        reasons = attributes.get("job-state-reasons", [])
        reasons = [reasons] if isinstance(reasons, str) else list(reasons)
        return JobStatus(job_id, JOB_STATES.get(attributes.get("job-state"), "unknown"), reasons)

    @one_thread
    def wait(self, job_id: int, timeout_s: float = 120.0, poll_s: float = 0.1) -> JobStatus:
        """Follow the job to its end; LaserJobFailed unless it completed. Either way CUPS is told
        to forget it (its spool file and history), so no form stays behind. CUPS may call a job
        complete once the printer took it, even if the printer then stopped (cover opened, jam):
        when the printer can be asked, a stop it reports then is LaserNotReady."""
        started = time.monotonic()
        try:
            while True:
                status = self.job(job_id)
                if status.state == "completed":
                    after = self.status() if self.printer_uri else None
                    if after is not None and after.blocking:
                        raise LaserNotReady(after)
                    return JobStatus(job_id, status.state, status.reasons, time.monotonic() - started)
                if status.state in ("canceled", "aborted", "stopped", "held") or \
                        time.monotonic() - started > timeout_s:
                    raise LaserJobFailed(job_id, status.state if status.state != "processing" else "timed out",
                                         status.reasons)
                time.sleep(poll_s)
        finally:
            self._cancel(job_id)

    @one_thread
    def cancel(self, job_id: int) -> None:
        """The citizen has gone: a job not yet printed is cancelled and forgotten."""
        self._cancel(job_id)

    def _cancel(self, job_id: int) -> None:
        try:
            self._connection().cancelJob(job_id, purge_job=True)
        except (cups.IPPError, RuntimeError, OSError, LaserError):
            pass            # already gone: that is what was wanted

    @one_thread
    def close(self) -> None:
        self._cups = None


def _host_port(uri: str) -> tuple[str, int]:
    rest = uri.split("://", 1)[-1].split("/", 1)[0]
    host, _, port = rest.rpartition(":")
    return (host, int(port)) if host else (rest, 631)
