"""Typed errors of the ticket printer, each with a calm sentence a citizen (or clerk) may read.

`str(error)` carries the technical detail for the log (port, bytes seen); `message` is what a
screen shows (a Sentence, said in the citizen's language). Nothing here ever contains personal data.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from drivers.errors import DeviceError
from drivers.sentence import Sentence

if TYPE_CHECKING:   # only for the annotation: status.py imports this module
    from drivers.printer.status import PrinterStatus


class PrinterError(DeviceError):
    """Base of every ticket-printer problem.

    `during_print` is True when the problem came after the first ticket byte was sent: part of
    the ticket may be on paper, so its number must not be given to anyone else.
    """

    during_print = False

    message = Sentence("取号机暂时不能打印，请到咨询台取号")


class PrinterOffline(PrinterError):
    """No answer, the link was lost, or the port/device is missing."""

    message = Sentence("取号机的打印机没有响应，请工作人员检查电源和连线")


class PrinterProtocolError(PrinterError):
    """The printer answered, but with bytes that are not ESC/POS status."""

    message = Sentence("打印机回话不正常，请工作人员检查打印机的设置")


class PrinterNotReady(PrinterError):
    """The printer answers but cannot print now: paper out, cover open, cutter jammed...
    With `during_print`, it reported the problem only after the ticket bytes were sent."""

    def __init__(self, status: "PrinterStatus", detail: str = "", *, during_print: bool = False):
        self.status = status
        self.during_print = during_print
        super().__init__(detail or f"printer not ready: {status}", message=status.reason)
