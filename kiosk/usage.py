"""Which service items this kiosk issues most: 长辈模式 puts them first, so an older citizen finds
the usual business without browsing categories.

Counts per day, the last 30 days kept, in a small JSON file beside the kiosk's other state
(rewritten whole, atomically). Item codes only: nothing about who took the number.
"""
from __future__ import annotations

import json
import logging
import os
import threading
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

log = logging.getLogger(__name__)
DAYS_KEPT = 30


class ItemUsage:
    def __init__(self, path: Path):
        self.path = path
        self._lock = threading.Lock()
        self._days: dict[str, dict[str, int]] = {}
        try:
            self._days = {d: dict(c) for d, c in json.loads(path.read_text(encoding="utf-8")).items()}
        except FileNotFoundError:
            pass
        except (ValueError, AttributeError, TypeError):
            log.warning("%s is not readable; item usage starts again", path)

    def record(self, item_code: str, day: date) -> None:
        with self._lock:
            counts = self._days.setdefault(day.isoformat(), {})
            counts[item_code] = counts.get(item_code, 0) + 1
            oldest = (day - timedelta(days=DAYS_KEPT)).isoformat()
            self._days = {d: c for d, c in self._days.items() if d > oldest}
            temporary = self.path.with_suffix(".tmp")
            temporary.write_text(json.dumps(self._days), encoding="utf-8")
            os.replace(temporary, self.path)

    def most_used(self, limit: int, known: set[str]) -> list[str]:
        """The item codes issued most over the days kept (still in the catalogue), most first."""
        with self._lock:
            total = Counter()
            for counts in self._days.values():
                total.update(counts)
        return [code for code, _ in total.most_common() if code in known][:limit]
