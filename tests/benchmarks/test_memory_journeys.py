"""Memory of the kiosk process after 1,000 take-a-number journeys vs after 10.

The printer simulator runs in its own process (`kiosk-sim printer --tcp 0`) so its rendered
tickets do not count against the kiosk; the kiosk core runs here with the real driver over TCP,
the embedded hall and a session wiped after every journey, as the idle timeout would.

Run for figures:  .venv/bin/python tests/benchmarks/test_memory_journeys.py
"""
from __future__ import annotations

import gc
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from kiosk.config import load_config  # noqa: E402
from kiosk.hall.model import TicketKind  # noqa: E402


def printer_process(out_dir: Path) -> tuple[subprocess.Popen, int]:
    log = out_dir.parent / "printer.log"     # a file, not a pipe: an unread pipe fills and stalls the printer
    proc = subprocess.Popen([sys.executable, "-m", "sim.cli", "printer", "--tcp", "0", "--out", str(out_dir)],
                            stdin=subprocess.PIPE, stdout=log.open("w"), text=True)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        match = re.search(r"printer tcp: [\d.]+:(\d+)", log.read_text())
        if match:
            return proc, int(match.group(1))
        time.sleep(0.05)
    proc.kill()
    raise RuntimeError(f"printer simulator did not start: {log.read_text()!r}")


def measure(work: Path, journeys: int, baseline_after: int = 10) -> dict[str, float]:
    from kiosk.app import build_core
    from sim.kiosk_sim import demo_clock
    proc, port = printer_process(work / "tickets")
    config = load_config()
    printer = config.devices["ticket_printer"].model_copy(update={"transport": "tcp", "host": "127.0.0.1", "tcp_port": port})
    config = config.with_devices(ticket_printer=printer)
    config = config.model_copy(update={"kiosk": config.kiosk.model_copy(update={"database": str(work / "hall.sqlite")})})
    core = build_core(config, clock=demo_clock(config))
    items = [item.code for item in core.catalogue.items if TicketKind.CONSULT in item.kinds]
    me = psutil.Process()
    rss = {}
    try:
        for n in range(1, journeys + 1):
            core.catalogue.search("sbk")                        # what a citizen types on the way
            core.take_number(items[n % len(items)], TicketKind.CONSULT).result(timeout=10)
            core.end_session()
            if n in (baseline_after, journeys):
                gc.collect()
                rss[n] = me.memory_info().rss / 2**20
    finally:
        core.stop()
        proc.stdin.close()
        proc.kill()
    return {f"RSS after {baseline_after} journeys, MiB": rss[baseline_after],
            f"RSS after {journeys} journeys, MiB": rss[journeys],
            "ratio": rss[journeys] / rss[baseline_after]}


def test_journeys_run_with_printer_in_its_own_process(tmp_path):
    measure(tmp_path, journeys=30)
    assert len(list((tmp_path / "tickets").glob("*.png"))) == 30


if __name__ == "__main__":
    with tempfile.TemporaryDirectory() as tmp:
        for name, value in measure(Path(tmp), journeys=1000).items():
            print(f"{name:34} {value:8.2f}")
