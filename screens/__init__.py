"""The citizen-facing Qt Quick screens.

Composition root usage::

    from screens import prepare_environment, load_ui
    prepare_environment()                      # before QGuiApplication(...)
    app = QGuiApplication(sys.argv)
    ui = load_ui(app, core, fullscreen=True)   # keep `ui` alive while app.exec() runs
    app.exec()

`load_ui` returns a KioskUi: `.window` (the QQuickWindow), `.engine`, `.viewmodel`
(screens.viewmodel.KioskViewModel) and `.grab(path)` for screenshots. A locked kiosk (the
default with fullscreen) is frameless, refuses to close and ignores Escape, Alt+F4, Ctrl+Q/W;
the technician's "close the app" calls `on_quit` (default: app.quit).
"""
from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Callable

log = logging.getLogger(__name__)

HERE = Path(__file__).resolve().parent
QML_DIR = HERE / "qml"
FONT_FAMILY = "Noto Sans CJK SC"
SIZES = {"portrait": (1080, 1920), "landscape": (1920, 1080)}


def prepare_environment() -> None:
    """Settings Qt reads only when the application object is created: the on-screen pinyin
    keyboard as input method. Call it before QGuiApplication; a value already set wins."""
    os.environ.setdefault("QT_IM_MODULE", "qtvirtualkeyboard")
    # Qt Multimedia lists every optional library it did not find (VA-API, PipeWire) at start-up:
    # a dozen lines a technician cannot act on. Its real warnings stay.
    os.environ.setdefault("QT_LOGGING_RULES", "qt.multimedia.symbolsresolver=false;qt.multimedia.ffmpeg.info=false")
    _qt_messages_to_the_log()


def _qt_messages_to_the_log() -> None:
    """Qt's own messages go through the kiosk's log (its file or the journal, masked, repeats
    held back) instead of straight to stderr."""
    import logging
    from PySide6.QtCore import QtMsgType, qInstallMessageHandler
    levels = {QtMsgType.QtDebugMsg: logging.DEBUG, QtMsgType.QtInfoMsg: logging.INFO,
              QtMsgType.QtWarningMsg: logging.WARNING, QtMsgType.QtCriticalMsg: logging.ERROR,
              QtMsgType.QtFatalMsg: logging.CRITICAL}

    def handler(kind, context, message):
        logging.getLogger(f"qt.{context.category or 'default'}").log(levels.get(kind, logging.WARNING), "%s", message)
    qInstallMessageHandler(handler)


class KioskUi:
    """The loaded screens: window, engine, view-model, and the translator they share."""

    def __init__(self, app, engine, window, viewmodel, guard):
        self.app, self.engine, self.window, self.viewmodel = app, engine, window, viewmodel
        self._guard = guard
        self._translator = None
        self._translators: dict = {}         # language → its QTranslator, compiled once
        from screens.i18n import warm_up
        warm_up()
        viewmodel.languageChanged.connect(self._apply_language)
        self._apply_language()

    def _apply_language(self) -> None:
        from screens.i18n import translator_for
        if self._translator is not None:
            self.app.removeTranslator(self._translator)
            self._translator = None
        language = self.viewmodel.language
        if language not in self._translators:
            self._translators[language] = translator_for(language, self.app)
        self._translator = self._translators[language]
        if self._translator is not None:
            self.app.installTranslator(self._translator)
        self.engine.retranslate()

    def grab(self, path: str | Path) -> Path:
        """Save what the screen shows now as a PNG."""
        image = self.window.grabWindow()
        if not image.save(str(path)):
            raise OSError(f"could not write {path}")
        return Path(path)

    def close(self) -> None:
        """Take the screens down (tests, tour): the window is allowed to close."""
        self.viewmodel.may_close = True
        if self._translator is not None:     # the application outlives these screens
            self.app.removeTranslator(self._translator)
            self._translator = None
        self.window.removeEventFilter(self._guard)
        self.window.close()
        self.engine.deleteLater()


def load_ui(app, core, fullscreen: bool = True, orientation: str | None = None,
            on_quit: Callable[[], None] | None = None, done_return_s: int = 15,
            locked: bool | None = None) -> KioskUi:
    """Build the view-model on `core`, load the QML and show the window.

    fullscreen=True fills the screen; otherwise the window has the orientation's size
    (portrait 1080×1920, landscape 1920×1080; default from kiosk.orientation in the config).
    locked (default: same as fullscreen) is the kiosk lockdown; unlocked, the window has a
    frame and closes normally, for developers running `kiosk --sim --windowed`.
    """
    from PySide6.QtGui import QFont
    from PySide6.QtQml import QQmlApplicationEngine
    from PySide6.QtQuick import QQuickWindow  # noqa: F401  (types the root object as a QQuickWindow)

    from screens.idle import KioskInputGuard
    from screens.viewmodel import KioskViewModel

    if os.environ.get("QT_IM_MODULE") != "qtvirtualkeyboard":
        log.warning("on-screen keyboard off: call screens.prepare_environment() before creating QGuiApplication")
    font = QFont(FONT_FAMILY)
    font.setPixelSize(40)
    app.setFont(font)

    from screens.audio_out import speaker
    sink = speaker()
    if sink is not None:
        core.voice.sink = sink
        core.add_closer(sink.close)

    engine = QQmlApplicationEngine()
    viewmodel = KioskViewModel(core, done_return_s=done_return_s, parent=engine)
    viewmodel.quitRequested.connect(on_quit or app.quit)
    engine.rootContext().setContextProperty("vm", viewmodel)
    engine.addImageProvider("camera", viewmodel.appointments.images)
    engine.addImageProvider("form", viewmodel.forms.images)
    engine.load(QML_DIR / "Main.qml")
    if not engine.rootObjects():
        raise RuntimeError(f"the kiosk screens failed to load from {QML_DIR} (see the QML errors above)")
    window = engine.rootObjects()[0]
    locked = fullscreen if locked is None else locked
    if not locked:
        from PySide6.QtCore import Qt
        window.setFlags(Qt.WindowType.Window)
        viewmodel.may_close = True

    guard = KioskInputGuard(viewmodel.touched, refuse_keys=locked, parent=window)
    window.installEventFilter(guard)
    ui = KioskUi(app, engine, window, viewmodel, guard)

    width, height = SIZES[orientation or core.config.kiosk.orientation]
    window.resize(width, height)
    if fullscreen:
        window.showFullScreen()
    else:
        window.show()
    return ui
