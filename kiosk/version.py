"""The kiosk's version, as installed (setup.cfg), for the timeline, the bundle and the hall server."""
from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version as installed


def version() -> str:
    try:
        return installed("hall-kiosk")
    except PackageNotFoundError:
        return "unknown"
