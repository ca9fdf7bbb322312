"""社会保障卡 in a PC/SC contact reader: pcscd tells us when a card goes in or comes out, and
pulling the card out ends the citizen's session at once."""
from __future__ import annotations

import threading
import time
from concurrent.futures import Future
from typing import Literal

from pydantic import Field

from drivers.card.errors import CardError, ReaderUnavailable
from drivers.card.pcsc_monitor import PcscMonitor
from drivers.card.ssc_protocol import SscAccessRules
from drivers.card.ssc_reader import SocialSecurityCardReader
from kiosk.config import Strict
from kiosk.devices import DeviceHealth
from kiosk.events import CardFailed, CardRemoved
from kiosk.identity import identity_from_ssc
from kiosk.roles import Driver, register
from kiosk.roles.card_reader import CardReaderRole
from kiosk.wording import Sentence


class SscAccess(Strict):
    """What this region's social-security cards demand before the personal file can be read."""
    verify_pin: str | None = None
    external_auth_key_hex: str | None = None
    external_auth_key_id: int = 0


class SscReaderDevice(Strict):
    """Social-security card in a PC/SC contact reader."""
    driver: Literal["pcsc"] = "pcsc"
    reader: str = Field(default="", description="part of the PC/SC reader name; empty: any reader")
    access: SscAccess = Field(default_factory=SscAccess)


class SscReaderRole(CardReaderRole):
    """社会保障卡 in a PC/SC reader: pcscd tells us when a card goes in or comes out."""

    kind = "ssc_reader"
    title = "社保卡读卡器 Social security card reader (PC/SC)"
    test_prompt = Sentence("请插入社保卡…")

    def __init__(self, name: str, settings: SscReaderDevice):
        super().__init__(name, settings)
        a = settings.access
        self._access = SscAccessRules(a.verify_pin, a.external_auth_key_hex, a.external_auth_key_id) \
            if (a.verify_pin or a.external_auth_key_hex) else None
        self._monitor = PcscMonitor(self._on_inserted, self._on_removed, self._on_readers)
        self.details.update(readers=[], card_present=False, last_atr="")
        self.card_seen_at: float | None = None
        self._readers_known = threading.Event()     # pcscd has listed its readers once

    def identity_of(self, card):
        return identity_from_ssc(card)

    def _ours(self, reader: str) -> bool:
        return self.settings.reader.lower() in reader.lower()

    def _on_readers(self, readers: list[str]) -> None:
        self._readers_known.set()
        self.details["readers"] = [r for r in readers if self._ours(r)]
        if self.details["readers"]:
            self._set_health("ok")
        else:
            self._set_health("fault", Sentence("没有找到社保卡读卡器"))

    def _on_inserted(self, reader: str, atr: bytes) -> None:
        if self._ours(reader):
            self.details.update(card_present=True, last_atr=atr.hex(" ").upper())
            self._set_health("ok")
            self.card_seen_at = time.perf_counter()      # for benchmarks: pcscd's report
            self._worker.submit(self._read, reader, self.card_seen_at)

    def _on_removed(self, reader: str) -> None:
        if self._ours(reader):
            self.details["card_present"] = False
            self._set_health(self.health.state, self.health.reason)
            self._emit(CardRemoved(self.name))

    def _read(self, reader: str, seen_at: float | None = None):
        """seen_at: when pcscd reported the card; the technician sees how long it took from there."""
        try:
            card = SocialSecurityCardReader(reader, self._access).read()
        except CardError as e:
            self._failed(e)
            self._emit(CardFailed(self.name, e))
            return None
        if seen_at is not None:
            self.details["seen_to_identity_ms"] = round((time.perf_counter() - seen_at) * 1000, 1)
        self._identified(card)
        return card

    def test_read(self) -> Future:
        readers = self.details["readers"]
        if not readers:
            failed: Future = Future()
            failed.set_exception(ReaderUnavailable("no social security card reader"))
            return failed
        return self._worker.submit(self._read, readers[0])

    def start(self) -> None:
        self._set_health("fault", Sentence("正在连接读卡服务"))
        self._monitor.start()

    def check_once(self, timeout_s: float = 3.0) -> DeviceHealth:
        """pcscd reports its readers through the monitor: give it a moment to."""
        self.start()
        self._readers_known.wait(min(timeout_s, 3.0))
        return self.health

    def stop(self) -> None:
        self._monitor.stop()
        super().stop()


register(Driver("pcsc", SscReaderRole.kind, SscReaderDevice, SscReaderRole))
