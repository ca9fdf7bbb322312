"""Look at the kiosk screens the way a citizen does, for the GUI tests and the screenshot tour:
find what is on screen by objectName, read its text, and tap it with a (simulated) finger.

Taps are real mouse presses on the window at the item's centre, so they go through the same
path as a touch: the idle watcher sees them and a covered or disabled button does not react.
"""
from __future__ import annotations

import time
from typing import Callable, Iterator

from PySide6.QtCore import QEventLoop, QPoint, QPointF, Qt, QTimer
from PySide6.QtQuick import QQuickItem
from PySide6.QtTest import QTest


def walk(item: QQuickItem) -> Iterator[QQuickItem]:
    yield item
    for child in item.childItems():
        yield from walk(child)


def find_all(window, name: str, visible_only: bool = True) -> list[QQuickItem]:
    return [i for i in walk(window.contentItem())
            if i.objectName() == name and (i.isVisible() or not visible_only)]


def find(window, name: str, visible_only: bool = True) -> QQuickItem | None:
    found = find_all(window, name, visible_only)
    return found[0] if found else None


def text_of(item: QQuickItem) -> str:
    return str(item.property("text") or "")


def visible_texts(window) -> list[str]:
    """Every piece of text on screen now (Text items and buttons that carry a label)."""
    texts = []
    for item in walk(window.contentItem()):
        if item.isVisible() and item.metaObject().indexOfProperty("text") >= 0:
            value = item.property("text")
            if isinstance(value, str) and value.strip():
                texts.append(value)
    return texts


def centre(item: QQuickItem) -> QPoint:
    p = item.mapToScene(QPointF(item.width() / 2, item.height() / 2))
    return QPoint(round(p.x()), round(p.y()))


def tap(window, target: str | QQuickItem, timeout: float = 5.0) -> QQuickItem:
    """Press and release at the centre of the item: by objectName (waiting up to `timeout`
    for it to appear, as a citizen waits for the next screen) or the item itself."""
    item = wait_for(window, target, timeout) if isinstance(target, str) else target
    scroll_into_view(item)
    QTest.mouseClick(window, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, settled_centre(item))
    settle()
    return item


def scroll_into_view(item: QQuickItem) -> None:
    """As a citizen scrolls a page (长辈模式's kinds, a long list) until the button shows: an item
    inside a scrolling Flickable is brought into its visible part before the tap."""
    parent = item.parentItem()
    while parent is not None:
        content_height = parent.property("contentHeight")
        if content_height is not None and content_height > parent.height() + 1 and parent.property("contentY") is not None:
            top = item.mapToItem(parent.property("contentItem"), QPointF(0, 0)).y()
            view = parent.property("contentY")
            if top < view or top + item.height() > view + parent.height():
                wanted = min(max(0.0, top + item.height() - parent.height()), max(0.0, content_height - parent.height()))
                parent.setProperty("contentY", min(top, wanted) if top < view else wanted)
                spin(30)
            return
        parent = parent.parentItem()


def settled_centre(item: QQuickItem, timeout: float = 2.0) -> QPoint:
    """The item's centre once it has a size and has stopped moving. An item that just became
    visible inside a Column is laid out on the next polish: on a busy machine a tap aimed at it
    at once lands where it was, not where a citizen sees it."""
    deadline = time.monotonic() + timeout
    before = centre(item)
    while True:
        spin(15)
        now = centre(item)
        if (now == before and item.width() > 0 and item.height() > 0) or time.monotonic() > deadline:
            return now
        before = now


def settle(ms: int = 30) -> None:
    """Let queued signals, bindings and a frame happen."""
    spin(ms)


_spinner: tuple[QEventLoop, QTimer] | None = None


def spin(ms: int) -> None:
    """Run the Qt event loop for ms milliseconds. Not QTest.qWait: it keeps Python's GIL while
    it sleeps, so the kiosk's device threads (and the simulators in this process) stall for
    whole waits, and a 3 ms card read turns into 300 ms. One loop and one timer, connected once
    and reused: PySide6 6.11.3 leaks references to None on every QTimer.singleShot(ms, slot)
    and connect(), and a GUI wait spins every 5 ms (the soak runs for an hour on these)."""
    global _spinner
    if _spinner is None:
        timer = QTimer(singleShot=True)
        loop = QEventLoop()
        timer.timeout.connect(loop.quit)
        _spinner = (loop, timer)
    loop, timer = _spinner
    if loop.isRunning():            # a wait inside a wait (from a slot): a loop of its own
        inner = QEventLoop()
        QTimer.singleShot(ms, inner.quit)
        inner.exec()
        return
    timer.start(max(1, ms))
    loop.exec()


def wait_until(condition: Callable[[], object], timeout: float = 5.0, what: str = "condition"):
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out after {timeout} s waiting for {what}")
        spin(5)


def wait_for(window, name: str, timeout: float = 5.0) -> QQuickItem:
    return wait_until(lambda: find(window, name), timeout, f"{name!r} on screen")


def wait_ready(window, timeout: float = 5.0) -> None:
    """Until the window is on the (offscreen) glass and the screen inside it has been laid out."""
    QTest.qWaitForWindowExposed(window, int(timeout * 1000))
    wait_until(lambda: any(i.objectName().endswith("Screen") and i.width() > 0 and i.height() > 0
                           for i in walk(window.contentItem())), timeout, "a laid-out screen")
    settle()


def keyboard_key(window, char: str) -> QQuickItem | None:
    """The on-screen keyboard's key that types `char` (a visible key whose label is that letter)."""
    panel = find(window, "keyboard")
    if panel is None:
        return None
    for item in walk(panel):
        if (item.isVisible() and item.width() > 0 and item.metaObject().indexOfProperty("key") >= 0
                and str(item.property("text") or "").lower() == char.lower()):
            return item
    return None


def type_on_keyboard(window, text: str) -> None:
    """Tap the letters on the on-screen keyboard, as a citizen types."""
    wait_until(lambda: keyboard_key(window, text[0]), 5.0, "the on-screen keyboard")
    for char in text:
        key = keyboard_key(window, char)
        if key is None:
            raise LookupError(f"no key {char!r} on the on-screen keyboard")
        # The keyboard reacts on release; a short pause between taps is how fingers type.
        tap(window, key)
        settle(40)
