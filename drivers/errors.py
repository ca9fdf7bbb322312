"""The base of every device driver's typed errors.

`str(error)` is the technical detail for logs and technicians (ports, bytes, status words —
never personal data); `message` is the calm sentence a screen may show, in Simplified Chinese
(drivers.sentence: the screens say it in the citizen's language through the wording catalogue).
Each subclass sets its own sentence; a raise may override it for one case.
"""
from __future__ import annotations

from drivers.sentence import Sentence


class DeviceError(Exception):
    message = Sentence("设备暂时出了点问题，请到咨询台办理。")

    def __init__(self, detail: str = "", *, message: Sentence | None = None):
        self.detail = detail
        if message:
            self.message = message
        super().__init__(detail or type(self).__name__)
