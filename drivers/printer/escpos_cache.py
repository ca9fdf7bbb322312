"""python-escpos's capabilities cache, set up by whoever owns the process.

python-escpos parses its 400 KB capabilities file with YAML on every import (~0.45 s) unless it
finds a pickle in ESCPOS_CAPABILITIES_PICKLE_DIR; unset, it also leaves a new temporary
directory behind each time. It reads the variable when it is first imported, so the programs'
entry points (and the test suite) call `use_capabilities_cache()` before anything imports it;
importing a driver never touches the environment.
"""
from __future__ import annotations

import os
from pathlib import Path

VARIABLE = "ESCPOS_CAPABILITIES_PICKLE_DIR"


def use_capabilities_cache() -> None:
    """A fixed cache directory under the user's cache (left alone if the variable is set, or if
    the home directory is read-only: python-escpos then falls back to its temporary one)."""
    if VARIABLE in os.environ:
        return
    cache = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "hall-kiosk" / "escpos"
    try:
        cache.mkdir(parents=True, exist_ok=True)
    except OSError:
        return
    os.environ[VARIABLE] = str(cache)
