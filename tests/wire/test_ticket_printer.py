"""The real TicketPrinter driver against the virtual printer over a real pty and a real TCP port."""
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from PIL import Image
from pyzbar.pyzbar import decode as scan

from drivers.printer.errors import PrinterNotReady, PrinterOffline, PrinterProtocolError
from drivers.printer.ticket_layout import PaperProfile, compose_ticket, example_fields, load_template
from drivers.printer.ticket_printer import TicketPrinter
from kiosk.wording import say
from sim.printer.states import PRINTER_STATES
from sim.printer.transports import PtyPrinterServer, TcpPrinterServer
from sim.printer.virtual_printer import VirtualPrinter

pytestmark = pytest.mark.wire
PROJECT = Path(__file__).resolve().parents[2]


def ticket(**overrides) -> bytes:
    return compose_ticket(load_template(), example_fields(**overrides), PaperProfile())


@pytest.mark.parametrize("state", PRINTER_STATES)
def test_status_in_every_state(printer_on_wire, state):
    printer_on_wire.printer.set_state(state)
    status = printer_on_wire.driver.status()
    assert status.ready == (state in ("ok", "paper_near_end"))
    assert status.paper == {"paper_near_end": "near_end", "paper_out": "out"}.get(state, "ok")
    assert status.cover_open == (state == "cover_open")
    assert status.cutter_error == (state == "cutter_error")
    assert status.online == (state in ("ok", "paper_near_end"))


def test_a_printed_ticket_scans_and_reads_right(printer_on_wire):
    status = printer_on_wire.driver.print_ticket(ticket(number="C031", item_name="居住证申领",
                                                        ticket_id="T-2024-C031-9d2e"))
    assert status.ready
    [printed] = printer_on_wire.printer.wait_for_tickets(1)
    assert printed.png_path.is_file()
    # Scan the PNG a person would look at: the QR really carries the ticket id.
    assert [code.data.decode() for code in scan(Image.open(printed.png_path))] == ["T-2024-C031-9d2e"]
    assert "C031" in printed.text_lines
    assert any("居住证申领" in line for line in printed.text_lines)


def test_the_evaluation_qr_and_its_caption_are_printed_only_with_an_address(printer_on_wire):
    url = "https://hcp.example.gov.cn/rate?hall=dg-ssl&ticket=T-2024-C031-9d2e"
    printer_on_wire.driver.print_ticket(ticket(ticket_id="T-2024-C031-9d2e", evaluation_url=url))
    printer_on_wire.driver.print_ticket(ticket(ticket_id="T-2024-C032-0a1b"))
    with_url, without = printer_on_wire.printer.wait_for_tickets(2)
    assert sorted(c.data.decode() for c in scan(Image.open(with_url.png_path))) == ["T-2024-C031-9d2e", url]
    assert any("扫码评价本次服务" in line for line in with_url.text_lines)
    assert [c.data.decode() for c in scan(Image.open(without.png_path))] == ["T-2024-C032-0a1b"]
    assert not any("扫码评价" in line for line in without.text_lines)


def test_a_rare_name_character_arrives_as_one_raster_line(printer_on_wire):
    printer_on_wire.driver.print_ticket(ticket(item_name="䶮氏宗祠登记"))
    [printed] = printer_on_wire.printer.wait_for_tickets(1)
    assert printed.rasters == 1
    assert not any("宗祠" in line for line in printed.text_lines)     # drawn, not sent as text
    assert "A012" in printed.text_lines
    assert [c.data.decode() for c in scan(Image.open(printed.png_path))] == [example_fields()["ticket_id"]]


def test_paper_out_refuses_with_a_reason_and_a_new_roll_prints_again(printer_on_wire):
    vp, driver = printer_on_wire.printer, printer_on_wire.driver
    vp.set_state("paper_out")
    with pytest.raises(PrinterNotReady) as e:
        driver.print_ticket(ticket())
    assert e.value.status.paper == "out" and not e.value.during_print
    assert say(e.value.message, "zh_CN") == "打印纸用完了，请工作人员换纸"
    assert vp.printed == []
    vp.set_state("ok")
    assert driver.status().ready
    driver.print_ticket(ticket())
    assert len(vp.wait_for_tickets(1)) == 1


