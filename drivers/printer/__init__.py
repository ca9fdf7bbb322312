"""ESC/POS ticket printer: status bytes, ticket layout, and the driver over serial, USB and TCP."""
import os as _os
from pathlib import Path as _Path

# python-escpos parses its 400 KB capabilities file with YAML on every import (~0.45 s) unless it
# finds a pickle in ESCPOS_CAPABILITIES_PICKLE_DIR; unset, it also leaves a new temp dir behind
# each time. A fixed cache directory makes the kiosk start faster and keeps /tmp clean.
if "ESCPOS_CAPABILITIES_PICKLE_DIR" not in _os.environ:
    _cache = _Path(_os.environ.get("XDG_CACHE_HOME", _Path.home() / ".cache")) / "hall-kiosk" / "escpos"
    try:
        _cache.mkdir(parents=True, exist_ok=True)
        _os.environ["ESCPOS_CAPABILITIES_PICKLE_DIR"] = str(_cache)
    except OSError:
        pass    # read-only home: python-escpos falls back to its temp dir
