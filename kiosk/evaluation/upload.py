"""Uploading evaluations to the province's 好差评 system, through a plug-in, exactly once.

A plug-in is any class with `upload(payload: dict) -> None` built from the kiosk's
`evaluation.upload` settings (kiosk.yaml): `http` is built in, `none` keeps evaluations on
the kiosk, and `package.module:Class` loads a province's own. `upload` returns when the
province has the evaluation, raises UploadFailed when it should be tried again later (down,
slow, busy) and UploadRejected when it never will be (the province refuses that evaluation).

Exactly once rests on the evaluation's id: it is the Idempotency-Key of every attempt, so an
attempt whose answer was lost is repeated and the province keeps the first copy only. The
Sender marks an evaluation uploaded only after the province's answer.
"""
from __future__ import annotations

import importlib
import logging
import random
import threading
import time
from typing import Protocol

from kiosk.evaluation.outbox import Outbox

log = logging.getLogger(__name__)


class UploadFailed(Exception):
    """Try again later: the province could not be reached or did not answer in time."""


class UploadRejected(Exception):
    """The province refused this evaluation and always will (kept on the kiosk, counted)."""


class Uploader(Protocol):
    def upload(self, payload: dict) -> None: ...


class HttpUploader:
    """POST the evaluation as JSON; 2xx, or 409 (already have it), means the province has it."""

    def __init__(self, settings):
        import requests
        self._requests = requests
        self.url, self.timeout_s = settings.url, settings.timeout_s
        self._http = requests.Session()
        if settings.token:
            self._http.headers["Authorization"] = f"Bearer {settings.token}"

    def upload(self, payload: dict) -> None:
        try:
            answer = self._http.post(self.url, json=payload, timeout=(min(self.timeout_s, 3.0), self.timeout_s),
                                     headers={"Idempotency-Key": payload["evaluation_id"]})
        except self._requests.RequestException as e:
            raise UploadFailed(type(e).__name__) from None
        if answer.ok or answer.status_code == 409:
            return
        if answer.status_code in (408, 429) or answer.status_code >= 500:
            raise UploadFailed(f"HTTP {answer.status_code}")
        raise UploadRejected(f"HTTP {answer.status_code}: {answer.text[:200]}")

    def close(self) -> None:
        self._http.close()


def load_uploader(settings) -> Uploader | None:
    """The configured plug-in (None: `none`, evaluations stay on the kiosk)."""
    if settings.plugin == "none":
        return None
    if settings.plugin == "http":
        return HttpUploader(settings)
    module, _, name = settings.plugin.partition(":")
    return getattr(importlib.import_module(module), name)(settings)


class Sender:
    """A thread that uploads what waits in the outbox, oldest first.

    A failure pauses all uploading by a backoff that doubles with each failure in a row
    (first_s … most_s, with jitter so a hall's kiosks do not all retry together): when the
    province is down, there is no point trying the next evaluation at once. `wake()` after a
    new evaluation sends it without waiting for the next round."""

    def __init__(self, outbox: Outbox, uploader: Uploader, *, first_s: float = 2.0, most_s: float = 600.0,
                 idle_s: float = 60.0):
        self.outbox, self.uploader = outbox, uploader
        self.first_s, self.most_s, self.idle_s = first_s, most_s, idle_s
        self._failures = 0                      # failed attempts in a row
        self._paused_until = 0.0
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="evaluation-upload", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def wake(self) -> None:
        self._wake.set()

    def retry_now(self) -> None:
        """The technician has fixed the network: try at once, not at the end of the backoff."""
        self._paused_until = 0.0
        self.outbox.retry_now()
        self._wake.set()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        self._thread.join(timeout=10)
        close = getattr(self.uploader, "close", None)
        if close:
            close()

    def backoff(self, attempts: int) -> float:
        return min(self.most_s, self.first_s * 2 ** (attempts - 1)) * random.uniform(0.75, 1.0)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self.send_due()
            except Exception:
                log.exception("uploading evaluations failed; trying again later")
            self._wake.wait(self._sleep())
            self._wake.clear()

    def _sleep(self) -> float:
        when = self.outbox.next_due()
        when = None if when is None else max(when, self._paused_until)
        return self.idle_s if when is None else min(self.idle_s, max(0.05, when - time.time()))

    def send_due(self) -> int:
        """One round: upload what is due until something fails. Returns how many went."""
        sent = 0
        while not self._stop.is_set() and time.time() >= self._paused_until:
            batch = self.outbox.due()
            if not batch:
                return sent
            for payload in batch:
                if self._stop.is_set():
                    return sent
                evaluation_id = payload["evaluation_id"]
                try:
                    self.uploader.upload(payload)
                except UploadRejected as e:
                    log.error("the province refused evaluation %s: %s", evaluation_id, e)
                    self.outbox.rejected(evaluation_id, str(e))
                    continue
                except Exception as e:      # UploadFailed, or a plug-in's own trouble: later
                    self._failures += 1
                    wait = self.backoff(self._failures)
                    if self._failures == 1 or self._failures % 10 == 0:    # not a line per retry
                        log.warning("evaluation upload failed (%s, %d in a row); trying again in %.0f s",
                                    e, self._failures, wait)
                    self._paused_until = time.time() + wait
                    self.outbox.failed(evaluation_id, str(e) or type(e).__name__, self._paused_until)
                    return sent
                self.outbox.uploaded(evaluation_id)
                if self._failures:
                    log.info("evaluations upload again after %d failed attempts", self._failures)
                self._failures = 0
                sent += 1
        return sent
