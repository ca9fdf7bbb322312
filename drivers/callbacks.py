"""Calling back into the application from a driver's own thread."""
from __future__ import annotations

import logging

log = logging.getLogger(__name__)


def call_safely(callback, *args) -> None:
    """Call `callback(*args)` if there is one. A callback that raises is logged and the driver's
    thread carries on: one broken listener must not stop a device from being watched."""
    if callback is None:
        return
    try:
        callback(*args)
    except Exception:
        log.exception("driver callback %r failed", callback)
