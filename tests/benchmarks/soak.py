"""A hall's day, compressed: the real kiosk left running for a long time under a crowd and faults.

A leak, a reference-count bug or a descriptor leak does not show in a five-minute suite (PySide6
6.12.0 lost a reference to True on every no-argument signal emit and killed the kiosk within
the hour on the check-in screen). This harness runs the real application in this process, on
Qt's offscreen platform, exactly as `kiosk --sim` composes it (build_core + screens.load_ui on
the simulated devices), and walks citizens through it with real taps (screens.probe's, see Finger) while a
seeded random source upsets the printer, the card readers and the camera. It records how
every journey ended, samples the process (RSS, threads, descriptors, GC objects, refcounts of
None/True/False) every few minutes, and at the end checks the hall database against the slips
that came out of the printer.

    from tests.benchmarks.soak import SoakSettings, run_soak
    report = run_soak(SoakSettings(out_dir=Path("/tmp/soak"), minutes=2))
    report.failures, report.hall_problems, report.samples     # journeys.jsonl, faults.jsonl, slips.jsonl

The CLI and the pytest test are in tests/benchmarks/test_soak.py.
"""
from __future__ import annotations

import os

# Qt reads these when the application object is created: before any PySide6 import that makes one.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QT_IM_MODULE", "qtvirtualkeyboard")

import gc  # noqa: E402
import json  # noqa: E402
import logging  # noqa: E402
import random  # noqa: E402
import re  # noqa: E402
import shutil  # noqa: E402
import sqlite3  # noqa: E402
import sys  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402
import traceback  # noqa: E402
from collections import Counter, defaultdict, deque  # noqa: E402
from dataclasses import asdict, dataclass, field, fields  # noqa: E402
from datetime import date, datetime, time as dtime, timedelta  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Callable  # noqa: E402

import psutil  # noqa: E402

PROJECT = Path(__file__).resolve().parents[2]
if str(PROJECT) not in sys.path:
    sys.path.insert(0, str(PROJECT))

log = logging.getLogger("soak")

CONFIRMED = ("waiting", "called", "done", "no_show")
NUMBER_LINE = re.compile(r"^\s*([ACP]\d{3,})\s*$")
TEST_PRINT_PREFIX = "TEST-"
TECH_PIN = "2468"                     # the demo PIN (config/kiosk.yaml holds its hash)
WAIT_AVAILABLE_S = 12                 # how long a citizen waits at a kiosk that says "no paper"
STUCK_S = 30                          # a screen that has not moved on after this is stuck
TORN_TICKET_PATHS = ("stays", "gives_up", "leaves")     # what a citizen does when their ticket tears

JOURNEY_KINDS = ("walk_in", "walk_in_id_card", "walk_in_ssc", "reprint", "check_in_qr", "check_in_card",
                 "walk_away", "technician", "card_pulled_mid_read", "evaluate", "query")
FAULT_KINDS = ("printer_state", "mid_ticket", "card_pulled_mid_read", "camera_unplug", "sam_garbage",
               "sam_persistent")        # every kind the soak injects
BACKGROUND_FAULTS = ("printer_state", "camera_unplug", "sam_garbage", "sam_persistent")
# The journey each background fault is met by during the warm-up.
MEETS = {"printer_state": "walk_in", "camera_unplug": "check_in_qr", "sam_garbage": "walk_in_id_card",
         "sam_persistent": "walk_in_id_card"}


# ---------------------------------------------------------------------------- settings, records
@dataclass
class SoakSettings:
    out_dir: Path
    minutes: float = 40.0             # wall time of the journeys (start-up and checks come on top)
    journeys: int = 2000              # stop earlier once this many journeys are done
    seed: int | None = None           # None: drawn from the time, printed and saved
    sample_every_s: float = 180.0     # "every few minutes"; plus start, after 5 min and the end
    baseline_after_s: float = 300.0   # the "after the first 5 minutes" sample
    # The full run's pace. Every second a journey spends off the check-in screen costs about
    # two of wall time (half the run is on that screen), so waits are as short as a quick
    # citizen makes them, and faults rare enough that the kiosk is mostly working - in 2,000
    # journeys that is still dozens of each kind (27 to 101 in the seed-20261126 run).
    fault_every_s: float = 40.0       # mean time between background faults
    fault_share: float = 0.12         # share of journeys that get a fault of their own
    scan_share: float = 0.52          # aim: this share of the wall time on the check-in screen
    walk_off_share: float = 0.15      # citizens who leave the last screen without a tap
    idle_timeout_s: int = 5
    idle_warning_s: int = 2
    done_return_s: int = 2
    crowd: int = 400                  # invented citizens with ID and social-security cards
    # Let a background printer fault land while a card is being read on the home screen: the
    # kiosk then holds that citizen's identity on the home screen after they leave, until the
    # idle timeout ends the visit (see end_of_visit). The short test keeps the race out so that
    # its two minutes go to every path once; the full run keeps it.
    card_race: bool = True
    pngs: bool = True                 # let the printer simulator write each slip as a PNG

    def __post_init__(self):
        self.out_dir = Path(self.out_dir)
        if self.seed is None:
            self.seed = int(time.time() * 1000) % 2**31


@dataclass
class Slip:
    """What came out of the printer, kept small: text, QR payloads, whether it was whole."""
    index: int
    text_lines: list[str]
    qr_payloads: list[str]
    complete: bool
    printed_at: float                 # time.time()
    byte_count: int

    @property
    def number(self) -> str | None:
        for line in self.text_lines:
            m = NUMBER_LINE.match(line)
            if m:
                return m.group(1)
        return None

    @property
    def ticket_id(self) -> str | None:
        return self.qr_payloads[0] if self.qr_payloads else None

    @property
    def test_print(self) -> bool:
        return any(p.startswith(TEST_PRINT_PREFIX) for p in self.qr_payloads) or \
            any("打印测试" in line for line in self.text_lines)


@dataclass
class JourneyRecord:
    n: int
    kind: str
    started_s: float
    outcome: str = ""
    detail: str = ""
    faults: list[str] = field(default_factory=list)
    failure: str = ""                 # set: something a citizen would notice as wrong
    seconds: float = 0.0
    shown_number: str = ""
    left: bool = False                # the citizen is gone: nobody taps the last screen


class JourneyFailed(Exception):
    """Something a citizen would notice as wrong (the journey is recorded as failed)."""


# ---------------------------------------------------------------------------- the clock
def opening_day_clock(config, minutes: float) -> tuple[Callable[[], datetime], datetime]:
    """The hall's clock: the next weekday the hall is open at 09:30, from 09:30 on at real speed,
    so a run never depends on the time of day (nor crosses closing time: 09:00-17:30)."""
    from kiosk.hall.hours import hall_open
    today = date.today()
    for ahead in range(1, 15):
        day = today + timedelta(days=ahead)
        start = datetime.combine(day, dtime(9, 30))
        if day.weekday() < 5 and hall_open(config.hall, start)[0] and \
                hall_open(config.hall, start + timedelta(minutes=minutes + 20))[0]:
            break
    else:
        raise RuntimeError("config/hall.yaml opens on no weekday morning in the next two weeks")
    origin = time.monotonic()
    return (lambda: start + timedelta(seconds=time.monotonic() - origin)), start


# ---------------------------------------------------------------------------- the crowd
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高梁郑谢宋唐许邓冯韩曹"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国淑兰志红玉"


def make_crowd(count: int, rng: random.Random) -> dict:
    """Invented citizens (valid GB 11643 numbers), a quarter of them 70 or older, each with an
    ID card and a social-security card of some generation: enough people that each one books
    few appointments, so their list of today's appointments stays one screen long."""
    from drivers.card.id_number import check_character
    from sim.citizens import SimCitizen
    crowd = {}
    for i in range(count):
        elder = rng.random() < 0.25
        birth = date(rng.randint(1930, 1954) if elder else rng.randint(1958, 2006), rng.randint(1, 12),
                     rng.randint(1, 28))
        sex = rng.choice((1, 2))
        order = (2 * i + (1 if sex == 1 else 0)) % 1000          # odd: male; unique for i < 500
        first17 = f"441900{birth:%Y%m%d}{order:03d}"
        name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))
        key = f"crowd_{i:03d}"
        crowd[key] = SimCitizen(key=key, name=name, sex=sex, birth_date=birth,
                                address=f"广东省东莞市松山湖科技{1 + i % 9}路{i + 1}号",
                                id_number=first17 + check_character(first17), issuing_authority="东莞市公安局",
                                valid_from=date(2016, 1, 1), valid_to="长期", ssc_generation=rng.choice((1, 2, 3)))
    return crowd


# ---------------------------------------------------------------------------- what goes wrong, noticed
class Problems(logging.Handler):
    """Tracebacks anywhere in the process (logged with exc_info, uncaught on any thread, or in a
    Qt slot), errors logged, and what Qt and QML complain about."""

    def __init__(self):
        super().__init__(level=logging.WARNING)
        self.tracebacks: list[str] = []
        self.errors: list[str] = []
        self.warnings: Counter = Counter()
        self.qml_errors: list[str] = []
        self.qt_messages: Counter = Counter()
        self._lock_ = threading.Lock()
        self._hooks: tuple = ()

    def emit(self, record: logging.LogRecord) -> None:
        try:
            text = f"{record.name}: {record.getMessage()}"
        except Exception:                     # a badly formatted log call is itself a bug to see
            text = f"{record.name}: {record.msg!r} {record.args!r}"
        with self._lock_:
            if record.exc_info:
                self.tracebacks.append(text + "\n" + "".join(traceback.format_exception(*record.exc_info))[-3000:])
            elif record.levelno >= logging.ERROR:
                self.errors.append(text)
            else:
                self.warnings[f"{record.name}: {_shape(record.msg)}"] += 1

    def install(self) -> None:
        from PySide6.QtCore import qInstallMessageHandler
        logging.getLogger().addHandler(self)
        old_sys, old_thread = sys.excepthook, threading.excepthook

        def sys_hook(kind, value, tb):        # PySide6 reports an exception in a slot here
            with self._lock_:
                self.tracebacks.append("uncaught: " + "".join(traceback.format_exception(kind, value, tb))[-3000:])
            old_sys(kind, value, tb)

        def thread_hook(args):
            with self._lock_:
                self.tracebacks.append(f"uncaught in thread {args.thread.name if args.thread else '?'}: " + "".join(
                    traceback.format_exception(args.exc_type, args.exc_value, args.exc_traceback))[-3000:])
            old_thread(args)

        def qt_hook(mode, context, message):
            from PySide6.QtCore import QtMsgType
            where = f"{context.file}:{context.line}" if context and context.file else ""
            with self._lock_:
                self.qt_messages[_shape(message)[:160]] += 1
                # A QML TypeError/ReferenceError is a screen showing something wrong or nothing.
                if mode in (QtMsgType.QtCriticalMsg, QtMsgType.QtFatalMsg) or \
                        re.search(r"\b(TypeError|ReferenceError|RangeError|SyntaxError)\b", message):
                    self.qml_errors.append(f"{where} {message}"[:400])

        sys.excepthook, threading.excepthook = sys_hook, thread_hook
        previous_qt = qInstallMessageHandler(qt_hook)
        self._hooks = (old_sys, old_thread, previous_qt)

    def uninstall(self) -> None:
        from PySide6.QtCore import qInstallMessageHandler
        logging.getLogger().removeHandler(self)
        if self._hooks:
            sys.excepthook, threading.excepthook, previous_qt = self._hooks
            qInstallMessageHandler(previous_qt)
            self._hooks = ()

    def counts(self) -> tuple[int, int, int]:
        with self._lock_:
            return len(self.tracebacks), len(self.qml_errors), len(self.errors)


