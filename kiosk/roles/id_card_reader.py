"""居民身份证 through a SAM reader (GA 467 frames): looks for a card every poll_interval_s. The ID
card lies on a contactless pad and cannot be seen leaving (a SAM reader answers "no card" after
one read until the card is placed again), so its identity lasts until the session ends."""
from __future__ import annotations

import threading
import time
from concurrent.futures import Future
from typing import Literal

from pydantic import Field, model_validator

from drivers.card.errors import CardError, ReaderUnavailable
from drivers.card.sam_reader import SamIdReader
from kiosk.config import Strict
from kiosk.events import CardFailed
from kiosk.identity import identity_from_id_card
from kiosk.roles import Driver, register
from kiosk.roles.card_reader import CardReaderRole


class IdCardReaderDevice(Strict):
    """Resident ID card reader with the public-security SAM inside (GA 467 frames)."""
    driver: Literal["sam"] = "sam"
    transport: Literal["serial", "tcp"] = "serial"
    port: str = ""
    baudrate: int = 115200
    host: str = ""
    tcp_port: int = 0
    reset_para: int = Field(default=0xFF, ge=0, le=0xFF, description="PARA of the SAM reset command: varies by vendor")
    poll_interval_s: float = Field(default=0.5, gt=0, le=5.0)
    timeout_s: float = Field(default=2.0, gt=0)

    @model_validator(mode="after")
    def _address(self):
        if self.transport == "serial" and not self.port:
            raise ValueError("a serial ID card reader needs 'port' (for example /dev/ttyUSB1)")
        if self.transport == "tcp" and not (self.host and self.tcp_port):
            raise ValueError("a network ID card reader needs 'host' and 'tcp_port'")
        return self


class IdCardReaderRole(CardReaderRole):
    """居民身份证 through a SAM reader: looks for a card every poll_interval_s."""

    kind = "id_card_reader"
    title = "身份证读卡器 ID card reader (SAM)"

    def __init__(self, name: str, settings: IdCardReaderDevice):
        where = settings.port if settings.transport == "serial" else f"{settings.host}:{settings.tcp_port}"
        self.title = f"{type(self).title}, {settings.transport} {where}"
        super().__init__(name, settings)
        self._reader: SamIdReader | None = None
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
            self._set_health("fault", e.message)
            return None
        except CardError as e:
            self._failed(e)
            self._set_health("ok")
            if e.card_seen:      # a glitch while only looking for a card is not the citizen's business
                self._emit(CardFailed(self.name, e))
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
        self._start_polling(step)

    def _close_driver(self) -> None:
        if self._reader is not None:
            self._reader.close()


register(Driver("sam", IdCardReaderRole.kind, IdCardReaderDevice, IdCardReaderRole))
