"""Device health as the technician reads it: named fields in the screen's language, plain values.

The core's DeviceHealth.details is a free dict per device (a printer's paper state, a reader's
SAM ID and counters). Known keys get a label; unknown ones still show under their own key, so a
new driver field is never hidden from the person repairing the kiosk.
"""
from __future__ import annotations

from datetime import datetime

# key: (Chinese label, English label), in the order a technician looks for them.
DETAIL_LABELS = {
    "checked_at": ("检查时间", "Checked at"),
    "online": ("在线", "Online"),
    "paper": ("纸张", "Paper"),
    "cover_open": ("机盖打开", "Cover open"),
    "cutter_error": ("切刀故障", "Cutter error"),
    "prints": ("已打印", "Prints"),
    "card_present": ("有卡", "Card present"),
    "reads": ("读卡次数", "Reads"),
    "failures": ("失败次数", "Failures"),
    "last_read_ms": ("上次读卡", "Last read"),
    "seen_to_identity_ms": ("插卡到识别", "Card in → identified"),
    "sam_id": ("SAM 编号", "SAM ID"),
    "readers": ("读卡器", "Readers"),
    "last_atr": ("上次 ATR", "Last ATR"),
    "opened": ("已打开", "Opened"),
    "resolution": ("分辨率", "Resolution"),
    "fps": ("帧率", "Frame rate"),
    "frames_decoded": ("已识别帧", "Frames decoded"),
    "codes_read": ("读到的码", "Codes read"),
    "decode_ms": ("识别耗时", "Decode time"),
    "decoder": ("解码器", "Decoder"),
    "source": ("视频源", "Source"),
    "last_error": ("最近错误", "Last error"),
    "card_warnings": ("卡片数据提示", "Card data warnings"),
}
# Long values get a whole line on the screen (when there is one); the rest sit two or three to a line.
WIDE_KEYS = {"sam_id", "readers", "last_atr", "source", "last_error", "card_warnings"}
UNITS = {"last_read_ms": " ms", "seen_to_identity_ms": " ms", "decode_ms": " ms", "fps": " fps"}


def format_value(value, english: bool, unit: str = "") -> str:
    if isinstance(value, bool):
        return ("yes" if value else "no") if english else ("是" if value else "否")
    if isinstance(value, (list, tuple)):
        return ", ".join(str(v) for v in value) or "—"
    if value is None or value == "":
        return "—"
    return f"{value}{unit}"


def detail_rows(details: dict, checked_at: float, english: bool) -> list[dict]:
    """[{key, label, value, wide}] with the known keys first, in DETAIL_LABELS order."""
    values = dict(details)
    if checked_at:
        values["checked_at"] = f"{datetime.fromtimestamp(checked_at):%H:%M:%S}"
    order = [k for k in DETAIL_LABELS if k in values] + [k for k in values if k not in DETAIL_LABELS]
    rows = []
    for key in order:
        zh, en = DETAIL_LABELS.get(key, (key, key))
        value = format_value(values[key], english, UNITS.get(key, ""))
        rows.append({"key": key, "label": en if english else zh, "value": value,
                     "wide": key in WIDE_KEYS and value != "—"})
    return rows


def health_row(h, english: bool) -> dict:
    """One device's health as the technician screen shows it."""
    reason = (h.reason_en or h.reason_zh) if english else (h.reason_zh or h.reason_en)
    return {"role": h.role, "name": h.name, "state": h.state, "reason": reason,
            "details": detail_rows(h.details, h.checked_at, english)}
