"""A virtual ESC/POS ticket printer: the protocol engine, with no transport.

`feed(bytes)` takes what the host sent and returns what the printer answers (DLE EOT status
bytes, byte-exact). Received tickets are drawn at each cut into a PNG a person can look at, and
kept as decoded text lines and QR payloads for tests. Faults: set_state() at any time, or
scripted - the paper runs out after N tickets, the cutter jams at the Nth cut - or in the middle
of the next ticket (fail_mid_ticket): then the part printed so far comes out as a slip with
`complete=False`, as a citizen would tear it off.
"""
from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable
from pathlib import Path

from drivers.printer.raster import GlyphPainter
from sim.printer.escpos_parser import EscPosParser, Op
from sim.printer.paper import DEFAULT_LINE_SPACING, Paper, PrintedTicket, save_ticket
from sim.printer.states import PRINTER_STATES, STOPPED_STATES, status_bytes_for

__all__ = ["VirtualPrinter", "PrintedTicket", "PRINTER_STATES"]

# What moves paper or puts dots on it; everything else only changes a mode.
_PRINTING_OPS = frozenset({"char", "lf", "feed_lines", "feed_dots", "raster", "cut"})
MID_TICKET_FAULTS = ("paper_out", "cover_open", "cutter_error")
KEEP_IMAGES = 20      # slips whose picture stays in memory (the newest)


