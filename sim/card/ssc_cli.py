"""Put a citizen's simulated social-security card into pcscd's virtual reader, for a demo or a
technician's test read:

    .venv/bin/python -m sim.card.ssc_cli elder_zhang                 # until Ctrl-C
    .venv/bin/python -m sim.card.ssc_cli student_li --slot 1 --seconds 20
    .venv/bin/python -m sim.card.ssc_cli young_wang --pull-after 5   # pulled mid-read
    .venv/bin/python -m sim.card.ssc_cli young_wang --mute           # inserted upside down

Starts pcscd if it is not running (and stops it again on exit).
"""
from __future__ import annotations

import argparse
import time

from sim.card.ssc_pcscd import VIRTUAL_READER, VIRTUAL_READER_SLOT1, ensure_pcscd, wait_for_slot
from sim.card.ssc_scenario import SscCardScenario, SscFaultsScenario
from sim.citizens import load_citizens


def main(argv: list[str] | None = None) -> int:
    citizens = load_citizens()
    holders = [k for k, c in citizens.items() if c.ssc_generation]
    parser = argparse.ArgumentParser(description="Insert a simulated social-security card.")
    parser.add_argument("citizen", choices=holders)
    parser.add_argument("--slot", type=int, choices=(0, 1), default=0)
    parser.add_argument("--seconds", type=float, default=0, help="remove after this long (0: until Ctrl-C)")
    parser.add_argument("--pull-after", type=int, default=None, metavar="N", help="leave after N APDUs")
    parser.add_argument("--mute", action="store_true", help="no ATR, as if upside down")
    args = parser.parse_args(argv)
    scenario = SscCardScenario(citizen=args.citizen, slot=args.slot,
                               faults=SscFaultsScenario(pull_after_apdus=args.pull_after, mute=args.mute))
    ensure_pcscd()
    card = scenario.make_card(citizens)
    reader = VIRTUAL_READER_SLOT1 if args.slot else VIRTUAL_READER
    card.insert(scenario.port)
    wait_for_slot(reader, occupied=True)
    print(f"card of {args.citizen} (layout {card.applet.files[5].by_tag(3)[2:].decode()}) is in {reader!r}")
    try:
        deadline = time.monotonic() + args.seconds if args.seconds else None
        while card.inserted and (deadline is None or time.monotonic() < deadline):
            time.sleep(0.1)
    except KeyboardInterrupt:
        pass
    card.remove()
    print(f"card removed after {len(card.apdus_seen)} APDUs")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