@pytest.mark.parametrize("state, words", [("cover_open", "盖子"), ("offline", "没有准备好")])
def test_other_stops_refuse_with_their_own_reason(printer_on_wire, state, words):
    printer_on_wire.printer.set_state(state)
    with pytest.raises(PrinterNotReady) as e:
        printer_on_wire.driver.print_ticket(ticket())
    assert words in say(e.value.message, "zh_CN") and say(e.value.message, "en")


@pytest.mark.parametrize("kind", ["pty", "tcp"])
def test_paper_running_out_during_a_ticket_is_reported_after_printing(connect_printer, kind):
    vp = VirtualPrinter(paper_out_after=1)
    driver = connect_printer(kind, vp)
    driver.print_ticket(ticket())
    with pytest.raises(PrinterNotReady) as e:
        driver.print_ticket(ticket(number="A013"))
    assert e.value.during_print and e.value.status.paper == "out"
    assert [t.text_lines[4] for t in vp.printed] == ["A012"]     # the second never came out


@pytest.mark.parametrize("kind", ["pty", "tcp"])
def test_a_cutter_jam_is_reported_after_printing(connect_printer, kind):
    vp = VirtualPrinter(cutter_error_after=1)
    driver = connect_printer(kind, vp)
    with pytest.raises(PrinterNotReady) as e:
        driver.print_ticket(ticket())
    assert e.value.during_print and e.value.status.cutter_error
    assert "切纸" in say(e.value.message, "zh_CN")
    assert len(vp.printed) == 1


@pytest.mark.parametrize("kind", ["pty", "tcp"])
@pytest.mark.parametrize("fault", ["paper_out", "cover_open"])
def test_a_printer_stopping_mid_ticket_leaves_half_a_slip_and_says_so(connect_printer, kind, fault):
    vp = VirtualPrinter()
    driver = connect_printer(kind, vp)
    vp.fail_mid_ticket(fault, after_bytes=200)
    sent = []
    with pytest.raises(PrinterNotReady) as e:
        driver.print_ticket(ticket(number="A013"), before_send=lambda: sent.append(True))
    assert sent == [True]                          # the caller heard before the first byte left
    assert e.value.during_print and not e.value.status.ready
    [half] = vp.wait_for_tickets(1)
    assert not half.complete
    assert "A013" in half.text_lines               # the number is on the torn-off half...
    assert half.qr_payloads == []                  # ...the QR code at the bottom never came
    vp.set_state("ok")
    driver.print_ticket(ticket(number="A013"))     # printed whole once the printer is back
    assert vp.wait_for_tickets(2)[1].complete and "A013" in vp.printed[1].text_lines


@pytest.mark.parametrize("kind", ["pty", "tcp"])
def test_a_cutter_jamming_mid_ticket_leaves_it_printed_but_uncut(connect_printer, kind):
    vp = VirtualPrinter()
    driver = connect_printer(kind, vp)
    vp.fail_mid_ticket("cutter_error")
    with pytest.raises(PrinterNotReady) as e:
        driver.print_ticket(ticket())
    assert e.value.during_print and e.value.status.cutter_error
    [uncut] = vp.wait_for_tickets(1)
    assert not uncut.complete and uncut.qr_payloads == [example_fields()["ticket_id"]]


@pytest.mark.parametrize("kind", ["pty", "tcp"])
def test_nothing_is_sent_when_the_caller_refuses_before_the_first_byte(connect_printer, kind):
    vp = VirtualPrinter()
    driver = connect_printer(kind, vp)

    def hall_says_no():
        raise RuntimeError("reservation swept")
    with pytest.raises(RuntimeError):
        driver.print_ticket(ticket(), before_send=hall_says_no)
    time.sleep(0.2)
    assert vp.printed == [] and driver.status().ready


