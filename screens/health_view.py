"""Device health as the technician reads it: named fields in the screen's language, plain values.

The core's DeviceHealth.details is a free dict per device (a printer's paper state, a reader's
SAM ID and counters). Known keys get a label; unknown ones still show under their own key, so a
new driver field is never hidden from the person repairing the kiosk.
"""
from __future__ import annotations

from datetime import datetime

from kiosk.wording import Sentence, say

# key: its label (a Sentence, said in the screen's language), in the order a technician looks for them.
DETAIL_LABELS = {
    "checked_at": Sentence("检查时间"),
    "online": Sentence("在线"),
    "paper": Sentence("纸张"),
    "cover_open": Sentence("机盖打开"),
    "cutter_error": Sentence("切刀故障"),
    "prints": Sentence("已打印"),
    "card_present": Sentence("有卡"),
    "reads": Sentence("读卡次数"),
    "failures": Sentence("失败次数"),
    "last_read_ms": Sentence("上次读卡"),
    "seen_to_identity_ms": Sentence("插卡到识别"),
    "sam_id": Sentence("SAM 编号"),
    "readers": Sentence("读卡器"),
    "last_atr": Sentence("上次 ATR"),
    "opened": Sentence("已打开"),
    "resolution": Sentence("分辨率"),
    "fps": Sentence("帧率"),
    "frames_decoded": Sentence("已识别帧"),
    "codes_read": Sentence("读到的码"),
    "decode_ms": Sentence("识别耗时"),
    "decoder": Sentence("解码器"),
    "source": Sentence("视频源"),
    "last_error": Sentence("最近错误"),
    "card_warnings": Sentence("卡片数据提示"),
    "boards": Sentence("锁控板"),
    "doors_open": Sentence("开着的柜门"),
    "silent_boards": Sentence("没有响应的锁控板"),
    "openings": Sentence("开门次数"),
    "jammed": Sentence("卡住次数"),
    "left_open": Sentence("开着没关的柜门"),
}
# Long values get a whole line on the screen (when there is one); the rest sit two or three to a line.
WIDE_KEYS = {"sam_id", "readers", "last_atr", "source", "last_error", "card_warnings", "doors_open"}
UNITS = {"last_read_ms": " ms", "seen_to_identity_ms": " ms", "decode_ms": " ms", "fps": " fps"}


def format_value(value, language: str, unit: str = "") -> str:
    if isinstance(value, bool):
        return say(Sentence("是") if value else Sentence("否"), language)
    if isinstance(value, (list, tuple)):
        return ", ".join(str(v) for v in value) or "—"
    if value is None or value == "":
        return "—"
    return f"{value}{unit}"


def detail_rows(details: dict, checked_at: float, language: str) -> list[dict]:
    """[{key, label, value, wide}] with the known keys first, in DETAIL_LABELS order."""
    values = dict(details)
    if checked_at:
        values["checked_at"] = f"{datetime.fromtimestamp(checked_at):%H:%M:%S}"
    order = [k for k in DETAIL_LABELS if k in values] + [k for k in values if k not in DETAIL_LABELS]
    rows = []
    for key in order:
        label = say(DETAIL_LABELS[key], language) if key in DETAIL_LABELS else key
        value = format_value(values[key], language, UNITS.get(key, ""))
        rows.append({"key": key, "label": label, "value": value, "wide": key in WIDE_KEYS and value != "—"})
    return rows


def health_row(h, language: str, history: list[str] = ()) -> dict:
    """One device's health as the technician screen shows it, in that language ("zh_CN", "en", ...),
    with its day so far (kiosk.timeline.device_lines)."""
    return {"role": h.role, "name": h.name, "state": h.state, "reason": say(h.reason, language),
            "details": detail_rows(h.details, h.checked_at, language), "history": "\n".join(history)}
