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

from screens.qt_thread import qt_thread

log = logging.getLogger(__name__)

# Said when the error carries no sentence of its own (never the exception text: it is for logs).
_CARD_NOT_READ = ("读卡没有成功，请重新放一次卡，或不刷卡直接取号。",
                  "The card could not be read. Please try again, or take a number without a card.")
# An ID card lies on the pad and the kiosk cannot see it leave; a social-security card in the
# slot ends the visit when it comes out. Either way, the citizen should not walk off without it.
_REMINDERS = {"id_card": ("离开时请带走您的身份证", "Please take your ID card with you"),
              "social_security_card": ("离开时请取回您的社保卡", "Please take your social security card with you")}


class CitizenModel(QObject):
    identityChanged = Signal()
    cardErrorChanged = Signal()

    def __init__(self, english: Callable[[], bool], *, card_error_s: float = 7.0, parent: QObject | None = None):
        super().__init__(parent)
        self._english = english
        self._identity: dict | None = None
        self._card_error: tuple[str, str] = ("", "")
        self._error_timer = QTimer(self, singleShot=True)
        self._error_timer.timeout.connect(self.dismissCardError)
        self.card_error_s = card_error_s

    def _pick(self, zh: str, en: str) -> str:
        return (en or zh) if self._english() else (zh or en)

    # ---------------------------------------------------------------- properties for QML
    identified = Property(bool, lambda self: self._identity is not None, notify=identityChanged)
    name = Property(str, lambda self: (self._identity or {}).get("name", ""), notify=identityChanged)
    priority = Property(bool, lambda self: bool((self._identity or {}).get("priority")), notify=identityChanged)
    source = Property(str, lambda self: (self._identity or {}).get("source", ""), notify=identityChanged)
    reminder = Property(str, lambda self: self._pick(*_REMINDERS.get(self.source, ("", ""))),
                        notify=identityChanged)
    cardError = Property(str, lambda self: self._pick(*self._card_error), notify=cardErrorChanged)

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
        zh, en = getattr(error, "message_zh", ""), getattr(error, "message_en", "")
        if not zh and not en:
            log.warning("card error without a message for citizens: %s", type(error).__name__)
            zh, en = _CARD_NOT_READ
        self._card_error = (zh, en)
        self._error_timer.start(round(self.card_error_s * 1000))
        self.cardErrorChanged.emit()

    @Slot()
    def dismissCardError(self) -> None:      # also a tap on the toast
        self._error_timer.stop()
        if self._card_error != ("", ""):
            self._card_error = ("", "")
            self.cardErrorChanged.emit()

    def language_changed(self) -> None:
        self.identityChanged.emit()
        self.cardErrorChanged.emit()
