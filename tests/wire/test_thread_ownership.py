"""A driver belongs to the thread that first used it; a screen's QObject to the Qt thread.
Breaking either rule raises WrongThread at once (and the suite's autouse check in
tests/conftest.py fails any test where it happened, even if something caught it)."""
from __future__ import annotations

import drivers.one_thread as driver_rule
from drivers.one_thread import WrongThread
from drivers.printer.ticket_printer import TicketPrinter
from sim.printer.transports import TcpPrinterServer
from sim.printer.virtual_printer import VirtualPrinter


def test_a_printer_driver_used_from_a_second_thread_refuses_before_a_byte_moves(on_another_thread):
    printer = VirtualPrinter()
    server = TcpPrinterServer(printer)
    port = server.start()
    driver = TicketPrinter.open_tcp("127.0.0.1", port)
    try:
        assert driver.status().ready                       # this thread owns it now
        error = on_another_thread(driver.status)
        assert isinstance(error, WrongThread)
        assert "TicketPrinter.status called on thread 'not-the-owner'" in str(error)
        assert driver.status().ready                       # the owner carries on
        assert driver_rule.violations
    finally:
        del driver_rule.violations[:]                      # this one was on purpose
        driver.close()
        server.stop()
