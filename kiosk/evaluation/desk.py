"""The kiosk's evaluation desk: the province's tags, a citizen's evaluation stored whole, the
upload running behind, and the day's counts for the technician."""
from __future__ import annotations

import logging
from datetime import datetime
from pathlib import Path
from typing import Callable

from kiosk.evaluation.model import Draft, Evaluation, Level, person_hash
from kiosk.evaluation.outbox import Outbox
from kiosk.evaluation.upload import Sender, load_uploader

log = logging.getLogger(__name__)


class EvaluationDesk:
    def __init__(self, config, state_dir: Path, clock: Callable[[], datetime]):
        self.config = config
        self.content = config.evaluation               # evaluation.yaml: version and tags
        self.settings = config.kiosk.evaluation
        self.clock = clock
        self.outbox = Outbox(state_dir / "evaluations.sqlite")
        uploader = load_uploader(self.settings.upload)
        self.sender = Sender(self.outbox, uploader) if uploader else None

    def start(self) -> None:
        if self.sender is not None:
            self.sender.start()

    def stop(self) -> None:
        if self.sender is not None:
            self.sender.stop()
        self.outbox.close()

    def tags(self, level: Level) -> list:
        return list(self.content.tags[level.key])

    def submit(self, draft: Draft, id_number: str | None) -> Evaluation:
        """Store the citizen's evaluation (whole, in one statement) and have it uploaded.
        `id_number`: the identified citizen's, kept only as a keyed hash (None: anonymous)."""
        known = {t.code for t in self.tags(draft.level)} if draft.level is not None else set()
        draft.tags = [code for code in draft.tags if code in known]     # a stale tap from another level
        evaluation = draft.finish(made_at=self.clock(), hall_id=self.config.hall.id, kiosk_id=self.config.kiosk.id,
                                  content_version=self.content.version,
                                  person=person_hash(self.settings.person_key, id_number) if id_number else "")
        self.outbox.add(evaluation)
        log.info("evaluation %s: level %d after %s%s", evaluation.evaluation_id[:8], evaluation.level,
                 evaluation.journey, " (real name)" if evaluation.person else "")
        if self.sender is not None:
            self.sender.wake()
        return evaluation

    def today(self) -> dict:
        return self.outbox.day(self.clock().date())
