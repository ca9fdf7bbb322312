"""Camera simulation: frames of phones held up to the kiosk's scanner camera, and labelled stills.

`phone.render_frame` draws one frame; `stills.write_still_set` writes a labelled set for the
decoder benchmark. The `kiosk-sim camera-stills` hooks live here so that kiosk-sim does not
import OpenCV for its other commands.
"""
from __future__ import annotations


def add_parser(sub) -> None:
    """`kiosk-sim camera-stills --out DIR --count N --seed S`."""
    cmd = sub.add_parser("camera-stills", help="labelled camera frames of phones with QR codes (PNGs + labels.json)")
    cmd.add_argument("--out", required=True, help="directory for the PNGs and labels.json")
    cmd.add_argument("--count", type=int, default=300, help="number of frames (default 300)")
    cmd.add_argument("--seed", type=int, default=1, help="the same seed gives the same frames")


def run(args) -> int:
    from sim.camera.stills import write_still_set
    frames = write_still_set(args.out, count=args.count, seed=args.seed)["frames"]
    readable = sum(any(f["readable"]) for f in frames)
    print(f"{len(frames)} frames ({readable} with a readable code) and labels.json in {args.out}")
    return 0
