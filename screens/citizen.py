"""Who the screens are talking to: the identified citizen's greeting, and card-reading troubles.

The core hands over the identity already masked (张*国, 4419**********1236); this model keeps
only what a screen needs to greet the citizen (the masked name, priority, which card) and never
sees a full name or ID number. A card that could not be read is told in a calm toast that goes
away by itself: the citizen can carry on meanwhile, so it never blocks a screen.
"""
from __future__ import annotations

import logging
from typing import Callable

from PySide6.QtCore import QObject, Property, QTimer, Signal, Slot

from kiosk.wording import NOTHING, Sentence, say
from screens.qt_thread import qt_thread

log = logging.getLogger(__name__)

# Said when the error carries no sentence of its own (never the exception text: it is for logs).
_CARD_NOT_READ = Sentence("读卡没有成功，请重新放一次卡，或不刷卡直接取号。")
# An ID card lies on the pad and the kiosk cannot see it leave; a social-security card in the
# slot ends the visit when it comes out. Either way, the citizen should not walk off without it.
_REMINDERS = {"id_card": Sentence("离开时请带走您的身份证"), "social_security_card": Sentence("离开时请取回您的社保卡")}


class CitizenModel(QObject):
    identityChanged = Signal()
    cardErrorChanged = Signal()

    def __init__(self, language: Callable[[], str], *, card_error_s: float = 7.0, parent: QObject | None = None):
        super().__init__(parent)
        self._language = language
        self._identity: dict | None = None
        self._card_error: Sentence = NOTHING
        self._error_timer = QTimer(self, singleShot=True)
        self._error_timer.timeout.connect(self.dismissCardError)
        self.card_error_s = card_error_s

    # ---------------------------------------------------------------- properties for QML
    identified = Property(bool, lambda self: self._identity is not None, notify=identityChanged)
    name = Property(str, lambda self: (self._identity or {}).get("name", ""), notify=identityChanged)
    priority = Property(bool, lambda self: bool((self._identity or {}).get("priority")), notify=identityChanged)
    source = Property(str, lambda self: (self._identity or {}).get("source", ""), notify=identityChanged)
    reminder = Property(str, lambda self: say(_REMINDERS.get(self.source, NOTHING), self._language()),
                        notify=identityChanged)
    cardError = Property(str, lambda self: say(self._card_error, self._language()), notify=cardErrorChanged)

    # ---------------------------------------------------------------- from the view-model
    @qt_thread
    def set_identity(self, identity: dict | None) -> None:
        """The masked identity from core.identity() (None: anonymous again)."""
        if identity == self._identity:
            return
        self._identity = dict(identity) if identity else None
        if identity:      # the card was read after all: an earlier "could not read" is old news
            self.dismissCardError()
        self.identityChanged.emit()

    @qt_thread
    def clear(self) -> None:
        self.set_identity(None)

    @qt_thread
    def show_card_error(self, error) -> None:
        message = getattr(error, "message", None)
        if not isinstance(message, Sentence) or not message:
            log.warning("card error without a message for citizens: %s", type(error).__name__)
            message = _CARD_NOT_READ
        self._card_error = message
        self._error_timer.start(round(self.card_error_s * 1000))
        self.cardErrorChanged.emit()

    @Slot()
    def dismissCardError(self) -> None:      # also a tap on the toast
        self._error_timer.stop()
        if self._card_error:
            self._card_error = NOTHING
            self.cardErrorChanged.emit()

    def language_changed(self) -> None:
        self.identityChanged.emit()
        self.cardErrorChanged.emit()
