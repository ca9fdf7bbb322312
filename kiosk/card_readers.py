"""The identity card readers as the kiosk sees them: health, and "a citizen was identified".

Both roles do their I/O on their own device thread (kiosk.devices.DeviceWorker) and report to
listeners from that thread: CardRead, CardRemoved, CardFailed and HealthChanged (kiosk.events). The ID card lies on a contactless reader and cannot be seen leaving
(a SAM reader answers "no card" after one read until the card is placed again), so its identity
lasts until the session ends; the social-security card sits in a slot, and pulling it out ends
the session at once.
"""
from __future__ import annotations

import logging
import threading
import time
from concurrent.futures import Future

from drivers.card.errors import CardError, ReaderUnavailable
from drivers.card.pcsc_monitor import PcscMonitor
from drivers.card.sam_reader import SamIdReader
from drivers.card.ssc_protocol import SscAccessRules
from drivers.card.ssc_reader import SocialSecurityCardReader
from kiosk.config import IdCardReaderDevice, SscReaderDevice
from kiosk.devices import DeviceHealth, DeviceWorker, HealthState, start_poller
from kiosk.events import Announcer, CardFailed, CardRead, CardRemoved, HealthChanged
from kiosk.identity import identity_from_id_card, identity_from_ssc

log = logging.getLogger(__name__)


class CardReaderRole(Announcer):
    """Counting, health and listeners shared by both readers."""

    role = ""
    title = ""

    def __init__(self):
        super().__init__()
        self._worker = DeviceWorker(self.role)
        self._stop = threading.Event()
        self.details: dict = {"reads": 0, "failures": 0, "last_error": ""}
        self.health = DeviceHealth(self.role, self.title, "absent", "还没有检查读卡器", "Reader not checked yet")

    def _set_health(self, state: HealthState, reason_zh: str = "", reason_en: str = "") -> DeviceHealth:
        health = DeviceHealth(self.role, self.title, state, reason_zh, reason_en, dict(self.details), time.time())
        changed = (health.state, health.reason_zh) != (self.health.state, self.health.reason_zh)
        self.health = health
        if changed:
            log.info("%s: %s %s", self.role, state, reason_en)
            self._emit(HealthChanged(health))
        return health

    def _failed(self, error: CardError) -> None:
        """A read went wrong: count it, keep the technical detail (no personal data in it)."""
        self.details["failures"] += 1
        self.details["last_error"] = f"{type(error).__name__}: {error}"
        log.warning("%s read failed: %s", self.role, self.details["last_error"])
        self._set_health(self.health.state, self.health.reason_zh, self.health.reason_en)

    def _identified(self, card) -> None:
        self.details["reads"] += 1
        self.details["last_read_ms"] = round(getattr(card, "ms", 0.0), 1)
        # What was odd on the card just read (a social-security card's unexpected 卡识别码, say):
        # the citizen was identified anyway, but the technician should see it. Only while the
        # last card read has some, so an old card's warnings are never taken for this one's.
        warnings = list(getattr(card, "warnings", ()))
        if warnings:
            self.details["card_warnings"] = warnings
        else:
            self.details.pop("card_warnings", None)
        self._set_health("ok")                 # the counts a technician sees, up to date
        self._emit(CardRead(self.role, self.identity_of(card)))

    def identity_of(self, card):
        raise NotImplementedError

    def stop(self) -> None:
        self._stop.set()
        self._worker.shutdown()