def _shape(message) -> str:
    """A log message with its numbers taken out, so repeats of one kind count together."""
    return re.sub(r"\d+", "#", str(message))


# ---------------------------------------------------------------------------- slips
class SlipRecorder:
    """Takes each slip off the virtual printer as it comes out and writes a compact record of
    it (text lines, QR payloads, whole or torn) to slips.jsonl. The printer keeps every
    PrintedTicket, with its rendered image, in `printed` for tests; in a run of thousands that
    would be the simulator's memory counted as the kiosk's, and so would our own list."""

    RECENT = 8                        # the last few slips, for the journey that just printed

    def __init__(self, printer, path: Path):
        self.printer = printer
        self.path = path
        self._file = path.open("w", encoding="utf-8")
        self._count = 0
        self._recent: list[Slip] = []
        self._lock = threading.Lock()
        printer.on_ticket = self._on_ticket

    def _on_ticket(self, ticket) -> None:
        # On the printer's server thread, the one thread that appends to `printed`.
        self._record(ticket)
        printed = self.printer.printed
        for i in range(len(printed) - 1, -1, -1):
            if printed[i] is ticket:
                del printed[i]
                break

    def _record(self, ticket) -> None:
        with self._lock:
            if getattr(ticket, "_soak_recorded", False):
                return
            ticket._soak_recorded = True
            ticket.image = None
            self._count += 1
            slip = Slip(self._count, list(ticket.text_lines), list(ticket.qr_payloads),
                        bool(getattr(ticket, "complete", True)), ticket.printed_at, ticket.byte_count)
            self._file.write(json.dumps(asdict(slip), ensure_ascii=False) + "\n")
            self._file.flush()
            self._recent = self._recent[-(self.RECENT - 1):] + [slip]

    def drain(self) -> None:
        """Anything that came out without the callback (a printer path that does not call it)."""
        printed = self.printer.printed
        while printed:
            try:
                ticket = printed.pop(0)
            except IndexError:
                break
            self._record(ticket)

    def count(self) -> int:
        with self._lock:
            return self._count

    def since(self, count: int) -> list[Slip]:
        """The slips after the first `count` (only the last few are kept at hand)."""
        with self._lock:
            return [s for s in self._recent if s.index > count]

    def close(self) -> None:
        with self._lock:
            self._file.close()


