"""The base of every device driver's typed errors.

`str(error)` is the technical detail for logs and technicians (ports, bytes, status words —
never personal data); `message_zh` / `message_en` are the calm sentences a screen may show.
Each subclass sets its own sentences; a raise may override them for one case.
"""
from __future__ import annotations


class DeviceError(Exception):
    message_zh = "设备暂时出了点问题，请到咨询台办理。"
    message_en = "A device is not working right now. Please ask at the information desk."

    def __init__(self, detail: str = "", *, message_zh: str | None = None, message_en: str | None = None):
        self.detail = detail
        if message_zh:
            self.message_zh = message_zh
        if message_en:
            self.message_en = message_en
        super().__init__(detail or type(self).__name__)