class IdCardReaderRole(CardReaderRole):
    """居民身份证 through a SAM reader: looks for a card every poll_interval_s."""

    role = "id_card_reader"
    title = "身份证读卡器 ID card reader (SAM)"

    def __init__(self, settings: IdCardReaderDevice):
        self.settings = settings
        where = settings.port if settings.transport == "serial" else f"{settings.host}:{settings.tcp_port}"
        self.title = f"{type(self).title}, {settings.transport} {where}"
        super().__init__()
        self._reader: SamIdReader | None = None
        self._poller: threading.Thread | None = None
        self._testing = threading.Event()      # a technician's test read owns the reader
        self._read_during_test = None

    def identity_of(self, card):
        return identity_from_id_card(card)

    def _driver(self) -> SamIdReader:
        if self._reader is None:
            s = self.settings
            if s.transport == "serial":
                reader = SamIdReader.open_serial(s.port, s.baudrate, s.timeout_s, reset_para=s.reset_para)
            else:
                reader = SamIdReader.open_tcp(s.host, s.tcp_port, s.timeout_s, reset_para=s.reset_para)
            try:
                reader.sam_status()                          # a SAM that failed its self-test says so here
                self.details["sam_id"] = reader.sam_id()
            except CardError as e:
                e.card_seen = False
                reader.close()
                raise
            self._reader = reader
        return self._reader

    def _poll(self):
        """One look at the reader, on the device thread. Returns the card read, or None."""
        try:
            card = self._driver().read_if_present()
        except ReaderUnavailable as e:
            self._failed(e)
            if self._reader is not None:
                self._reader.close()
                self._reader = None
            self.details["card_present"] = False
            self._set_health("fault", e.message_zh, e.message_en)
            return None
        except CardError as e:
            self._failed(e)
            self._set_health("ok")
            if e.card_seen:      # a glitch while only looking for a card is not the citizen's business
                self._emit(CardFailed(self.role, e))
            return None
        self.details["card_present"] = card is not None
        self._set_health("ok")
        if card is not None:
            self._identified(card)
            if self._testing.is_set():
                self._read_during_test = card
        return card

    def check_now(self) -> Future:
        return self._worker.submit(lambda: (self._poll(), self.health)[1])

    def test_read(self, wait_s: float = 10.0) -> Future:
        """Technician: wait up to wait_s for a card and read it (the future gives the card, or
        None if none came). Automatic polling pauses meanwhile, so the test gets the card."""
        self._testing.set()
        self._read_during_test = None

        def read():
            try:
                deadline = time.monotonic() + wait_s
                while True:
                    # A poll already under way when the test began may have taken the card.
                    card = self._read_during_test or self._poll()
                    if card is not None or time.monotonic() >= deadline or self._stop.is_set():
                        return card
                    time.sleep(0.1)
            finally:
                self._testing.clear()
                self._read_during_test = None
        return self._worker.submit(read)

    def start(self) -> None:
        def step():
            if not self._testing.is_set():       # a technician's test read has the reader
                self._worker.submit(self._poll).result()
        self._poller = start_poller("id-card-poller", step, self.settings.poll_interval_s, self._stop)

    def stop(self) -> None:
        self._stop.set()
        if self._poller:
            self._poller.join(timeout=5)
        if self._reader is not None:
            self._worker.submit(self._reader.close)
        super().stop()


class SscReaderRole(CardReaderRole):
    """社会保障卡 in a PC/SC reader: pcscd tells us when a card goes in or comes out."""

    role = "ssc_reader"
    title = "社保卡读卡器 Social security card reader (PC/SC)"

    def __init__(self, settings: SscReaderDevice):
        self.settings = settings
        super().__init__()
        a = settings.access
        self._access = SscAccessRules(a.verify_pin, a.external_auth_key_hex, a.external_auth_key_id) \
            if (a.verify_pin or a.external_auth_key_hex) else None
        self._monitor = PcscMonitor(self._on_inserted, self._on_removed, self._on_readers)
        self.details.update(readers=[], card_present=False, last_atr="")
        self.card_seen_at: float | None = None

    def identity_of(self, card):
        return identity_from_ssc(card)

    def _ours(self, reader: str) -> bool:
        return self.settings.reader.lower() in reader.lower()

    def _on_readers(self, readers: list[str]) -> None:
        self.details["readers"] = [r for r in readers if self._ours(r)]
        if self.details["readers"]:
            self._set_health("ok")
        else:
            self._set_health("fault", "没有找到社保卡读卡器", "No social security card reader found")

    def _on_inserted(self, reader: str, atr: bytes) -> None:
        if self._ours(reader):
            self.details.update(card_present=True, last_atr=atr.hex(" ").upper())
            self._set_health("ok")
            self.card_seen_at = time.perf_counter()      # for benchmarks: pcscd's report
            self._worker.submit(self._read, reader, self.card_seen_at)

    def _on_removed(self, reader: str) -> None:
        if self._ours(reader):
            self.details["card_present"] = False
            self._set_health(self.health.state, self.health.reason_zh, self.health.reason_en)
            self._emit(CardRemoved(self.role))

    def _read(self, reader: str, seen_at: float | None = None):
        """seen_at: when pcscd reported the card; the technician sees how long it took from there."""
        try:
            card = SocialSecurityCardReader(reader, self._access).read()
        except CardError as e:
            self._failed(e)
            self._emit(CardFailed(self.role, e))
            return None
        if seen_at is not None:
            self.details["seen_to_identity_ms"] = round((time.perf_counter() - seen_at) * 1000, 1)
        self._identified(card)
        return card

    def check_now(self) -> Future:
        done: Future = Future()
        done.set_result(self.health)
        return done

    def test_read(self) -> Future:
        readers = self.details["readers"]
        if not readers:
            failed: Future = Future()
            failed.set_exception(ReaderUnavailable("no social security card reader"))
            return failed
        return self._worker.submit(self._read, readers[0])

    def start(self) -> None:
        self._set_health("fault", "正在连接读卡服务", "Connecting to the card service")
        self._monitor.start()

    def stop(self) -> None:
        self._monitor.stop()
        super().stop()
