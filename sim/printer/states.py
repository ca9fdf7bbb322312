"""The states a virtual printer can be put in, and the DLE EOT bytes each one answers.

The bytes are built with the driver's own `encode_status_byte`, so the simulator and the driver
share one definition of the status frame.
"""
from __future__ import annotations

from drivers.printer.status import encode_status_byte

PRINTER_STATES = ("ok", "paper_near_end", "paper_out", "cover_open", "offline", "cutter_error")
# In these states a real printer stops: whatever arrives is not printed.
STOPPED_STATES = frozenset({"paper_out", "cover_open", "offline", "cutter_error"})


def status_bytes_for(state: str) -> dict[int, int]:
    """Answers to DLE EOT 1..4 as a real printer gives them in `state` (Epson TM-T88 behaviour:
    any stop also sets the offline bit of n=1, and a paper end also trips the near-end sensor)."""
    if state not in PRINTER_STATES:
        raise ValueError(f"unknown printer state {state!r}; known: {', '.join(PRINTER_STATES)}")
    return {
        1: encode_status_byte(1, offline=state in STOPPED_STATES, waiting_recovery=state == "cutter_error"),
        2: encode_status_byte(2, cover_open=state == "cover_open", paper_end_stop=state == "paper_out",
                              error=state == "cutter_error"),
        3: encode_status_byte(3, cutter_error=state == "cutter_error"),
        4: encode_status_byte(4, paper_near_end=state in ("paper_near_end", "paper_out"),
                              paper_out=state == "paper_out"),
    }
