"""How big a queue ticket is on the wire, and how long printing one takes over a serial line.

Text mode with a native QR code should stay under 2 KB, so a ticket is out in well under a
second even on a 9600-baud line; a ticket drawn entirely as an image would be tens of KB.
print_ticket is timed over a real pty to the virtual printer: status check, every byte written
and drained, status read back (which waits for the simulator to draw the PNG at the cut).

Run for figures:  .venv/bin/python tests/benchmarks/test_ticket_bytes.py
In the suite (benchmarks disabled) each measurement runs once; nothing here fails on timing.
"""
from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))   # so the script runs on its own

from drivers.printer.raster import image_to_raster  # noqa: E402
from drivers.printer.ticket_layout import PaperProfile, compose_ticket, example_fields, load_template  # noqa: E402
from drivers.printer.ticket_printer import TicketPrinter  # noqa: E402
from sim.printer.transports import PtyPrinterServer  # noqa: E402
from sim.printer.virtual_printer import VirtualPrinter  # noqa: E402


def ticket_sizes() -> dict[str, int]:
    template, profile = load_template(), PaperProfile()
    text = compose_ticket(template, example_fields(), profile)
    rare = compose_ticket(template, example_fields(item_name="䶮氏宗祠登记"), profile)
    rated = compose_ticket(template, example_fields(
        evaluation_url="https://hcp.example.gov.cn/rate?hall=dg-ssl&ticket=T20240506-dg-ssl-A012-7f3a"), profile)
    # For comparison: the whole ticket as one image, as a driver without Chinese text would send it.
    printer = VirtualPrinter()
    printer.feed(text)
    whole_image = len(image_to_raster(printer.printed[0].image))
    return {"text mode with QR": len(text), "with one raster line (䶮)": len(rare),
            "with the 好差评 QR and its caption": len(rated),
            "whole ticket as a raster image": whole_image}


def test_ticket_bytes():
    sizes = ticket_sizes()
    for name, size in sizes.items():
        print(f"ticket bytes, {name}: {size}")
    # Not a timing: the figure the issue promises, kept honest where it is measured.
    assert sizes["text mode with QR"] <= 2048 and sizes["with the 好差评 QR and its caption"] <= 2048


def test_compose_ticket(benchmark):
    template, profile, fields = load_template(), PaperProfile(), example_fields()
    data = benchmark(compose_ticket, template, fields, profile)
    printer = VirtualPrinter()
    printer.feed(data)                       # what was timed prints the right ticket
    [ticket] = printer.printed
    assert fields["number"] in ticket.text_lines and ticket.qr_payloads == [fields["ticket_id"]]


def test_print_ticket_over_pty(benchmark):
    data = compose_ticket(load_template(), example_fields(), PaperProfile())
    server = PtyPrinterServer(VirtualPrinter())
    driver = TicketPrinter.open_serial(server.start())
    try:
        status = benchmark(driver.print_ticket, data)
        assert status.ready
    finally:
        driver.close()
        server.stop()


def _median_ms(fn, runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


if __name__ == "__main__":
    for name, size in ticket_sizes().items():
        print(f"ticket bytes, {name}: {size}")
    template, profile, fields = load_template(), PaperProfile(), example_fields()
    print(f"compose_ticket median: {_median_ms(lambda: compose_ticket(template, fields, profile), 200):.2f} ms")
    data = compose_ticket(template, fields, profile)
    server = PtyPrinterServer(VirtualPrinter())
    driver = TicketPrinter.open_serial(server.start())
    driver.print_ticket(data)    # warm the simulator's glyph cache
    print(f"status() over pty median: {_median_ms(driver.status, 200):.3f} ms")
    print(f"print_ticket over pty median: {_median_ms(lambda: driver.print_ticket(data), 50):.1f} ms")
    driver.close()
    server.stop()
