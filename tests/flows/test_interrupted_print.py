"""A number is never issued twice: once any byte of it reached the printer, it is printed whole
or spoiled - even when the paper runs out mid-ticket or the kiosk is killed mid-print."""
import os
import signal
import subprocess
import sys
import textwrap
from datetime import timedelta

import pytest

from kiosk.config import load_config
from kiosk.flows import take_number as flow
from kiosk.events import PrintInterrupted
from kiosk.hall.model import TicketKind
from kiosk.hall.sqlite_hall import SqliteHall
from kiosk.wording import say
from sim.kiosk_sim import demo_clock
from sim.printer.transports import TcpPrinterServer
from sim.printer.virtual_printer import VirtualPrinter


def listen(kiosk) -> list:
    events = []
    kiosk.add_listener(events.append)
    return events


def numbers_on(slips) -> list[tuple[str, bool]]:
    return [(next((line for line in s.text_lines if line[:1] in "ACP" and line[1:].isdigit()), "?"), s.complete)
            for s in slips]


@pytest.mark.parametrize("fault", ["paper_out", "cover_open", "cutter_error"])
def test_the_same_number_is_printed_whole_once_the_printer_is_back(kiosk, wait_until, fault):
    printer, events = kiosk.simulators.printer, listen(kiosk)
    printer.fail_mid_ticket(fault)
    ticket = kiosk.take_number("SM001", TicketKind.ACCEPT)
    assert wait_until(lambda: any(isinstance(e, PrintInterrupted) for e in events)), "the citizen was never told"
    interrupted = next(e for e in events if isinstance(e, PrintInterrupted))
    assert interrupted.number == "A001" and say(interrupted.reason, "zh_CN")
    assert not ticket.done()                                 # the citizen is still waiting for it
    printer.set_state("ok")                                  # staff mend the printer
    assert ticket.result(timeout=10).number == "A001"
    assert numbers_on(printer.printed) == [("A001", False), ("A001", True)]
    assert printer.printed[1].qr_payloads[0] == ticket.result().ticket_id
    assert [t.number for t in kiosk.hall.tickets_today()] == ["A001"]
    assert kiosk.take_number("SM001", TicketKind.ACCEPT).result(timeout=10).number == "A002"


def test_a_roll_ending_as_the_ticket_starts_is_finished_on_the_new_roll(kiosk, wait_until):
    printer = kiosk.simulators.printer
    printer.paper_out_after = 1
    assert kiosk.take_number("SM001", TicketKind.ACCEPT).result(timeout=10).number == "A001"
    second = kiosk.take_number("SM001", TicketKind.CONSULT)
    assert wait_until(lambda: printer.state == "paper_out")
    printer.paper_out_after = None
    printer.set_state("ok")                                  # a new roll
    assert second.result(timeout=10).number == "C001"


def test_a_citizen_who_leaves_mid_print_spoils_the_number_and_it_is_never_reissued(kiosk, wait_until):
    printer, events = kiosk.simulators.printer, listen(kiosk)
    printer.fail_mid_ticket("paper_out")
    ticket = kiosk.take_number("SM001", TicketKind.ACCEPT)
    assert wait_until(lambda: any(isinstance(e, PrintInterrupted) for e in events))
    kiosk.end_session()                                      # Home, or the idle timeout
    assert wait_until(lambda: kiosk.hall.spoiled_today()), "the half-printed number was not spoiled"
    [spoiled] = kiosk.hall.spoiled_today()
    assert spoiled.number == "A001" and "left" in spoiled.reason
    assert ticket.cancelled()
    printer.set_state("ok")
    assert wait_until(lambda: kiosk.ticket_service().available)
    assert kiosk.take_number("SM001", TicketKind.ACCEPT).result(timeout=10).number == "A002"
    assert [t.number for t in kiosk.hall.tickets_today()] == ["A002"]
    assert numbers_on(printer.printed) == [("A001", False), ("A002", True)]


def test_a_printer_that_stays_down_ends_with_a_calm_sentence_and_a_spoiled_number(kiosk, wait_until, monkeypatch):
    monkeypatch.setattr(flow, "REPRINT_WAIT_S", 1.0)
    kiosk.simulators.printer.fail_mid_ticket("cover_open")
    with pytest.raises(flow.TicketNotFinished) as failure:
        kiosk.take_number("SM001", TicketKind.ACCEPT).result(timeout=10)
    assert "A001" in say(failure.value.message, "zh_CN") and "咨询台" in say(failure.value.message, "zh_CN")
    assert [e.number for e in kiosk.hall.spoiled_today()] == ["A001"]


def test_a_print_that_never_started_gives_the_number_back(kiosk, wait_until):
    printer = kiosk.simulators.printer
    printer.set_state("paper_out")
    assert wait_until(lambda: not kiosk.ticket_service().available)
    with pytest.raises(Exception):
        kiosk.take_number("SM001", TicketKind.ACCEPT).result(timeout=10)
    printer.set_state("ok")
    assert wait_until(lambda: kiosk.ticket_service().available)
    assert kiosk.take_number("SM001", TicketKind.ACCEPT).result(timeout=10).number == "A001"
    assert kiosk.hall.spoiled_today() == []


KIOSK_CHILD = textwrap.dedent("""
    import sys
    from kiosk.app import build_core
    from kiosk.config import load_config
    from sim.kiosk_sim import demo_clock
    db, port = sys.argv[1], int(sys.argv[2])
    config = load_config()
    config = config.with_devices(ticket_printer=config.devices["ticket_printer"].model_copy(
        update={"transport": "tcp", "host": "127.0.0.1", "tcp_port": port}), id_card_reader=None, ssc_reader=None,
        camera=None)
    config = config.model_copy(update={"kiosk": config.kiosk.model_copy(update={"database": db})})
    core = build_core(config, clock=demo_clock(config))
    core.take_number("SM001", "accept")
    print("taking a number", flush=True)
    import time
    time.sleep(600)
""")


def test_a_kiosk_killed_mid_print_never_reissues_the_number(tmp_path, wait_until):
    printer = VirtualPrinter()
    printer.fail_mid_ticket("paper_out")          # half a slip comes out; the kiosk waits for paper
    server = TcpPrinterServer(printer)
    port = server.start()
    db = tmp_path / "hall.sqlite"
    child = subprocess.Popen([sys.executable, "-c", KIOSK_CHILD, str(db), str(port)],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                             env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    try:
        assert wait_until(lambda: printer.printed, timeout=20), "the kiosk never started printing"
        os.kill(child.pid, signal.SIGKILL)                   # power lost with half a slip out
        child.wait(timeout=10)
    finally:
        if child.poll() is None:
            child.kill()
        server.stop()
    assert numbers_on(printer.printed) == [("A001", False)]
    config = load_config()
    clock = demo_clock(config)
    later = lambda: clock() + timedelta(minutes=3)           # past the hall's reservation timeout
    hall = SqliteHall(config, db, clock=later)
    try:
        from kiosk.hall.model import Citizen, TicketRequest
        request = TicketRequest("SM001", TicketKind.ACCEPT, Citizen(), "kiosk-1", "after-restart")
        assert hall.reserve_ticket(request).ticket.number == "A002"    # A001 is not handed out again
        assert [e.number for e in hall.spoiled_today()] == ["A001"]
        assert "stale" in hall.spoiled_today()[0].reason
    finally:
        hall.close()