@pytest.mark.parametrize("kind", ["pty", "tcp"])
@pytest.mark.parametrize("reply", [b"OK\r\n", b"HTTP/1.0 400 Bad Request\r\n\r\n", b"\x00\x00\x00\x00"])
def test_a_peer_answering_garbage_is_a_protocol_error(fake_peer, kind, reply):
    driver = fake_peer(kind, reply)
    with pytest.raises(PrinterProtocolError):
        driver.status()
    with pytest.raises(PrinterProtocolError):
        driver.print_ticket(ticket())


@pytest.mark.parametrize("kind", ["pty", "tcp"])
def test_a_silent_peer_is_offline_within_the_timeout(fake_peer, wire_timeout, kind):
    driver = fake_peer(kind, b"")
    started = time.monotonic()
    with pytest.raises(PrinterOffline) as e:
        driver.status()
    elapsed = time.monotonic() - started
    assert wire_timeout * 0.9 <= elapsed < wire_timeout + 0.5
    assert "没有响应" in say(e.value.message, "zh_CN")


def test_tcp_printer_stopped_then_restarted_on_the_same_port(virtual_printer, wire_timeout):
    server = TcpPrinterServer(virtual_printer)
    port = server.start()
    driver = TicketPrinter.open_tcp("127.0.0.1", port, timeout=wire_timeout)
    try:
        assert driver.status().ready
        server.stop()
        with pytest.raises(PrinterOffline):
            driver.status()
        with pytest.raises(PrinterOffline):
            driver.print_ticket(ticket())
        server = TcpPrinterServer(virtual_printer, port=port)
        server.start()
        assert driver.status().ready            # the same driver object, no reopening
        driver.print_ticket(ticket())
        assert len(virtual_printer.wait_for_tickets(1)) == 1
    finally:
        driver.close()
        server.stop()


def test_serial_adapter_unplugged_and_plugged_back(virtual_printer, wire_timeout, tmp_path):
    # udev gives a re-plugged adapter the same stable name: a symlink stands in for it here.
    stable = tmp_path / "ttyPRINTER"
    first = PtyPrinterServer(virtual_printer)
    os.symlink(first.start(), stable)
    driver = TicketPrinter.open_serial(str(stable), timeout=wire_timeout)
    second = PtyPrinterServer(virtual_printer)
    try:
        assert driver.status().ready
        first.stop()
        stable.unlink()
        with pytest.raises(PrinterOffline):
            driver.status()
        os.symlink(second.start(), stable)
        assert driver.status().ready
        driver.print_ticket(ticket())
        assert len(virtual_printer.wait_for_tickets(1)) == 1
    finally:
        driver.close()
        first.stop()
        second.stop()


def test_a_missing_port_does_not_stop_the_kiosk_from_starting(wire_timeout, tmp_path):
    driver = TicketPrinter.open_serial(str(tmp_path / "ttyUSB9"), timeout=wire_timeout)
    with pytest.raises(PrinterOffline) as e:
        driver.status()
    assert "ttyUSB9" in str(e.value) and say(e.value.message, "en")
    driver.close()


def test_simulator_cli_serves_and_takes_state_changes_from_stdin(tmp_path):
    proc = subprocess.Popen([sys.executable, "-m", "sim.printer.cli", "--tcp", "0", "--out", str(tmp_path)],
                            cwd=PROJECT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    driver = None
    try:
        first = proc.stdout.readline()
        assert first.startswith("printer tcp: 127.0.0.1:"), first
        proc.stdout.readline()                               # the help line
        driver = TicketPrinter.open_tcp("127.0.0.1", int(first.rsplit(":", 1)[1]), timeout=2.0)
        assert driver.status().ready
        proc.stdin.write("cover_open\n")
        proc.stdin.flush()
        assert proc.stdout.readline().strip() == "state: cover_open"
        assert driver.status().cover_open
        proc.stdin.write("ok\n")
        proc.stdin.flush()
        proc.stdout.readline()
        driver.print_ticket(ticket())
        assert proc.stdout.readline().startswith(f"ticket printed: {tmp_path / 'ticket-0001.png'}")
        proc.stdin.write("quit\n")
        proc.stdin.flush()
        assert proc.wait(timeout=10) == 0
    finally:
        if driver:
            driver.close()
        if proc.poll() is None:
            proc.kill()
            proc.wait()