class VirtualPrinter:
    def __init__(self, out_dir: Path | None = None, state: str = "ok", paper_out_after: int | None = None,
                 font_path: str | None = None, *, cutter_error_after: int | None = None,
                 near_end_after: int | None = None, width_dots: int = 576):
        if state not in PRINTER_STATES:
            raise ValueError(f"unknown printer state {state!r}; known: {', '.join(PRINTER_STATES)}")
        self.out_dir = Path(out_dir) if out_dir is not None else None
        self.paper_out_after = paper_out_after          # tickets on a fresh roll
        self.near_end_after = near_end_after            # tickets before the near-end sensor trips
        self.cutter_error_after = cutter_error_after    # the cut that jams (counted from start)
        self.printed: list[PrintedTicket] = []
        self.on_ticket: Callable[[PrintedTicket], None] | None = None
        self.status_queries = 0
        self._state = state
        self._cond = threading.Condition(threading.RLock())
        self._parser = EscPosParser()
        self._paper = Paper(width_dots, GlyphPainter(font_path))
        self._tickets_on_roll = 0
        self._cuts = 0
        self._ticket_bytes = 0
        self._mid_ticket_fault: tuple[str, int | None] | None = None
        self._next_png = _next_index(self.out_dir)

    @classmethod
    def from_scenario(cls, settings, out_dir: Path | None = None) -> "VirtualPrinter":
        """A printer as a scenario's `printer:` section (sim.scenario.PrinterScenario) describes it."""
        return cls(out_dir=out_dir, state=settings.state, paper_out_after=settings.paper_out_after,
                   font_path=settings.font_path, cutter_error_after=settings.cutter_error_after,
                   near_end_after=settings.near_end_after, width_dots=settings.width_dots)

    # ------------------------------------------------------------ state
    @property
    def state(self) -> str:
        with self._cond:
            return self._state

    def set_state(self, state: str) -> None:
        """Put the printer in a state ("ok", "paper_near_end", "paper_out", "cover_open",
        "offline", "cutter_error"). "ok" after "paper_out" means a new roll went in."""
        if state not in PRINTER_STATES:
            raise ValueError(f"unknown printer state {state!r}; known: {', '.join(PRINTER_STATES)}")
        with self._cond:
            if state in STOPPED_STATES:
                self._paper.discard()
                self._ticket_bytes = 0
            if state in ("ok", "paper_near_end") and self._state == "paper_out":
                self._tickets_on_roll = 0
            self._state = state
            self._cond.notify_all()

    def fail_mid_ticket(self, state: str, after_bytes: int | None = None) -> None:
        """The next ticket stops part-way and the printer goes into `state`: "paper_out" or
        "cover_open" after `after_bytes` bytes of it (default: about half a ticket), leaving
        the part printed so far as an incomplete slip; "cutter_error" at its cut, leaving it
        printed but uncut. set_state("ok") mends the printer afterwards."""
        if state not in MID_TICKET_FAULTS:
            raise ValueError(f"a ticket can stop mid-way with {', '.join(MID_TICKET_FAULTS)}, not {state!r}")
        with self._cond:
            self._mid_ticket_fault = (state, after_bytes if after_bytes is not None else 300)

    def status_bytes(self) -> dict[int, int]:
        with self._cond:
            return status_bytes_for(self._state)

    def connection_reset(self) -> None:
        """The host's link dropped: a half-received command will never be completed."""
        with self._cond:
            self._parser.reset()

    # ------------------------------------------------------------ the wire
    def feed(self, data: bytes) -> bytes:
        """Consume bytes from the host; return the printer's answers (status bytes)."""
        answers = bytearray()
        finished: list[PrintedTicket] = []
        with self._cond:
            for op in self._parser.feed(bytes(data)):
                if op.kind == "status":
                    self.status_queries += 1
                    if 1 <= op.args[0] <= 4:
                        answers.append(status_bytes_for(self._state)[op.args[0]])
                    continue
                self._ticket_bytes += op.size
                ticket = self._apply(op)
                if ticket is not None:
                    finished.append(ticket)
            if finished:
                self._cond.notify_all()
        for ticket in finished:     # outside the lock: a callback may call set_state()
            if self.on_ticket is not None:
                self.on_ticket(ticket)
        return bytes(answers)

    def wait_for_tickets(self, count: int, timeout: float = 5.0) -> list[PrintedTicket]:
        """Block until `count` tickets have been printed in all; returns every ticket so far."""
        with self._cond:
            if not self._cond.wait_for(lambda: len(self.printed) >= count, timeout):
                raise TimeoutError(f"only {len(self.printed)} of {count} tickets printed within {timeout} s "
                                   f"(printer state: {self._state})")
            return list(self.printed)

    # ------------------------------------------------------------ what each command does
    def _apply(self, op: Op) -> PrintedTicket | None:
        paper = self._paper
        printing = op.kind in _PRINTING_OPS or op.kind == "qr" and op.args[0] == 81
        if printing and self._mid_ticket_fault is not None and self._state not in STOPPED_STATES:
            state, after_bytes = self._mid_ticket_fault
            if state != "cutter_error" and self._ticket_bytes >= after_bytes and not paper.blank:
                return self._stop_mid_ticket(state)
        if printing:
            if self.paper_out_after is not None and self._tickets_on_roll >= self.paper_out_after \
                    and self._state not in STOPPED_STATES:
                self._state = "paper_out"  # the roll ends as the next ticket starts
            if self._state in STOPPED_STATES:
                paper.discard()           # a stopped printer prints nothing of this ticket
                self._ticket_bytes = 0
                return None
        kind, args = op.kind, op.args
        if kind == "char":
            paper.char(*args)
        elif kind == "lf":
            paper.print_line()
        elif kind == "init":
            paper.init()
        elif kind == "align":
            paper.align = args[0] % 48 if args[0] in (0, 1, 2, 48, 49, 50) else paper.align
        elif kind == "bold":
            paper.bold = bool(args[0] & 1)
        elif kind == "size":
            paper.set_size(args[0])
        elif kind == "print_mode":
            paper.set_print_mode(args[0])
        elif kind == "line_spacing":
            paper.line_spacing = DEFAULT_LINE_SPACING if args[0] is None else args[0]
        elif kind == "feed_lines":
            paper.feed_lines(args[0])
        elif kind == "feed_dots":
            paper.feed_dots(args[0])
        elif kind == "raster":
            paper.raster(*args, op.data)
        elif kind == "qr":
            paper.qr(args[0], op.data)
        elif kind == "cut":
            return self._cut(args)
        return None

    def _cut(self, args: tuple) -> PrintedTicket | None:
        m, n = args
        if m in (65, 66, 97, 98, 103, 104):
            self._paper.feed_dots(n)      # "feed n dots and cut"
        self._cuts += 1
        if self._paper.blank:
            self._ticket_bytes = 0
            return None
        if self._mid_ticket_fault is not None and self._mid_ticket_fault[0] == "cutter_error":
            return self._stop_mid_ticket("cutter_error")    # the blade jams: printed, never cut
        ticket = self._take_slip(complete=True)
        self._tickets_on_roll += 1
        if self.cutter_error_after is not None and self._cuts == self.cutter_error_after:
            self._state = "cutter_error"   # printed, but the blade jammed on the way through
        elif self.near_end_after is not None and self._tickets_on_roll >= self.near_end_after \
                and self._state == "ok":
            self._state = "paper_near_end"
        return ticket


    def _take_slip(self, complete: bool) -> PrintedTicket:
        """What has been printed since the last cut, as the slip that leaves the printer."""
        image = self._paper.cut()
        text_lines, qr_payloads, rasters = self._paper.take_record()
        png = None
        if self.out_dir is not None:
            png = save_ticket(image, self.out_dir, self._next_png)
            self._next_png += 1
        ticket = PrintedTicket(png, text_lines, qr_payloads, self._ticket_bytes, rasters, time.time(), image,
                               complete=complete)
        self._ticket_bytes = 0
        self.printed.append(ticket)
        if len(self.printed) > KEEP_IMAGES:
            # A demo kiosk prints all day: ~0.35 MB of pixels per slip would pile up in memory.
            # Older slips keep their text, QR payloads and PNG file.
            self.printed[-KEEP_IMAGES - 1].image = None
        return ticket

    def _stop_mid_ticket(self, state: str) -> PrintedTicket:
        """The armed fault strikes: what is on paper so far comes out incomplete, then the
        printer stops and ignores the rest of the ticket."""
        self._mid_ticket_fault = None
        ticket = self._take_slip(complete=False)
        self._state = state
        return ticket


def _next_index(out_dir: Path | None) -> int:
    """Continue numbering after the PNGs already in the folder, never overwrite them."""
    if out_dir is None or not out_dir.is_dir():
        return 1
    taken = [int(m.group(1)) for p in out_dir.glob("ticket-*.png") if (m := re.fullmatch(r"ticket-(\d+)\.png", p.name))]
    return max(taken, default=0) + 1
