"""kiosk-sim: run device simulators and the screenshot tour without any hardware.

    kiosk-sim printer --pty            a virtual ESC/POS printer on a pseudo-terminal
    kiosk-sim tour --out DIR           walk every screen offscreen; PNGs + tour.json in DIR, and the hall
                                       server's /window and /display in DIR/hall-pages (headless chromium)
    kiosk-sim camera-stills --out DIR  labelled camera frames of phones showing QR codes (--count, --seed)
    kiosk-sim appointment --qr FILE    book a demo appointment; its token as JSON, its QR code as PNG
"""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path


def main(argv=None) -> int:
    from drivers.printer.escpos_cache import use_capabilities_cache
    use_capabilities_cache()
    from sim.printer import cli as printer_cli
    p = argparse.ArgumentParser(prog="kiosk-sim", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="command", required=True)
    printer_cli.add_parser(sub)
    import sim.camera as camera_stills
    camera_stills.add_parser(sub)
    from sim.appointments import cli as appointment_cli
    appointment_cli.add_parser(sub)
    from sim.hall_day import run as hall_day
    hall_day.add_parser(sub)
    tour = sub.add_parser("tour", help="screenshot tour: every screen and printed ticket as PNG, plus tour.json")
    tour.add_argument("--out", required=True, help="directory for the PNGs and tour.json")
    tour.add_argument("--orientation", choices=["portrait", "landscape", "both"], default="portrait")
    tour.add_argument("--no-hall-pages", action="store_true",
                      help="skip the hall server's staff pages (photographed in headless chromium)")
    args = p.parse_args(argv)

    if args.command == "printer":
        return printer_cli.run(args)
    if args.command == "camera-stills":
        return camera_stills.run(args)
    if args.command == "appointment":
        return appointment_cli.run(args)
    if args.command == "hall-day":
        return args.run(args)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from sim.tour import run_tour
    orientations = ["portrait", "landscape"] if args.orientation == "both" else [args.orientation]
    for orientation in orientations:
        out = Path(args.out) / orientation if len(orientations) > 1 else Path(args.out)
        manifest = run_tour(out, orientation=orientation)
        print(f"{orientation}: {len(manifest.get('entries', manifest))} images in {out}")
    if not args.no_hall_pages:       # kiosk-hall's /window and /display, as staff and the hall see them
        try:
            from sim import hall_pages_tour
            files = hall_pages_tour.run(Path(args.out) / "hall-pages")
            print(f"hall pages: {', '.join(str(f) for f in files.values())}")
        except Exception as e:       # no chromium or selenium here: the kiosk's own tour still stands
            print(f"hall pages not photographed ({e}): they need chromium, chromium-driver and selenium, "
                  "which ./quickstart.sh test installs", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
