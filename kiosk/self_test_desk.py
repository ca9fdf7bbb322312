"""The kiosk's self-tests (kiosk.selftest's three levels) on its running devices: an internal and
external run 12 s after start-up and on 立即自检, and each device's interactive test; every
result in the health timeline, a failed run named in the log."""
from __future__ import annotations

import logging
import threading
import time
from concurrent.futures import Future
from datetime import datetime
from typing import Callable

from kiosk import selftest
from kiosk.timeline import SELF_TEST, SELF_TEST_FAILED
from kiosk.wording import NOTHING, Sentence

log = logging.getLogger(__name__)


def printed_judged(_) -> tuple[bool, Sentence, str]:
    return True, NOTHING, "test slip printed: look at it"


def read_judged(summary) -> tuple[bool, Sentence, str]:
    """A test read passes when a card was read (its masked summary), not when none came."""
    return (True, NOTHING, "a card was read") if summary else (False, Sentence("10 秒内没有检测到卡片。"), "no card within 10 s")


class SelfTestDesk:
    def __init__(self, core):
        self.core = core
        self.latest: tuple[datetime, list[selftest.SelfTest]] | None = None     # the latest run: when, what

    def run(self) -> Future:
        """Every device's internal and external self-test, on a thread of its own."""
        done: Future = Future()

        def run() -> None:
            try:
                done.set_result(self._run())
            except Exception as e:
                log.exception("self-test failed to run")
                done.set_exception(e)
        threading.Thread(target=run, name="self-test", daemon=True).start()
        return done

    def _run(self) -> list[selftest.SelfTest]:
        core = self.core
        results = selftest.run_all(core.roles, lambda role: role.check_now().result(timeout=10))
        for r in results:
            core.timeline.note(r.role, r.name, SELF_TEST if r.passed else SELF_TEST_FAILED, r.said())
        failed = [f"{r.role} {r.level}: {r.detail}" for r in results if not r.passed]
        log.log(logging.WARNING if failed else logging.INFO, "self-test: %d of %d passed%s", len(results) - len(failed),
                len(results), "; failed: " + "; ".join(failed) if failed else "")
        self.latest = (core.clock(), results)
        return results

    def interactive(self, role_name: str) -> Future:
        """One device's interactive self-test, for a person to look at the result: a test slip, a
        test form page (the calibration sheet with the correction in use), a test read, a test
        scan (any QR code held up: its size, never its content), a test door on an empty cell
        only (in the locker audit as the technician's). The future gives the SelfTest."""
        core = self.core
        role = core.roles[role_name]
        if role is core.printer:
            return self.journal(role, core.test_print(journal=False), printed_judged)
        if role in core.card_readers:
            return self.journal(role, core.test_read(role.name, journal=False), read_judged)
        if role is core.form_printer:
            c = core.form_printer.calibration
            return self.journal(role, core.print_calibration_sheet(c.dx_mm, c.dy_mm, c.scale),
                                lambda job: (True, NOTHING, f"test form page printed ({job}): look at it"))
        if role is core.camera:
            return self.journal(role, core.camera.test_scan(), lambda seen: (
                (True, NOTHING, f"a code of {seen[0]} bytes read in {seen[1]} ms") if seen
                else (False, Sentence("15 秒内没有扫到二维码"), "no code within 15 s")))
        if core.lockers is not None and role.name in core.lockers.buses:
            from kiosk.core import TECHNICIAN
            return self.journal(role, core.lockers.test_door(role.name, TECHNICIAN),
                                lambda door: (door.opened, NOTHING if door.opened else Sentence("柜门没有打开"),
                                              f"cell {door.cell}: {'seen open' if door.opened else door.detail}"))
        none: Future = Future()
        none.set_exception(ValueError(f"no interactive test for {role.kind}"))
        return self.journal(role, none, lambda _: (False, NOTHING, ""))

    def journal(self, role, future: Future, judged: Callable[[object], tuple[bool, Sentence, str]]) -> Future:
        """A SelfTest (level interactive) from the future of what the device was asked to do,
        noted in the timeline when it settles."""
        started, result = time.perf_counter(), Future()

        def settled(f: Future) -> None:
            error = None if f.cancelled() else f.exception()
            if f.cancelled() or error is not None:
                passed, message, detail = False, getattr(error, "message", None) or Sentence("测试没有完成"), \
                    f"{type(error).__name__}: {error}"
            else:
                passed, message, detail = judged(f.result())
            test = selftest.SelfTest(role.name, role.health.name, "interactive", passed, message, detail,
                                     (time.perf_counter() - started) * 1000)
            self.core.timeline.note(role.name, test.name, SELF_TEST if passed else SELF_TEST_FAILED, test.said())
            result.set_result(test)
        future.add_done_callback(settled)
        return result
