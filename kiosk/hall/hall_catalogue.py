"""The hall's public settings as a hall server hands them to its kiosks: the hall and its hours,
departments, window groups, windows and the catalogue. When the operator changes hall.yaml or
catalogue.yaml and reloads (the /admin page), the server pushes the new version and every kiosk
takes the new catalogue without a restart, so no kiosk offers an item the hall no longer serves.

Nothing secret goes out: HMAC appointment keys and the pickup code key stay on the server (a
kiosk keeps the appointment keys of its own hall.yaml).
"""
from __future__ import annotations

import hashlib
import json
import logging
from typing import Callable

from pydantic import TypeAdapter, ValidationError

from kiosk.config import Category, Department, HallInfo, HallSettings, Window, WindowGroup
from kiosk.hall.model import HallUnavailable

log = logging.getLogger(__name__)

PUBLIC = {"hall": HallInfo, "departments": dict[str, Department], "window_groups": dict[str, WindowGroup],
          "windows": list[Window], "categories": list[Category]}
_READ = {name: TypeAdapter(shape) for name, shape in PUBLIC.items()}


class CatalogueRefused(ValueError):
    """What a hall server sent cannot be used; the kiosk keeps the catalogue it has."""


def public_part(settings: HallSettings) -> dict:
    """{"version": ..., "hall": ..., ...}: JSON, the version a digest of the rest."""
    part = {name: _READ[name].dump_python(getattr(settings, name), mode="json") for name in PUBLIC}
    return {"version": version_of(part), **part}


def version_of(part: dict) -> str:
    text = json.dumps({k: v for k, v in part.items() if k != "version"}, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def take_over(settings: HallSettings, part: dict) -> HallSettings:
    """`settings` (a kiosk's whole configuration, or the hall's part of it) with the hall's public
    part replaced by what the server sent; CatalogueRefused if it does not hold together."""
    try:
        update = {name: _READ[name].validate_python(part[name]) for name in PUBLIC}
    except (KeyError, ValidationError) as e:
        raise CatalogueRefused(f"the hall server's catalogue is not usable: {e}") from None
    groups = update["window_groups"]
    served = {d for g in groups.values() for d in g.departments}
    items = {}
    for category in update["categories"]:
        for item in category.items:
            if item.department not in served:
                raise CatalogueRefused(f"item {item.code}: no window group serves department {item.department}")
            items[item.code] = item.model_copy(update={"category": category.code})
    if any(w.group not in groups for w in update["windows"]):
        raise CatalogueRefused("a window belongs to a window group the hall does not have")
    categories = [c.model_copy(update={"items": [items[i.code] for i in c.items]}) for c in update["categories"]]
    return settings.model_copy(update={**update, "categories": categories, "items": items})


def follower(fetch: Callable[[], dict], take: Callable[[dict], None], version: str) -> Callable[[str], None]:
    """What a kiosk does with a version the server announced (pushed, or read at reconnect):
    nothing if it has it; else fetch() the public part and take() it. A server out of reach or
    a catalogue that does not hold together leaves the kiosk on the one it has."""
    current = [version]

    def follow(announced: str) -> None:
        if not announced or announced == current[0]:
            return
        try:
            part = fetch()
            take(part)
        except (HallUnavailable, CatalogueRefused) as e:
            log.warning("the hall's new catalogue %s was not taken: %s", announced, e)
            return
        current[0] = part["version"]
        log.warning("took the hall's catalogue %s: %d items", current[0], sum(len(c["items"]) for c in part["categories"]))
    return follow