def read_slips(path: Path) -> list[Slip]:
    if not path.exists():
        return []
    return [Slip(**json.loads(line)) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


# ---------------------------------------------------------------------------- the process, sampled
def sample(label: str, elapsed_s: float, journeys: int) -> dict:
    gc.collect()      # what is really held, not what the collector has not reached yet
    me = psutil.Process()
    return {"label": label, "t_s": round(elapsed_s, 1), "journeys": journeys,
            "rss_mib": round(me.memory_info().rss / 2**20, 2), "threads": me.num_threads(),
            "py_threads": threading.active_count(), "fds": me.num_fds(), "gc_objects": len(gc.get_objects()),
            # Which threads, by name with digits taken out: a thread that appears and stays is named.
            "thread_names": dict(sorted(Counter(_shape(t.name) for t in threading.enumerate()).items())),
            "ref_none": sys.getrefcount(None), "ref_true": sys.getrefcount(True),
            "ref_false": sys.getrefcount(False)}


# ---------------------------------------------------------------------------- the report
@dataclass
class SoakReport:
    """What soak.json holds. Every journey and fault also goes to journeys.jsonl and
    faults.jsonl as it happens; in memory only counts are kept, so the harness's own memory
    does not grow with the run it is measuring."""
    settings: dict
    seed: int
    hall_day: str
    started_at: str
    wall_s: float = 0.0
    journeys_done: int = 0
    outcome_counts: dict = field(default_factory=lambda: defaultdict(Counter))
    fault_counter: Counter = field(default_factory=Counter)
    failures: list[str] = field(default_factory=list)
    samples: list[dict] = field(default_factory=list)
    scan_seconds: float = 0.0
    tracebacks: list[str] = field(default_factory=list)
    qml_errors: list[str] = field(default_factory=list)
    errors_logged: list[str] = field(default_factory=list)
    warnings_logged: dict = field(default_factory=dict)
    qt_messages: dict = field(default_factory=dict)
    hall: dict = field(default_factory=dict)
    hall_problems: list[str] = field(default_factory=list)
    figures: dict = field(default_factory=dict)
    alive: bool = True
    notes: list[str] = field(default_factory=list)

    @property
    def scan_share(self) -> float:
        return self.scan_seconds / self.wall_s if self.wall_s else 0.0

    def outcomes(self) -> dict[str, dict[str, int]]:
        return {kind: dict(sorted(c.items())) for kind, c in sorted(self.outcome_counts.items())}

    def fault_counts(self) -> dict[str, int]:
        return dict(sorted(self.fault_counter.items()))

    def sample_at(self, label: str) -> dict | None:
        return next((s for s in self.samples if s["label"] == label), None)

    def to_json(self) -> dict:
        data = {f.name: getattr(self, f.name) for f in fields(self) if f.name not in ("outcome_counts", "fault_counter")}
        data["outcomes"] = self.outcomes()
        data["fault_counts"] = self.fault_counts()
        data["scan_share"] = round(self.scan_share, 3)
        data["records"] = {"journeys": "journeys.jsonl", "faults": "faults.jsonl", "slips": "slips.jsonl"}
        return data


# ---------------------------------------------------------------------------- the finger
class Finger:
    """screens.probe's taps and waits (probe.spin reuses one event loop and timer, so an hour
    of waits leaks nothing to None), with waits that give up quietly instead of raising."""

    def __init__(self, window):
        self.window = window

    def spin(self, seconds: float) -> None:
        from screens.probe import spin
        spin(max(1, int(seconds * 1000)))

    def wait_until(self, condition: Callable[[], object], timeout: float) -> object:
        """condition()'s value once true, None after timeout; Qt runs meanwhile."""
        from screens.probe import wait_until
        try:
            return wait_until(condition, timeout)
        except TimeoutError:
            return None

    def find(self, name: str):
        from screens.probe import find
        return find(self.window, name)

    def tap_item(self, item) -> None:
        from PySide6.QtCore import Qt
        from PySide6.QtTest import QTest
        from screens.probe import scroll_into_view, settled_centre
        scroll_into_view(item)          # as a citizen scrolls a page until the button shows
        QTest.mouseClick(self.window, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                         settled_centre(item))
        self.spin(0.03)

    def tap(self, name: str, timeout: float = 5.0) -> bool:
        item = self.wait_until(lambda: self.find(name), timeout)
        if item is None:
            return False
        self.tap_item(item)
        return True

    def texts(self) -> list[str]:
        from screens.probe import visible_texts
        return visible_texts(self.window)

    def type(self, text: str) -> None:
        """Letters on the on-screen keyboard, as screens.probe.type_on_keyboard taps them."""
        from screens.probe import keyboard_key
        if self.wait_until(lambda: keyboard_key(self.window, text[0]), 5.0) is None:
            raise JourneyFailed("the on-screen keyboard did not come up")
        for char in text:
            key = keyboard_key(self.window, char)
            if key is None:
                raise JourneyFailed(f"no key {char!r} on the on-screen keyboard")
            self.tap_item(key)
            self.spin(0.04)


# ---------------------------------------------------------------------------- the soak
class Soak:
    def __init__(self, settings: SoakSettings):
        self.s = settings
        self.rng = random.Random(settings.seed)
        self.out = settings.out_dir
        self.out.mkdir(parents=True, exist_ok=True)
        # A run checks the hall against its own slips only: a previous run's hall (and its
        # records, rewritten below) in the same --out would show as numbers nobody held.
        shutil.rmtree(self.out / "kiosk", ignore_errors=True)
        self.problems = Problems()
        self.report: SoakReport | None = None
        self.journeys_done = 0
        self.evaluations_submitted = 0        # 好差评 that reached 提交: each must reach the province once
        self.t0 = 0.0
        self._scan_since: float | None = None
        self._scan_total = 0.0
        self._printer_fault_until = 0.0      # monotonic: a printer fault of ours is in force
        self._camera_out = False
        self._timers: list[tuple[float, Callable[[], None]]] = []     # (monotonic due, action)
        self._ticker = None
        self.issued_by_card: dict[tuple[str, str, str], str] = {}   # (citizen, item, kind) → number
        self.appointment_holders: Counter = Counter()
        self._force_torn: str | None = None          # the warm-up's torn ticket, and how it ends
        self._quiet = False                           # no new background fault (a sample is due)
        self._printer_hold_until = 0.0                # no printer fault before then (card_race off)
        self._last_journey_end = 0.0
        self._cards_out = False
        self._last_fault: dict[str, float] = {}     # fault kind → monotonic time last injected
        self._journey_t0 = 0.0

    # ------------------------------------------------------------------ start and stop
    def start(self) -> None:
        from PySide6.QtGui import QGuiApplication
        from kiosk.app import build_core
        from kiosk.config import load_config
        from screens import load_ui, prepare_environment
        from sim.card.ssc_pcscd import PcscdUnavailable, ensure_pcscd

        # The kiosk would only log a warning and show the reader as faulty; a soak without the
        # social-security card path is not the soak asked for.
        try:
            ensure_pcscd(log_path=self.out / "pcscd.log")
        except PcscdUnavailable as e:
            raise RuntimeError(f"pcscd with vpcd could not be started, so the social-security card "
                               f"journeys cannot run: {e}") from e
        prepare_environment()
        self.app = QGuiApplication.instance() or QGuiApplication([sys.argv[0]])
        self.problems.install()

        config = load_config()
        config = config.model_copy(update={"kiosk": config.kiosk.model_copy(update={
            "idle_timeout_s": self.s.idle_timeout_s, "idle_warning_s": self.s.idle_warning_s,
            # 长辈模式 (an elder's card turns it on) counts down the same accelerated time here
            "elder_idle_timeout_s": self.s.idle_timeout_s, "elder_idle_warning_s": self.s.idle_warning_s})})
        self.clock, hall_start = opening_day_clock(config, self.s.minutes)
        self.core = build_core(config, sim=True, out_dir=self.out / "kiosk", clock=self.clock)
        self.sims = self.core.simulators
        if not self.s.pngs:
            self.sims.printer.out_dir = None
        self.sims.citizens.update(make_crowd(self.s.crowd, self.rng))
        self.crowd = sorted(k for k in self.sims.citizens if k.startswith("crowd_"))
        # The machine has one pcscd with one vpcd slot, and other test runs insert their own
        # cards into it; the kiosk reads those too. Tell them apart from ours.
        self._ssc_expected: str | None = None       # id number of the card we put in the slot
        self._foreign_reads: deque[float] = deque(maxlen=50)   # monotonic times a card not ours was read
        self.foreign_read_count = 0
        ssc = next((r for r in self.core.card_readers if r.name == "ssc_reader"), None)
        if ssc is not None:
            ssc.add_listener(self._on_ssc_event)
        self.slips = SlipRecorder(self.sims.printer, self.out / "slips.jsonl")
        self._journeys_file = (self.out / "journeys.jsonl").open("w", encoding="utf-8")
        self._faults_file = (self.out / "faults.jsonl").open("w", encoding="utf-8")
        self.ui = load_ui(self.app, self.core, fullscreen=False, orientation="portrait", locked=True,
                          on_quit=lambda: None, done_return_s=self.s.done_return_s)
        self.w = self.ui.window
        self.vm = self.ui.viewmodel
        self.finger = Finger(self.w)
        self.vm.screenChanged.connect(self._on_screen)
        from screens.probe import wait_for, wait_ready
        wait_for(self.w, "homeScreen", timeout=20)
        wait_ready(self.w)
        self.report = SoakReport(settings={k: str(v) for k, v in asdict(self.s).items()}, seed=self.s.seed,
                                 hall_day=hall_start.date().isoformat(), started_at=datetime.now().isoformat())
        from kiosk.hall.tokens import Signer
        from sim.appointments import SIGNING_KEYS
        self.signer = Signer.from_file(SIGNING_KEYS)
        self.items = self._walk_in_items()
        log.info("soak: seed %d, hall day %s, out %s", self.s.seed, hall_start.date(), self.out)

    def stop(self) -> None:
        if self._ticker is not None:
            self._ticker.stop()
        self._timers.clear()
        try:
            self.ui.close()
        finally:
            self.core.stop()
            self.problems.uninstall()
            self.slips.close()
            self._journeys_file.close()
            self._faults_file.close()

    def _walk_in_items(self) -> list[tuple[str, str, list[str]]]:
        """(category, item, kinds) a citizen can reach without scrolling: the first rows."""
        items = []
        for category in self.core.config.categories:
            for item in category.items[:4]:
                items.append((category.code, item.code, [k.value for k in item.kinds]))
        return items

    # ------------------------------------------------------------------ small helpers
    def elapsed(self) -> float:
        return time.monotonic() - self.t0

    def screen(self) -> str:
        return self.vm.property("screen")

    def _on_screen(self) -> None:
        now = time.monotonic()
        on_scan = self.screen() == "checkin"
        if on_scan and self._scan_since is None:
            self._scan_since = now
        elif not on_scan and self._scan_since is not None:
            self._scan_total += now - self._scan_since
            self._scan_since = None

    def scan_seconds(self) -> float:
        extra = time.monotonic() - self._scan_since if self._scan_since is not None else 0.0
        return self._scan_total + extra

    def spin(self, seconds: float) -> None:
        self.finger.spin(seconds)

    def wait(self, condition: Callable[[], object], timeout: float) -> object:
        """condition() or None after timeout (spinning Qt meanwhile)."""
        return self.finger.wait_until(condition, timeout)

    def wait_screen(self, names: set[str] | tuple, timeout: float) -> str | None:
        return self.wait(lambda: self.screen() if self.screen() in names else None, timeout)

    def shown(self, name: str) -> str:
        from screens.probe import text_of
        item = self.finger.find(name)
        return text_of(item) if item is not None else ""

    def tap(self, name: str, timeout: float = 5.0) -> None:
        if not self.finger.tap(name, timeout):
            raise JourneyFailed(f"{name!r} never appeared (screen {self.screen()!r})")

    def visible_problem_text(self) -> str:
        """A traceback or an exception's name on screen is never what a citizen should read."""
        from screens.probe import visible_texts
        for text in visible_texts(self.w):
            if "Traceback" in text or re.search(r"\b\w+(Error|Exception)\b", text):
                return text[:200]
        return ""

    def faulted_during_journey(self, *names: str) -> bool:
        """Was one of these faults injected since this journey began (or just before)? A card
        the SAM reader could not read while it answered garbage is the fault doing its job."""
        return any(self._last_fault.get(name, -1e9) >= self._journey_t0 - 1.0 for name in names)

    def fault(self, rec: JourneyRecord | None, name: str, detail: str = "") -> None:
        entry = {"t_s": round(self.elapsed(), 1), "fault": name, "detail": detail,
                 "journey": rec.n if rec else self.journeys_done + 1}
        self._faults_file.write(json.dumps(entry, ensure_ascii=False) + "\n")
        self._faults_file.flush()
        self.report.fault_counter[name] += 1
        self._last_fault[name] = time.monotonic()
        if rec is not None:
            rec.faults.append(f"{name}:{detail}" if detail else name)

    def mends_pending(self) -> bool:
        """A fault of ours is still waiting to be mended (the next fault's schedule is not one)."""
        return any(action != self._background_fault for _, action in self._timers)

    def later(self, seconds: float, action: Callable[[], None]) -> None:
        """Do this in a while, on the Qt thread (while a journey waits, as faults really come).
        One ticking timer for all of them: a QTimer made and connected per action would leak a
        reference to None each time (PySide6 6.11.3, see Finger)."""
        if self._ticker is None:
            from PySide6.QtCore import QTimer
            self._ticker = QTimer(interval=100)
            self._ticker.timeout.connect(self._run_due)
            self._ticker.start()
        self._timers.append((time.monotonic() + seconds, action))

    def _run_due(self) -> None:
        now = time.monotonic()
        due = [t for t in self._timers if t[0] <= now]
        if not due:
            return
        self._timers = [t for t in self._timers if t[0] > now]
        for _, action in due:
            action()

    # ------------------------------------------------------------------ the citizen's patience
    def wait_available(self, rec: JourneyRecord) -> bool:
        """A citizen at a kiosk that says it cannot print waits a little, then leaves."""
        if self.vm.property("ticketAvailable"):
            return True
        rec.detail = "waited for the printer"
        return bool(self.wait(lambda: self.vm.property("ticketAvailable"), WAIT_AVAILABLE_S))

    def leave_home(self, rec: JourneyRecord) -> None:
        """How the citizen leaves the screen they are on: a tap or walking away."""
        screen = self.screen()
        if rec.left or self.rng.random() < self.s.walk_off_share:
            return                            # walks off: the screen must go home by itself
        target = {"done": "doneTapArea", "message": "messageHomeButton", "evaluated": "evaluatedHomeButton"}.get(screen)
        if target is None and screen in ("categories", "items", "kind", "checkin", "appointments", "appointment",
                                         "evaluate", "query", "query_result"):
            target = "homeButton"
        # The done countdown or the idle timeout may get home a moment before the finger does.
        if target and not self.finger.tap(target, timeout=1.0) and self.screen() == screen:
            raise JourneyFailed(f"{target!r} not on the {screen!r} screen")

    def end_of_visit(self, rec: JourneyRecord) -> None:
        """The citizen has gone and the kiosk is home: nothing of them may stay past the idle
        timeout. A card read on the home screen while no number can be taken (printer out)
        leaves the greeting on the home screen; before the kiosk ran the idle countdown there,
        nothing ended that visit and the next person took a number as that citizen (补打)."""
        def forgotten() -> bool:
            return self.core.identity() is None and not self.shown("identityGreeting")
        # Two idle timeouts: the printer may come back meanwhile, and the kiosk then carries the
        # (absent) citizen on to the categories, whose own countdown ends the visit.
        limit = 2 * self.s.idle_timeout_s + 3
        if forgotten() or self.wait(forgotten, limit):
            return
        if not rec.failure:
            rec.failure = (f"the citizen has left, yet {limit} s later the home screen still "
                           f"greets them ({self.shown('identityGreeting')!r}) and the session holds their identity: "
                           f"the next person would take a number as them")
        self.vm.goHome()              # the soak goes on with a clean kiosk; the failure is recorded
        self.wait_screen({"home"}, 3)

    def press_home(self) -> None:
        """The citizen gives up and presses Home - unless the idle timeout got there first
        (5 s in the soak: a citizen waiting for the camera may well be slower)."""
        if self.screen() != "home":
            self.finger.tap("homeButton", timeout=1.0)

    def ensure_home(self, rec: JourneyRecord) -> None:
        """Every journey ends on the home screen by itself: done → its countdown, other screens →
        the idle timeout. A screen that never gets there is what a citizen calls stuck."""
        limit = max(self.s.done_return_s, self.s.idle_timeout_s) + 6
        if self.wait_screen({"home"}, limit) is None:
            stuck = self.screen()
            if not rec.failure:
                rec.failure = f"stuck on {stuck!r}: not back home {limit} s after the citizen left"
            self.vm.goHome()      # so the soak can go on; the failure is recorded
            self.wait_screen({"home"}, 5)

    # ------------------------------------------------------------------ cards
    def _on_ssc_event(self, event) -> None:
        # On the reader's thread. Only the id number is compared, never logged.
        if event.name == "card_read" and event.identity.id_number != self._ssc_expected:
            self._foreign_reads.append(time.monotonic())
            self.foreign_read_count += 1

    def before_card(self) -> None:
        # A card-error note from the citizen before (it stays 7 s) must not be read as this card's.
        self.wait(lambda: not self.shown("cardErrorToast"), 9)
        if self.screen() == "home" and not self.s.card_race:
            # The citizen swipes when the kiosk says it can print, and no printer fault comes
            # before their card is read (the read takes up to a second).
            self.wait(lambda: self.vm.property("ticketAvailable") and self.sims.printer.state == "ok", WAIT_AVAILABLE_S)
            self._printer_hold_until = time.monotonic() + 3.0

    def present_card(self, rec: JourneyRecord, via: str, citizen: str) -> None:
        # A card-error note from the citizen before (it stays 7 s) must not be read as this card's.
        self.before_card()
        self._cards_out = True
        if via == "id":
            self.sims.place_id_card(citizen)
        else:
            self.ensure_pcscd(rec)
            self._ssc_expected = self.sims.citizens[citizen].id_number
            self.sims.insert_ssc(citizen)

    def ensure_pcscd(self, rec: JourneyRecord | None) -> None:
        """The machine has one pcscd, and a test run elsewhere that started it stops it when it
        ends. That is not the kiosk's fault: start it again (the kiosk's monitor reconnects by
        itself within a second or two) and note it, so the outcome is not misread."""
        from sim.card.ssc_pcscd import VIRTUAL_READER, ensure_pcscd, virtual_readers
        if VIRTUAL_READER in virtual_readers():
            return
        ensure_pcscd(log_path=self.out / "pcscd.log")
        self.report.notes.append(f"{self.elapsed():.0f} s: pcscd was gone (stopped by another program) and "
                                 f"was started again")
        if rec is not None:
            rec.faults.append("pcscd_restarted")
        ssc = next((r for r in self.core.card_readers if r.name == "ssc_reader"), None)
        self.wait(lambda: ssc is None or ssc.health.state == "ok", 8)

    def take_cards(self) -> None:
        """The citizen takes their cards back (the reader must see the empty pad before the next)."""
        if not self._cards_out:
            return
        self.sims.take_id_card()
        self.sims.pull_ssc()
        self._ssc_expected = None
        self._cards_out = False
        self.spin(0.6)

    def wait_greeting(self, timeout: float = 10.0) -> bool:
        return bool(self.wait(lambda: self.shown("identityGreeting"), timeout))

    # ------------------------------------------------------------------ printing and its faults
    def printer_fault_free(self) -> bool:
        return time.monotonic() >= self._printer_fault_until and self.sims.printer.state == "ok"

    def arm_mid_ticket(self, rec: JourneyRecord, path: str) -> None:
        """The next ticket tears part-way (VirtualPrinter.fail_mid_ticket). `path` is what the
        citizen then does: waits (stays), presses 不等了 (gives_up), or has gone (leaves)."""
        state = self.rng.choice(("paper_out", "cover_open", "cutter_error"))
        # A ticket is ~600 bytes: stop well inside it, or the fault would wait for the next one.
        after = self.rng.randint(60, 400)
        self.sims.printer.fail_mid_ticket(state, after_bytes=after)
        self._printer_fault_until = time.monotonic() + 3600       # until someone mends it
        self.fault(rec, "mid_ticket", f"{state} after {after} bytes, citizen {path}")

    def mend_printer(self) -> None:
        self.sims.printer.set_state("ok")
        self._printer_fault_until = 0.0

    def await_ticket(self, rec: JourneyRecord, torn_path: str | None = None) -> str:
        """After the last tap: the printing screen, then the number (done), a calm sentence
        (message), or - when the tap came too late - home by the idle timeout. If the printer
        stops part-way the screen must say so and name the number; then what happens depends on
        the citizen (torn_path): they wait and staff mend the printer (the same number must come
        out whole), they press 不等了 (the number is spoiled), or they have gone and staff mend the
        printer later. Any interruption we did not plan (a background fault mid-print) is met
        by staff mending the printer while the citizen waits."""
        slips_before = self.slips.count()
        deadline = time.monotonic() + STUCK_S
        interrupted_number = None
        act_at, act = None, None
        while True:
            screen = self.screen()
            if screen in ("done", "message", "home"):
                break
            problem = self.vm.property("printProblem") if screen == "printing" else ""
            if problem and interrupted_number is None:
                m = re.search(r"([ACP]\d{3,})", problem)
                interrupted_number = m.group(1) if m else "?"
                path = torn_path or "stays"
                rec.detail = (rec.detail + "; " if rec.detail else "") + f"print interrupted ({path})"
                if path == "gives_up":
                    act_at, act = time.monotonic() + self.rng.uniform(0.5, 4.0), "give_up"
                elif path == "leaves":
                    # Mended after the idle timeout or just before it: both ends are exercised.
                    act_at, act = time.monotonic() + self.rng.uniform(3.0, 10.0), "mend"
                else:
                    act_at, act = time.monotonic() + self.rng.uniform(0.5, 3.0), "mend"
                deadline = act_at + STUCK_S
            if act_at is not None and time.monotonic() >= act_at:
                if act == "give_up":
                    self.tap("stopWaitingButton")
                self.mend_printer()
                act_at = None
            if time.monotonic() > deadline:
                raise JourneyFailed(f"no ticket and no message {STUCK_S} s after the tap"
                                    + (" and the printer was mended" if interrupted_number else "")
                                    + f" (screen {screen!r})")
            self.spin(0.05)
        if interrupted_number is not None and act_at is not None:
            self.mend_printer()            # ended before anyone had to act (the 90 s ran out?)
        outcome = self._read_result(rec, screen)
        if interrupted_number is None:
            return outcome
        torn = [s for s in self.slips.since(slips_before) if not s.complete]
        if interrupted_number == "?":
            raise JourneyFailed("the printing screen says the ticket stopped but names no number")
        if torn and torn[0].number and torn[0].number != interrupted_number:
            raise JourneyFailed(f"the torn slip shows {torn[0].number}, the screen speaks of {interrupted_number}")
        if outcome in ("ticket", "checked_in", "reprint") and rec.shown_number != interrupted_number:
            raise JourneyFailed(f"ticket {interrupted_number} stopped mid-print, then {rec.shown_number} was "
                                f"printed instead of the same number whole")
        if torn_path == "gives_up":
            return "gave_up_torn_ticket" if screen == "home" else outcome
        if torn_path == "leaves":
            rec.left = True
            return "torn_printed_whole_to_nobody" if outcome != "idle_home" else outcome
        return "torn_then_" + outcome

    def _read_result(self, rec: JourneyRecord, screen: str) -> str:
        wrong = self.visible_problem_text()
        if wrong:
            raise JourneyFailed(f"the screen shows {wrong!r}")
        if screen == "done":
            number = self.shown("ticketNumber")
            if not number:
                raise JourneyFailed("the done screen shows no number")
            reprint = bool(self.shown("reprintMark"))
            rec.shown_number = number
            return "reprint" if reprint else ("checked_in" if self.shown("appointmentMark") else "ticket")
        if screen == "message":
            text = self.shown("errorMessage") or self._banner_text("errorMessage")
            rec.detail = (rec.detail + " " if rec.detail else "") + text[:80]
            return "calm_message"
        return "idle_home"

    def _banner_text(self, name: str) -> str:
        from screens.probe import find, text_of, walk
        banner = find(self.w, name)
        if banner is None:
            return ""
        return next((text_of(i) for i in walk(banner) if i.objectName() == "bannerText"), "")

    # ------------------------------------------------------------------ journeys
    def pick_item(self) -> tuple[str, str, str]:
        category, item, kinds = self.rng.choice(self.items)
        return category, item, self.rng.choice(kinds)

    def choose(self, rec: JourneyRecord, category: str, item: str, kind: str, mid_ticket_ok: bool = True,
               citizen: str | None = None) -> str:
        """On the category screen: the business, then the kind - with maybe a fault of its own."""
        self.tap(f"categoryTile_{category}")
        self.tap(f"itemRow_{item}")
        self.wait_screen({"kind"}, 5)
        torn_path = None
        forced, self._force_torn = self._force_torn, None
        if forced or (mid_ticket_ok and self.rng.random() < self.s.fault_share * 0.6 and self.printer_fault_free()):
            if forced:
                self.wait(self.printer_fault_free, 20)
            torn_path = forced or self.rng.choice(TORN_TICKET_PATHS + ("stays",))
            self.arm_mid_ticket(rec, torn_path)
        elif mid_ticket_ok and self.rng.random() < self.s.fault_share * 0.2 and self.printer_fault_free():
            # The printer stops just as the citizen taps: the poll may or may not have seen it.
            state = self.rng.choice(("paper_out", "cover_open", "offline"))
            self.sims.printer.set_state(state)
            self._printer_fault_until = time.monotonic() + 3600
            self.fault(rec, "printer_state", f"{state} at the tap")
            self.later(self.rng.uniform(1.0, 4.0), self.mend_printer)
        self.tap(f"kindButton_{kind}")
        outcome = self.await_ticket(rec, torn_path)
        if outcome in ("ticket", "reprint") and citizen:
            self.issued_by_card[(citizen, item, kind)] = rec.shown_number
            while len(self.issued_by_card) > 200:       # bounded: the harness must not grow
                del self.issued_by_card[next(iter(self.issued_by_card))]
        return outcome

    def j_walk_in(self, rec: JourneyRecord) -> str:
        if not self.wait_available(rec):
            return "printer_unavailable"
        self.tap("takeNumberButton")
        if self.wait_screen({"categories"}, 5) is None:
            return "printer_unavailable" if not self.vm.property("ticketAvailable") else self._not_moved("categories")
        if self.rng.random() < 0.1 and not self._force_torn:     # some people search instead of browsing
            return self._search_journey(rec)
        return self.choose(rec, *self.pick_item())

    def _search_journey(self, rec: JourneyRecord) -> str:
        self.tap("searchEntry")
        self.wait(lambda: self._visible("searchField"), 3)
        self.finger.type("sbk")
        if self.wait(lambda: self._visible("itemRow_SM001"), 5) is None:
            raise JourneyFailed("typing 'sbk' did not list 社会保障卡申领 (SM001)")
        self.tap("itemRow_SM001")
        self.wait_screen({"kind"}, 5)
        self.tap("kindButton_consult")
        return self.await_ticket(rec)

    def _visible(self, name: str) -> bool:
        return self.finger.find(name) is not None

    def _not_moved(self, expected: str) -> str:
        raise JourneyFailed(f"tapped towards {expected!r} but the kiosk stays on {self.screen()!r}")

    def j_walk_in_card(self, rec: JourneyRecord, via: str, citizen: str | None = None,
                       choice: tuple[str, str, str] | None = None, faults_ok: bool = True) -> str:
        if not self.wait_available(rec):
            return "printer_unavailable"
        citizen = citizen or self.rng.choice(self.crowd)
        self.present_card(rec, via, citizen)
        try:
            seen = self.wait(lambda: "greeting" if self.shown("identityGreeting") else
                             "toast" if self.shown("cardErrorToast") else None, 10)
            if seen == "toast":
                return "card_error_shown"         # a calm note; the citizen may take a number without
            if seen is None:
                if via == "id" and self.faulted_during_journey("sam_garbage", "sam_persistent"):
                    return "card_not_read_reader_fault"
                raise JourneyFailed(f"{'ID' if via == 'id' else 'social-security'} card laid down, no greeting "
                                    f"in 10 s (screen {self.screen()!r})")
            if self.wait_screen({"categories"}, 5) is None:
                if not self.vm.property("ticketAvailable"):
                    return "printer_unavailable"
                return self._not_moved("categories")
            category, item, kind = choice or self.pick_item()
            outcome = self.choose(rec, category, item, kind, mid_ticket_ok=faults_ok, citizen=citizen)
            if choice is not None and outcome == "ticket":
                raise JourneyFailed(f"same person, same item again: a new number {rec.shown_number} instead "
                                    f"of 补打 {self.issued_by_card.get((citizen, item, kind))}")
            if outcome == "reprint" and choice is not None:
                first = self.issued_by_card.get((citizen, item, kind))
                if first and rec.shown_number != first:
                    raise JourneyFailed(f"补打 of {first} shows number {rec.shown_number}")
            return outcome
        finally:
            if via == "ssc" and self.rng.random() < 0.5:
                self.sims.pull_ssc()       # people take their card back as soon as they have chosen

    def j_reprint(self, rec: JourneyRecord) -> str:
        if not self.issued_by_card:
            # Nobody has taken a number with a card yet: this citizen comes twice.
            first = self.j_walk_in_card(rec, "id", faults_ok=False)
            rec.detail = (rec.detail + "; " if rec.detail else "") + f"first visit: {first}"
            self.leave_home(rec)
            self.ensure_home(rec)
            self.take_cards()
            if not self.issued_by_card:
                return "first_visit_" + first
        (citizen, item, kind), _ = self.rng.choice(sorted(self.issued_by_card.items()))
        category = next(c for c, i, _ in self.items if i == item)
        return self.j_walk_in_card(rec, self.rng.choice(("id", "ssc")), citizen, (category, item, kind))

    def book_appointment(self, citizen: str):
        from kiosk.hall.model import AppointmentRequest, TicketKind
        from kiosk.privacy import person_key
        now = self.clock()
        # Check-in opens 30 min before the slot and closes 15 min after its start.
        start = (now + timedelta(minutes=self.rng.randint(-10, 20))).replace(second=0, microsecond=0)
        items = [code for _, code, kinds in self.items if TicketKind.ACCEPT.value in kinds]
        request = AppointmentRequest(person_key(self.sims.citizens[citizen].id_number, self.core.config.hall.id),
                                     self.rng.choice(items), start, start + timedelta(minutes=30))
        booked = self.core.hall.book_appointment(request, f"soak-{self.s.seed}-{citizen}-{self.journeys_done}", now)
        self.appointment_holders[citizen] += 1
        return booked, self.signer.token_for(booked, now)

    def open_check_in(self, rec: JourneyRecord) -> bool:
        if not self.wait_available(rec):
            return False
        self.tap("checkInButton")
        if self.wait_screen({"checkin"}, 5) is None:
            if not self.vm.property("ticketAvailable"):
                return False
            self._not_moved("checkin")
        return True

    def j_check_in_qr(self, rec: JourneyRecord) -> str:
        citizen = self._appointment_citizen()
        appointment, token = self.book_appointment(citizen)
        if not self.open_check_in(rec):
            return "printer_unavailable"
        if not self.core.scanner_usable():
            self.spin(1.0)
            self.press_home()
            return "scanner_out_of_service"
        frames = self.vm.appointments.property("previewFrame")
        if self.wait(lambda: self.vm.appointments.property("previewFrame") > frames + 2, 6) is None:
            if self.camera_troubled():
                self.press_home()
                return "scanner_out_of_service"
            raise JourneyFailed("the check-in screen's camera picture does not move")
        self.sims.show_code(token.encode())
        try:
            found = self.wait_screen({"appointment"}, 8)
        finally:
            self.sims.hide_code()
        if found is None:
            if self.camera_troubled():
                return "code_not_read_camera_out"
            raise JourneyFailed(f"appointment code held up for 8 s, not read (notice: "
                                f"{self._banner_text('scanNotice')!r})")
        return self._confirm_check_in(rec)

    def camera_troubled(self) -> bool:
        return self._camera_out or not self.core.scanner_usable() or self.faulted_during_journey("camera_unplug")

    def _appointment_citizen(self) -> str:
        # Fewest appointments first: each person's list of today's appointments stays short.
        least = min(self.appointment_holders[c] for c in self.crowd)
        return self.rng.choice([c for c in self.crowd if self.appointment_holders[c] == least])

    def _confirm_check_in(self, rec: JourneyRecord) -> str:
        if self._visible("checkInButton"):
            torn_path = None
            if self.rng.random() < self.s.fault_share * 0.4 and self.printer_fault_free():
                torn_path = self.rng.choice(TORN_TICKET_PATHS)
                self.arm_mid_ticket(rec, torn_path)
            self.tap("checkInButton")
            return self.await_ticket(rec, torn_path)
        state = self._banner_text("appointmentState")
        rec.detail = state[:60]
        self.press_home()
        return "appointment_not_ready"

    def j_check_in_card(self, rec: JourneyRecord) -> str:
        citizen = self._appointment_citizen()
        appointment, _ = self.book_appointment(citizen)
        # The note of a card before must be gone first: waiting for it on the check-in screen
        # would let that screen's idle timeout send the kiosk home under the citizen.
        self.wait(lambda: not self.shown("cardErrorToast"), 9)
        if not self.open_check_in(rec):
            return "printer_unavailable"
        via = self.rng.choice(("id", "ssc"))
        self.present_card(rec, via, citizen)
        found = self.wait(lambda: self.screen() if self.screen() in ("appointment", "appointments") else
                          "toast" if self.shown("cardErrorToast") else None, 10)
        if found == "toast":
            self.press_home()
            return "card_error_shown"
        if found is None:
            if via == "id" and self.faulted_during_journey("sam_garbage", "sam_persistent"):
                return "card_not_read_reader_fault"
            raise JourneyFailed(f"card on the check-in screen, no appointment listed in 10 s "
                                f"(screen {self.screen()!r})")
        if found == "appointments":
            row = f"appointmentRow_{appointment.appointment_id}"
            if not self._visible(row):
                raise JourneyFailed(f"today's appointments listed without the one just booked ({row})")
            self.tap(row)
            self.wait_screen({"appointment"}, 5)
        return self._confirm_check_in(rec)

    def j_evaluate(self, rec: JourneyRecord) -> str:
        """好差评 from the home screen; one in four walks off before 提交 (nothing may be kept)."""
        self.tap("evaluateButton")
        level = self.rng.randint(1, 5)
        self.tap(f"level_{level}")
        tags = self.vm.evaluation.property("tags")
        if tags and (level <= 2 or self.rng.random() < 0.5):
            self.tap(f"tag_{self.rng.choice(tags)['code']}")
        if self.rng.random() < 0.25:
            rec.left, rec.detail = True, f"left before 提交 (level {level})"
            return "evaluation_left"
        self.tap("submitEvaluation")
        if self.wait_screen({"evaluated"}, 5) is None:
            self._not_moved("evaluated")
        self.evaluations_submitted += 1
        rec.detail = f"level {level}"
        return "evaluated"

    def j_query(self, rec: JourneyRecord) -> str:
        """自助查询 by receipt number; sometimes printed, sometimes the back-end is down."""
        backends = self.sims.query_backends
        down = self.rng.random() < 0.15
        if down:
            backends.down()
        try:
            self.tap("queriesButton")
            self.tap("query_case_progress")
            self.finger.find("receiptField").setProperty("text", "SL20261120-0012")
            self.finger.find("phoneField").setProperty("text", "8000")
            self.tap("askButton")
            seen = self.wait(lambda: "result" if self.screen() == "query_result" else
                             "notice" if self.shown("queryNotice") else None, 10)
        finally:
            if down:
                backends.up()
        if seen is None:
            raise JourneyFailed(f"查询 tapped, neither an answer nor a notice in 10 s (screen {self.screen()!r})")
        if seen == "notice":
            if not down:
                raise JourneyFailed(f"the back-end was up and the query said: {self.shown('queryNotice')}")
            return "query_unavailable"
        shown = " ".join(self.finger.texts())
        if "申请人：张*国" not in shown or "张建国" in shown:
            raise JourneyFailed("the answer is not shown masked")
        if self.rng.random() < 0.3 and self.vm.property("ticketAvailable"):
            self.tap("printQueryButton")
            if self.wait(lambda: self.vm.queries.property("printState") in ("printed", "failed"), 15) is None:
                raise JourneyFailed("the query slip never printed")
            return "query_printed"
        return "query_shown"

    def j_walk_away(self, rec: JourneyRecord) -> str:
        """The citizen leaves part-way; the kiosk must go home by itself and forget them."""
        # Most walk away from the camera (a code that will not scan, a phone gone flat); every
        # place comes up, and the run needs its time on the check-in screen anyway.
        where = self.rng.choice(("categories", "kind", "card_categories") + ("checkin", "appointment") * 2)
        rec.detail = f"left on {where}"
        if where in ("checkin", "appointment"):
            if where == "appointment":
                _, token = self.book_appointment(self._appointment_citizen())
            if not self.open_check_in(rec):
                return "printer_unavailable"
            if where == "appointment" and self.core.scanner_usable():
                self.spin(0.5)
                self.sims.show_code(token.encode())
                self.wait_screen({"appointment"}, 8)
                self.sims.hide_code()
        elif where == "card_categories":
            if not self.wait_available(rec):
                return "printer_unavailable"
            self.present_card(rec, "id", self.rng.choice(self.crowd))    # and leaves it lying there
            self.wait_greeting(10)
        else:
            if not self.wait_available(rec):
                return "printer_unavailable"
            self.tap("takeNumberButton")
            if where == "kind":
                category, item, _ = self.pick_item()
                self.tap(f"categoryTile_{category}")
                self.tap(f"itemRow_{item}")
        left = time.monotonic()
        limit = self.s.idle_timeout_s + 4
        if self.wait_screen({"home"}, limit) is None:
            raise JourneyFailed(f"walked away on {self.screen()!r}: not home {limit} s later")
        took = time.monotonic() - left
        if self.core.identity() is not None or self.shown("identityGreeting"):
            raise JourneyFailed("home after the idle timeout, but the last citizen is still greeted")
        rec.detail += f", home after {took:.1f} s"
        return "idle_home"

    def j_technician(self, rec: JourneyRecord) -> str:
        for _ in range(5):
            self.tap("hallNameTapArea")
        if self.wait_screen({"pin"}, 5) is None:
            return self._not_moved("pin")
        for digit in TECH_PIN:
            self.tap(f"pinKey_{digit}")
        self.tap("pinKey_ok")
        if self.wait_screen({"tech"}, 10) is None:
            raise JourneyFailed(f"the right PIN did not open the technician screen ({self.shown('pinMessage')!r})")
        self.tap("testPrintButton")
        result = self.wait(lambda: (lambda t: t if t and "正在打印" not in t else None)(self.shown("testPrintResult")), 15)
        self.tap("techBackButton")
        if result is None:
            raise JourneyFailed("the test print never said how it went")
        rec.detail = result[:60]
        return "test_print_ok" if "测试页已打印" in result else "test_print_failed"

    def j_card_pulled(self, rec: JourneyRecord) -> str:
        """A card lifted off (ID) or pulled out (social-security) while it is being read."""
        citizen = self.rng.choice(self.crowd)
        self.before_card()
        if self.rng.random() < 0.5:
            self._cards_out = True
            self.sims.id_reader.inject("removed_after_select")
            self.fault(rec, "card_pulled_mid_read", "id card: removed after select")
            self.sims.place_id_card(citizen)
        else:
            from sim.card.ssc_card import SscFaults, VirtualSocialSecurityCard
            self.ensure_pcscd(rec)
            pull_after = self.rng.randint(1, 10)
            self.sims.pull_ssc()
            self._cards_out = True
            self._ssc_expected = self.sims.citizens[citizen].id_number
            card = VirtualSocialSecurityCard(self.sims.citizens[citizen], SscFaults(pull_after_apdus=pull_after))
            card.insert()
            self.sims.ssc_card = card       # so pull_ssc() tidies it away like any other
            self.fault(rec, "card_pulled_mid_read", f"social-security card pulled after {pull_after} APDUs")
        seen = self.wait(lambda: "toast" if self.shown("cardErrorToast") else
                         ("greeting" if self.shown("identityGreeting") else None), 4)
        self.spin(0.5)
        if "removed_after_select" in self.sims.id_reader.faults:
            # The reader never got to read it (a SAM fault in force): disarm, or the next
            # citizen's card would be the one "pulled".
            self.sims.id_reader.clear_faults()
            rec.detail = "the reader never read the card (SAM fault in force)"
        if seen == "greeting":
            # Read whole before the pull: a pulled social-security card ends the visit; an ID
            # card's identity stays until the session ends (a SAM reader cannot see it leave).
            return "read_before_pull"
        return "card_error_shown" if seen == "toast" else "nothing_shown"

    # ------------------------------------------------------------------ between journeys
    def dwell_on_scan_screen(self, seconds: float) -> None:
        """Someone stands at the camera (the preview runs) - fiddling with the screen now and
        then, so the idle timeout does not send it home - then goes."""
        if not self.vm.property("ticketAvailable"):
            self.spin(min(seconds, 2.0))
            return
        if not self.finger.tap("checkInButton", timeout=2.0) or self.wait_screen({"checkin"}, 5) is None:
            return
        began = time.monotonic()
        end = began + seconds
        camera_ok = self.core.camera is not None and self.core.camera.state == "ok" and not self._camera_out
        frames_before = self.vm.appointments.property("previewFrame")
        shown_other = False
        while time.monotonic() < end and self.screen() == "checkin":
            if not shown_other and self.rng.random() < 0.15 and self.core.scanner_usable():
                # A payment code instead of the appointment: a calm note, scanning goes on.
                self.sims.show_code(b"https://qr.alipay.com/fkx" + str(self.rng.randint(1, 10**6)).encode())
                shown_other = True
            item = self.finger.find("cameraPreview") or self.finger.find("cardPrompt")
            if item is not None:
                self.finger.tap_item(item)
            self.spin(min(2.5, max(0.05, end - time.monotonic())))
        if shown_other:
            self.sims.hide_code()
        # A camera streaming the whole time must have moved the picture (30 fps, shown at up to 30).
        frames = self.vm.appointments.property("previewFrame") - frames_before
        if camera_ok and self.screen() == "checkin" and time.monotonic() - began >= 3.0 and frames == 0 \
                and not self._camera_out and self._last_fault.get("camera_unplug", -1e9) < began \
                and self.core.camera.state == "ok":
            self.report.failures.append(f"scan screen after journey {self.journeys_done}: the camera picture "
                                        f"did not move in {time.monotonic() - began:.1f} s while the camera streamed")
        if self.screen() == "checkin":
            if self.rng.random() < 0.7:
                self.press_home()
            else:
                self.wait_screen({"home"}, self.s.idle_timeout_s + 4)

    # ------------------------------------------------------------------ background faults
    def schedule_background_fault(self) -> None:
        self.later(self.rng.expovariate(1.0 / self.s.fault_every_s), self._background_fault)

    def _background_fault(self) -> None:
        try:
            if not self._quiet:
                self.inject(self.rng.choice(BACKGROUND_FAULTS + ("printer_state",)))
        finally:
            self.schedule_background_fault()

    def quiesce(self) -> None:
        """Before a sample: no fault in force, the camera streaming again, the kiosk home. A
        sample taken while the camera is unplugged counts its connection's threads and
        descriptors as gone, and the next one as a leak."""
        self._quiet = True
        try:
            self.wait(lambda: not self.mends_pending() and not self._camera_out and self.sims.printer.state == "ok",
                      20)
            self.wait(lambda: self.core.camera is None or self.core.camera.state == "ok", 15)
            self.wait_screen({"home"}, self.s.idle_timeout_s + 5)
            self.spin(0.5)
        finally:
            self._quiet = False

    def inject(self, kind: str, lasts: float | None = None) -> None:
        """One background fault, mended after `lasts` seconds (random if None) where it lasts."""
        if kind == "printer_state" and time.monotonic() < self._printer_hold_until:
            return                          # a card is being read on the home screen (card_race off)
        if kind == "printer_state" and self.printer_fault_free():
            state = self.rng.choice(("paper_out", "cover_open", "offline"))
            lasts = lasts or self.rng.uniform(2.0, 5.0)
            self.sims.printer.set_state(state)
            self._printer_fault_until = time.monotonic() + 3600
            self.fault(None, "printer_state", f"{state} for {lasts:.1f} s")
            self.later(lasts, self.mend_printer)
        elif kind == "camera_unplug" and not self._camera_out:
            lasts = lasts or self.rng.uniform(3.0, 10.0)
            self._camera_out = True
            self.sims.camera.unplug()
            self.fault(None, "camera_unplug", f"for {lasts:.1f} s")
            self.later(lasts, self._replug_camera)
        elif kind == "sam_garbage":
            what = self.rng.choice(("garbage", "bad_checksum", "silent"))
            self.sims.id_reader.inject(what)
            self.fault(None, "sam_garbage", what)
        elif kind == "sam_persistent":
            what = self.rng.choice(("sam_self_test", "sam_not_authorised"))
            lasts = lasts or self.rng.uniform(1.0, 4.0)
            self.sims.id_reader.inject(what)
            self.fault(None, "sam_persistent", f"{what} for {lasts:.1f} s")
            self._last_fault["sam_persistent"] = time.monotonic() + lasts     # in force until then
            self.later(lasts, self.sims.id_reader.clear_faults)

    def _replug_camera(self) -> None:
        self.sims.camera.replug()
        self._camera_out = False

    # ------------------------------------------------------------------ housekeeping
    def trim_simulators(self) -> None:
        """The simulators keep a history tests read (every SAM request, every camera view with
        its rendered JPEGs); over hours that is the simulators' memory counted as the kiosk's.
        Forget what no one will read: it is the kiosk whose memory is being measured."""
        self.slips.drain()
        reader = self.sims.id_reader
        if reader is not None:
            del reader.requests[:]
        # The phone renderer's caches (bounded, but keyed by each new code and random shot: up
        # to 64 PhoneStyle keys each holding True, 512 QR matrices) fill during the first few
        # hundred codes; left alone they raised True's refcount ~0.8 % over the first minutes.
        from sim.camera import phone, screen
        for cache in (screen.qr_modules, phone._rotation, phone._motion_kernel):
            cache.cache_clear()
        camera = self.sims.camera
        if camera is not None:
            with camera._lock:                       # the stream's own lock: no frame is mid-switch
                current = camera._scene
                keep = {key for key in camera._cache if key[0] != "phone"}
                camera._cache = {key: frames for key, frames in camera._cache.items()
                                 if key in keep or (current is not None and frames is current.frames)}
                del camera.scenes[:-3]

    # ------------------------------------------------------------------ the run
    def next_journey_kind(self) -> str:
        # Every kind once first (so even a short run covers them all), then a weighted mix.
        n = self.journeys_done
        if n < len(JOURNEY_KINDS):
            return JOURNEY_KINDS[n]
        weights = {"walk_in": 18, "walk_in_id_card": 10, "walk_in_ssc": 8, "reprint": 5, "check_in_qr": 20,
                   "check_in_card": 12, "walk_away": 10, "technician": 3, "card_pulled_mid_read": 5,
                   "evaluate": 6, "query": 6}
        return self.rng.choices(list(weights), weights=list(weights.values()))[0]

    def run_journey(self, kind: str) -> JourneyRecord:
        rec = JourneyRecord(self.journeys_done + 1, kind, round(self.elapsed(), 1))
        started = self._journey_t0 = time.monotonic()
        if self.screen() != "home" and self.wait_screen({"home"}, self.s.idle_timeout_s + 4) is None:
            # Only a foreign card (or a bug between journeys) gets here: say so, start clean.
            self.report.notes.append(f"{self.elapsed():.0f} s: kiosk on {self.screen()!r} between journeys, "
                                     f"not home after the idle timeout")
            self.vm.goHome()
        tracebacks_before = self.problems.counts()[:2]
        try:
            if kind == "walk_in":
                rec.outcome = self.j_walk_in(rec)
            elif kind == "walk_in_id_card":
                rec.outcome = self.j_walk_in_card(rec, "id")
            elif kind == "walk_in_ssc":
                rec.outcome = self.j_walk_in_card(rec, "ssc")
            elif kind == "reprint":
                rec.outcome = self.j_reprint(rec)
            elif kind == "check_in_qr":
                rec.outcome = self.j_check_in_qr(rec)
            elif kind == "check_in_card":
                rec.outcome = self.j_check_in_card(rec)
            elif kind == "walk_away":
                rec.outcome = self.j_walk_away(rec)
            elif kind == "technician":
                rec.outcome = self.j_technician(rec)
            elif kind == "card_pulled_mid_read":
                rec.outcome = self.j_card_pulled(rec)
            elif kind == "evaluate":
                rec.outcome = self.j_evaluate(rec)
            elif kind == "query":
                rec.outcome = self.j_query(rec)
            else:
                raise ValueError(kind)
            if rec.outcome != "idle_home":
                self.leave_home(rec)
        except JourneyFailed as e:
            rec.failure = str(e)
            rec.outcome = "failed"
        except Exception as e:              # the harness's own bug: say so, do not hide it
            rec.failure = f"soak harness error {type(e).__name__}: {e}\n{traceback.format_exc()[-1500:]}"
            rec.outcome = "failed"
        finally:
            if self.sims.printer.state != "ok" and time.monotonic() >= self._printer_fault_until:
                self.mend_printer()
            try:
                self.ensure_home(rec)
            finally:
                self.take_cards()
            self.end_of_visit(rec)
        tracebacks, qml = self.problems.counts()[:2]
        if (tracebacks, qml) != tracebacks_before and not rec.failure:
            rec.failure = "a traceback or QML error during this journey (see tracebacks/qml_errors)"
        foreign = sum(1 for t in self._foreign_reads if t >= min(started - 1.0, self._last_journey_end))
        self._last_journey_end = time.monotonic()
        if foreign:
            # Someone else's card in the shared vpcd slot moved the kiosk under this journey's
            # feet: the kiosk did what it should with it; what this journey expected no longer
            # holds. Counted and reported, not blamed on the kiosk (tracebacks still are).
            rec.faults.append(f"foreign_card_read:{foreign}")
            if rec.failure and not rec.failure.startswith("a traceback"):
                rec.detail = (rec.detail + "; " if rec.detail else "") + f"disturbed: {rec.failure[:200]}"
                rec.failure = ""
                rec.outcome = "disturbed_by_foreign_card"
        rec.seconds = round(time.monotonic() - started, 2)
        self.journeys_done += 1
        self.report.journeys_done = self.journeys_done
        self.report.outcome_counts[rec.kind]["FAILED" if rec.failure else rec.outcome] += 1
        if rec.failure:
            self.report.failures.append(f"journey {rec.n} ({rec.kind}): {rec.failure}")
        self._journeys_file.write(json.dumps(asdict(rec), ensure_ascii=False) + "\n")
        self._journeys_file.flush()
        return rec

    def between_journeys(self, deadline: float) -> None:
        """The scan screen waits with its camera picture running: enough of the time that at
        least `scan_share` of the run is spent there."""
        left = deadline - time.monotonic()
        behind = self.s.scan_share * self.elapsed() - self.scan_seconds()
        if left > 1 and behind > 0:
            # Long enough to catch up (faults and walk-aways keep people off the scan screen for
            # a while), never so long that the journeys thin out.
            catch_up = behind / (1.0 - self.s.scan_share)
            self.dwell_on_scan_screen(min(left, max(self.rng.uniform(1.5, 5.0), min(catch_up, 15.0))))
        elif left > 1 and self.rng.random() < 0.1:
            self.spin(self.rng.uniform(0.1, 0.8))          # an empty kiosk for a moment
        if self.journeys_done % 20 == 0:
            self.trim_simulators()

    def warm_up(self) -> None:
        """Everything once before the "start" sample: every journey kind, a torn ticket ending
        each way, and each background fault met by a journey. What the kiosk loads or builds
        the first time (the search index, decoders, the camera's reconnect, error paths, a
        translation...) is then in place, so start → end measures the kiosk at work rather than
        the kiosk finishing loading. Measured: without it, True's refcount rose 1.2 % in the
        first three minutes and 0.14 % in the nine after."""
        # No dwelling on the scan screen in between: the run after the warm-up catches up.
        for kind in JOURNEY_KINDS:
            self.run_journey(kind)
        for path in TORN_TICKET_PATHS:
            self._force_torn = path
            self.run_journey("walk_in")
        for kind in BACKGROUND_FAULTS:
            self.wait(lambda: not self.mends_pending(), 15)    # the last fault mended first
            self.inject(kind, lasts=3.0)
            self.run_journey(MEETS[kind])
        self.wait(lambda: not self.mends_pending(), 15)

    def run(self) -> SoakReport:
        report = self.report
        self.t0 = time.monotonic()
        deadline = self.t0 + self.s.minutes * 60
        report.samples.append(sample("launch", 0.0, 0))
        self.warm_up()
        self.trim_simulators()
        self.quiesce()
        report.samples.append(sample("start", self.elapsed(), self.journeys_done))
        self.checkpoint()
        self.schedule_background_fault()
        next_sample = self.elapsed() + self.s.sample_every_s
        baseline_taken = False
        while time.monotonic() < deadline and self.journeys_done < self.s.journeys:
            rec = self.run_journey(self.next_journey_kind())
            if rec.failure:
                log.warning("journey %d (%s) failed: %s", rec.n, rec.kind, rec.failure.splitlines()[0])
            try:
                self.between_journeys(deadline)
            except Exception as e:              # the harness's own bug, or a screen gone astray
                self.report.failures.append(f"between journeys {self.journeys_done} and {self.journeys_done + 1}: "
                                            f"{type(e).__name__}: {e}\n{traceback.format_exc()[-1500:]}")
            now = self.elapsed()
            if not baseline_taken and now >= self.s.baseline_after_s:
                self.trim_simulators()
                self.quiesce()
                report.samples.append(sample("after_5_min", self.elapsed(), self.journeys_done))
                baseline_taken = True
                self.checkpoint()
            elif now >= next_sample:
                self.trim_simulators()
                self.quiesce()
                report.samples.append(sample("periodic", self.elapsed(), self.journeys_done))
                next_sample = now + self.s.sample_every_s
                self.checkpoint()
        self._timers.clear()                   # no fault may outlive the run: mend everything
        self.mend_printer()
        if self._camera_out:
            self._replug_camera()
        self.sims.id_reader.clear_faults()
        self.trim_simulators()
        report.wall_s = round(self.elapsed(), 1)
        report.scan_seconds = round(self.scan_seconds(), 1)
        self.quiesce()
        report.samples.append(sample("end", self.elapsed(), self.journeys_done))
        self.check_evaluations()
        if self.foreign_read_count:
            report.notes.append(f"{self.foreign_read_count} social-security card read(s) of cards that were not "
                                f"ours: another test run used the machine's shared vpcd slot meanwhile")
        report.alive = True
        return report

    def check_evaluations(self) -> None:
        """Every evaluation submitted reached the province once; none left half-way was kept."""
        province, outbox = self.sims.province, self.core.evaluations
        self.wait(lambda: len(province.stored) >= self.evaluations_submitted and not outbox.today()["waiting"], 30)
        stored = len(province.stored)
        self.report.notes.append(f"好差评: {self.evaluations_submitted} submitted, {stored} at the province "
                                 f"({province.copies} copies sent again)")
        if stored != self.evaluations_submitted:
            self.report.failures.append(f"{self.evaluations_submitted} evaluations submitted but the province "
                                        f"holds {stored}")

    def checkpoint(self) -> None:
        """soak.json as it stands: if the process dies (an abort in Qt), what led up to it stays."""
        self.report.wall_s = round(self.elapsed(), 1)
        self.report.scan_seconds = round(self.scan_seconds(), 1)
        self.collect_problems()
        self.report.alive = False          # until the end says otherwise
        write_outputs(self.report, self.out)
        self.report.alive = True

    def collect_problems(self) -> None:
        p, r = self.problems, self.report
        r.tracebacks = list(p.tracebacks)
        r.qml_errors = list(p.qml_errors)
        r.errors_logged = list(p.errors)
        r.warnings_logged = dict(p.warnings.most_common(40))
        r.qt_messages = dict(p.qt_messages.most_common(40))

    # ------------------------------------------------------------------ the hall against the paper
    def check_hall(self) -> None:
        r = self.report
        journeys = [json.loads(line) for line in (self.out / "journeys.jsonl").read_text(encoding="utf-8").splitlines()]
        shown = [(j["n"], j["shown_number"]) for j in journeys if j["shown_number"]]
        r.hall, r.hall_problems = check_hall_against_slips(self.out / "kiosk" / "hall.sqlite",
                                                          read_slips(self.out / "slips.jsonl"), shown,
                                                          self.clock() - datetime.now())


def check_hall_against_slips(db: Path, slips: list[Slip], shown_numbers: list[tuple[int, str]],
                             hall_minus_wall: timedelta = timedelta(0)) -> tuple[dict, list[str]]:
    """The invariants a hall lives by, checked against what the printer put out:
    no number on two tickets; every confirmed ticket has a whole slip with its ticket id; every
    slip (whole or torn) is of a confirmed ticket or of a number marked spoiled; and every number
    a citizen read on the done screen is on a whole slip. Test prints do not count.
    hall_minus_wall: the hall's clock minus this machine's, to place a slip (stamped with the
    machine's time) among the journal's entries (stamped with the hall's)."""
    problems: list[str] = []
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    conn.row_factory = sqlite3.Row
    try:
        tickets = conn.execute("SELECT * FROM tickets").fetchall()
        journal = conn.execute("SELECT * FROM journal ORDER BY entry").fetchall()
    finally:
        conn.close()
    by_id = {t["ticket_id"]: t for t in tickets}
    states = Counter(t["state"] for t in tickets)
    duplicates = Counter((t["day"], t["number"]) for t in tickets)
    for (day, number), count in sorted(duplicates.items()):
        if count > 1:
            ids = [t["ticket_id"][:8] for t in tickets if (t["day"], t["number"]) == (day, number)]
            problems.append(f"number {number} ({day}) is on {count} tickets: {', '.join(ids)}")

    paper = [s for s in slips if not s.test_print]
    whole_ids = {s.ticket_id for s in paper if s.complete and s.ticket_id}
    for t in tickets:
        if t["state"] in CONFIRMED and t["ticket_id"] not in whole_ids:
            problems.append(f"confirmed ticket {t['number']} ({t['state']}, {t['ticket_id'][:8]}) has no whole "
                            f"printed slip carrying its id")

    # Who held a number when: a number can be given back before any paper moved and issued again,
    # so a torn slip without its QR code belongs to the ticket that held the number as it printed.
    reserved: dict[str, list[tuple[datetime, str]]] = defaultdict(list)
    for e in journal:
        if e["action"] == "reserve" and e["number"] and e["ticket_id"]:
            reserved[e["number"]].append((datetime.fromisoformat(e["at"]), e["ticket_id"]))
    spoiled_numbers = {t["number"] for t in tickets if t["state"] == "spoiled"}
    spoil_entries = sum(1 for e in journal if e["action"] == "spoil")
    torn = [s for s in paper if not s.complete]
    unattributable = 0
    for s in paper:
        ticket_id = s.ticket_id
        if ticket_id is None:
            number = s.number
            if number is None:
                unattributable += 1          # torn before the number: nothing on it to mistake
                continue
            printed = datetime.fromtimestamp(s.printed_at) + hall_minus_wall
            before = [tid for at, tid in reserved.get(number, []) if at <= printed + timedelta(seconds=1)]
            if not before:
                problems.append(f"slip #{s.index} ({'whole' if s.complete else 'torn'}) shows {number}, "
                                f"which no ticket held when it was printed")
                continue
            ticket_id = before[-1]            # the latest reservation of that number before the paper
            if ticket_id not in by_id:
                problems.append(f"slip #{s.index} ({'whole' if s.complete else 'torn'}) shows {number}, whose "
                                f"ticket was given back after paper came out (the number may go to someone else)")
                continue
        t = by_id.get(ticket_id)
        if t is None:
            problems.append(f"slip #{s.index} ({'whole' if s.complete else 'torn'}, {s.number}) carries ticket id "
                            f"{ticket_id[:8]}, which the hall does not know (voided after paper came out?)")
        elif t["state"] not in CONFIRMED and t["state"] != "spoiled":
            problems.append(f"slip #{s.index} ({'whole' if s.complete else 'torn'}) is of ticket {t['number']} in "
                            f"state {t['state']!r}: neither confirmed nor spoiled")
        elif s.number and s.number != t["number"]:
            problems.append(f"slip #{s.index} shows {s.number} but its QR code is ticket {t['number']}")
    for t in tickets:
        if t["state"] == "spoiled" and not any(e["action"] == "spoil" and e["ticket_id"] == t["ticket_id"]
                                               for e in journal):
            problems.append(f"ticket {t['number']} is spoiled without a 'spoil' journal entry")

    whole_numbers = {s.number for s in paper if s.complete and s.number}
    for journey, number in shown_numbers:
        if number not in whole_numbers:
            problems.append(f"journey {journey} showed number {number} on the done screen; no whole slip has it")

    summary = {"tickets": len(tickets), "states": dict(sorted(states.items())),
               "slips": len(paper), "whole_slips": sum(1 for s in paper if s.complete), "torn_slips": len(torn),
               "test_prints": len(slips) - len(paper), "spoiled_numbers": len(spoiled_numbers),
               "spoil_journal_entries": spoil_entries, "slips_without_number_or_id": unattributable,
               "voids": sum(1 for e in journal if e["action"] == "void"),
               "reprints_printed": sum(1 for e in journal if e["action"] == "confirm" and "reprint" in e["reason"]),
               "numbers_shown": len(shown_numbers)}
    return summary, problems


# ---------------------------------------------------------------------------- figures and files
def figures(report: SoakReport) -> dict:
    """The run's figures: memory, threads and descriptors flat; refcounts where they started."""
    start, base, end = report.sample_at("start"), report.sample_at("after_5_min"), report.sample_at("end")
    out: dict = {"journeys": report.journeys_done, "wall_min": round(report.wall_s / 60, 1),
                 "scan_share": round(report.scan_share, 3), "failed_journeys": len(report.failures),
                 "tracebacks": len(report.tracebacks), "qml_errors": len(report.qml_errors),
                 "hall_problems": len(report.hall_problems), "alive": report.alive}
    if start and end:
        out["fds_start"], out["fds_end"] = start["fds"], end["fds"]
        out["threads_start"], out["threads_end"] = start["threads"], end["threads"]
        out["rss_start_mib"], out["rss_end_mib"] = start["rss_mib"], end["rss_mib"]
        out["gc_objects_start"], out["gc_objects_end"] = start["gc_objects"], end["gc_objects"]
        for name in ("none", "true", "false"):
            before, after = start[f"ref_{name}"], end[f"ref_{name}"]
            out[f"ref_{name}_start"], out[f"ref_{name}_end"] = before, after
            out[f"ref_{name}_change_pct"] = round(100.0 * (after - before) / before, 3)
    if base and end:
        out["rss_5min_mib"] = base["rss_mib"]
        out["rss_ratio_end_vs_5min"] = round(end["rss_mib"] / base["rss_mib"], 3)
        out["threads_5min"], out["fds_5min"] = base["threads"], base["fds"]
    return out


FULL_RUN_LIMITS = {"rss_ratio": 1.10, "threads_extra": 2, "fds_extra": 5, "refcount_pct": 1.0}


def full_run_verdicts(fig: dict) -> list[tuple[str, str, bool | None]]:
    """(check, measured, passed) for the full run's figures; passed None: not measured."""
    rows = [("process alive at the end", str(fig.get("alive")), bool(fig.get("alive")))]
    if "rss_ratio_end_vs_5min" in fig:
        rows.append((f"RSS end ≤ {FULL_RUN_LIMITS['rss_ratio']} × after 5 min",
                     f"{fig['rss_5min_mib']:.1f} → {fig['rss_end_mib']:.1f} MiB ({fig['rss_ratio_end_vs_5min']:.3f}×)",
                     fig["rss_ratio_end_vs_5min"] <= FULL_RUN_LIMITS["rss_ratio"]))
        rows.append((f"threads end ≤ after 5 min + {FULL_RUN_LIMITS['threads_extra']}",
                     f"{fig['threads_5min']} → {fig['threads_end']}",
                     fig["threads_end"] <= fig["threads_5min"] + FULL_RUN_LIMITS["threads_extra"]))
        rows.append((f"descriptors end ≤ after 5 min + {FULL_RUN_LIMITS['fds_extra']}",
                     f"{fig['fds_5min']} → {fig['fds_end']}",
                     fig["fds_end"] <= fig["fds_5min"] + FULL_RUN_LIMITS["fds_extra"]))
    else:
        rows.append(("RSS/threads/descriptors vs after 5 min", "run shorter than 5 min", None))
    for name in ("none", "true", "false"):
        key = f"ref_{name}_change_pct"
        if key in fig:
            rows.append((f"refcount of {name.capitalize()} within ±{FULL_RUN_LIMITS['refcount_pct']} %",
                         f"{fig[f'ref_{name}_start']} → {fig[f'ref_{name}_end']} ({fig[key]:+.3f} %)",
                         abs(fig[key]) <= FULL_RUN_LIMITS["refcount_pct"]))
    rows.append(("journeys failed (traceback, stuck, wrong)", str(fig["failed_journeys"]), fig["failed_journeys"] == 0))
    rows.append(("tracebacks / QML errors", f"{fig['tracebacks']} / {fig['qml_errors']}",
                 fig["tracebacks"] == 0 and fig["qml_errors"] == 0))
    rows.append(("hall vs printed slips problems", str(fig["hall_problems"]), fig["hall_problems"] == 0))
    rows.append(("share of wall time on the check-in screen ≥ 0.5", f"{fig['scan_share']:.2f}", fig["scan_share"] >= 0.5))
    return rows


def write_outputs(report: SoakReport, out: Path) -> None:
    report.figures = figures(report)
    (out / "soak.json").write_text(json.dumps(report.to_json(), ensure_ascii=False, indent=1, default=str),
                                   encoding="utf-8")
    plot_samples(report.samples, out / "soak.png", title=f"soak seed {report.seed}: {report.journeys_done} journeys, "
                                                         f"{report.wall_s / 60:.1f} min")


def plot_samples(samples: list[dict], path: Path, title: str = "") -> None:
    """Four small panels over minutes: RSS, threads, descriptors, refcount change of None/True/
    False in % of the start. Drawn with Pillow, which the kiosk already depends on."""
    from PIL import Image, ImageDraw, ImageFont
    width, panel_h, margin_l, margin_r, top = 900, 170, 90, 20, 36
    panels = [("RSS MiB", [("rss_mib", (31, 119, 180))]),
              ("threads", [("threads", (44, 160, 44))]),
              ("open descriptors", [("fds", (214, 39, 40))]),
              ("refcount change % (None, True, False)", [("ref_none", (31, 119, 180)), ("ref_true", (44, 160, 44)),
                                                         ("ref_false", (214, 39, 40))])]
    image = Image.new("RGB", (width, top + len(panels) * panel_h + 10), "white")
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default()
    draw.text((margin_l, 10), title + "  (x: minutes into the run)", fill="black", font=font)
    # From the "start" sample on: the launch sample (before anything was loaded) would squash
    # the scale of everything that matters.
    samples = [s for s in samples if s["label"] != "launch"]
    if not samples:
        image.save(path)
        return
    start = next((s for s in samples if s["label"] == "start"), samples[0])
    xs = [s["t_s"] / 60 for s in samples]
    x_max = max(max(xs), 0.1)
    for p, (label, series) in enumerate(panels):
        y0 = top + p * panel_h
        box = (margin_l, y0 + 18, width - margin_r, y0 + panel_h - 22)
        draw.rectangle(box, outline=(120, 120, 120))
        draw.text((margin_l, y0 + 4), label, fill="black", font=font)
        if len(series) > 1:                   # a legend: which colour is which
            for i, (key, colour) in enumerate(series):
                x = width - margin_r - 220 + i * 75
                draw.line([(x, y0 + 10), (x + 18, y0 + 10)], fill=colour, width=3)
                draw.text((x + 22, y0 + 4), key.removeprefix("ref_").capitalize(), fill="black", font=font)
        values_by = {}
        for key, _ in series:
            if key.startswith("ref_"):
                values_by[key] = [100.0 * (s[key] - start[key]) / start[key] for s in samples]
            else:
                values_by[key] = [float(s[key]) for s in samples]
        everything = [v for vs in values_by.values() for v in vs]
        lo, hi = min(everything), max(everything)
        if label.startswith("refcount"):
            lo, hi = min(lo, -1.0), max(hi, 1.0)        # the ±1 % band always in view
        base = next((s for s in samples if s["label"] == "after_5_min"), start)
        rss_limit = base["rss_mib"] * 1.1
        if label.startswith("RSS"):
            lo, hi = min(lo, base["rss_mib"] * 0.95), max(hi, rss_limit)   # the 1.1× limit in view
        if hi - lo < 1e-9:
            lo, hi = lo - 1, hi + 1
        pad = (hi - lo) * 0.08
        lo, hi = lo - pad, hi + pad

        def at(x, v):
            return (box[0] + (box[2] - box[0]) * x / x_max, box[3] - (box[3] - box[1]) * (v - lo) / (hi - lo))
        for v in (lo + pad, hi - pad):
            draw.text((4, at(0, v)[1] - 6), f"{v:.1f}", fill=(80, 80, 80), font=font)
        if label.startswith("refcount"):
            for band in (-1.0, 1.0):
                draw.line([at(0, band), at(x_max, band)], fill=(200, 200, 200))
        if label.startswith("RSS"):
            draw.line([at(0, rss_limit), at(x_max, rss_limit)], fill=(200, 200, 200))
            draw.text((box[0] + 4, at(0, rss_limit)[1] + 2), f"1.1 x {base['label']}", fill=(120, 120, 120),
                      font=font)
        for key, colour in series:
            points = [at(x, v) for x, v in zip(xs, values_by[key])]
            if len(points) > 1:
                draw.line(points, fill=colour, width=2)
            for px, py in points:
                draw.ellipse((px - 2, py - 2, px + 2, py + 2), fill=colour)
        draw.text((box[2] - 60, box[3] + 4), f"{x_max:.1f} min", fill=(80, 80, 80), font=font)
        draw.text((box[0], box[3] + 4), "0", fill=(80, 80, 80), font=font)
    image.save(path)


def format_table(rows: list[tuple[str, str, bool | None]]) -> str:
    width = max(len(r[0]) for r in rows)
    lines = [f"{'check':{width}}  {'measured':40}  result", "-" * (width + 52)]
    lines += [f"{name:{width}}  {measured:40}  {'n/a' if ok is None else 'ok' if ok else 'FAIL'}"
              for name, measured, ok in rows]
    return "\n".join(lines)


def run_soak(settings: SoakSettings) -> SoakReport:
    """Start the kiosk, run the day, check the hall, write soak.json and soak.png. The kiosk
    is stopped before the hall check, so the database is read as the day left it."""
    soak = Soak(settings)
    print(f"soak: seed {settings.seed} (saved in {settings.out_dir / 'soak.json'})", flush=True)
    (settings.out_dir).mkdir(parents=True, exist_ok=True)
    (settings.out_dir / "seed.txt").write_text(f"{settings.seed}\n")
    soak.start()
    try:
        soak.run()
    except BaseException:
        soak.report.alive = False
        raise
    finally:
        try:
            soak.stop()
        finally:
            soak.collect_problems()           # after stop: a traceback while shutting down counts too
            soak.check_hall()
            write_outputs(soak.report, settings.out_dir)
    return soak.report
