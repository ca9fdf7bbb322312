"""What the hall writes → what the kiosk says: numbers the way a hall clerk reads them aloud.

    请 A012 号到 3 号窗口办理      → 请 A 零幺二 号到 三 号窗口办理
    A-07-012 (an offline number)   → A 零七 零幺二
    10:05, 2026-11-26              → 十点零五分, 二零二六年十一月二十六日
    社会民生综合窗口 (1-4号窗口)    → 社会民生综合窗口 (一到四号窗口)
    热线 12345                     → 热线 幺二三四五
    4401**********1234, 13800138000 → 尾号 幺二三四

Ticket numbers, codes and phone numbers go digit by digit, with 幺 for 1 as halls and phone
lines say it (一 and 七 sound alike across a noisy hall); counts, window numbers, times and dates
are read as numbers. Personal data is never spoken whole: an ID number (masked or not) and a
mobile number become their last four digits.
"""
from __future__ import annotations

import re

DIGITS = "零幺二三四五六七八九"
PLAIN = "零一二三四五六七八九"

_ID = re.compile(r"(?<![0-9A-Za-z*])[0-9]{6}[0-9*]{8}[0-9*]{3}[0-9Xx](?![0-9A-Za-z*])|"
                 r"(?<![0-9*])[0-9]{4}\*{6,12}[0-9]{3}[0-9Xx](?![0-9*])")
_MOBILE = re.compile(r"(?<![0-9])1[3-9][0-9]{9}(?![0-9])|(?<![0-9*])1[3-9][0-9]\*{4}[0-9]{4}(?![0-9])")
# (not \b: Python counts Chinese characters as word characters, and 请A012号 has no space)
_OFFLINE_TICKET = re.compile(r"(?<![A-Za-z0-9])([A-Z])-([0-9]{2})-([0-9]{3,4})(?![0-9])")
_CODE = re.compile(r"(?<![A-Za-z0-9])([A-Z]{1,3})-?([0-9]{2,6})(?![0-9])")     # A012, SM001, P-0042
_HOTLINE = re.compile(r"((?:电话|热线|拨打|致电)[：: ]*)([0-9][0-9-]{2,14}[0-9])")
_DATE = re.compile(r"([0-9]{4})(?:年|-|/)([0-9]{1,2})(?:月|-|/)([0-9]{1,2})日?")
_TIME = re.compile(r"(?<![0-9])([0-9]{1,2})[:：]([0-9]{2})(?![0-9])")
_RANGE = re.compile(r"([0-9]+)\s*[-–~～至]\s*([0-9]+)(?=\s*号)")      # 1-4号窗口 → 一到四号窗口
_NUMBER = re.compile(r"[0-9]+(?:\.[0-9]+)?")


def digit_by_digit(digits: str) -> str:
    return "".join(DIGITS[int(d)] for d in digits if d.isdigit())


def last_four(text: str) -> str:
    tail = re.sub(r"[^0-9Xx]", "", text)[-4:]
    return "尾号 " + "".join(DIGITS[int(c)] if c.isdigit() else "叉" for c in tail)


def cardinal(n: int) -> str:
    """0-99999999 as Chinese numerals (15 → 十五, 105 → 一百零五, 2000 → 两千); longer digit by digit."""
    if n < 0 or n >= 10 ** 8:
        return digit_by_digit(str(abs(n)))
    if n >= 10 ** 4:
        high, low = divmod(n, 10 ** 4)
        rest = "" if low == 0 else ("零" if low < 1000 else "") + cardinal(low)
        return cardinal(high) + "万" + rest
    if n == 0:
        return "零"
    out, zero = [], False
    for value, unit in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        d = n // value % 10
        if d == 0:
            zero = bool(out)
            continue
        if zero:
            out.append("零")
            zero = False
        out.append(("两" if d == 2 and unit in ("千", "百") else PLAIN[d]) + unit)
    text = "".join(out)
    return text[1:] if text.startswith("一十") else text     # 十五, not 一十五


def _time(m: re.Match) -> str:
    hour, minute = int(m[1]), int(m[2])
    if hour > 24 or minute > 59:
        return digit_by_digit(m[0])
    spoken = ("两" if hour == 2 else cardinal(hour)) + "点"
    if minute == 0:
        return spoken + "整"
    return spoken + ("零" if minute < 10 else "") + cardinal(minute) + "分"


def _date(m: re.Match) -> str:
    return f"{''.join(PLAIN[int(d)] for d in m[1])}年{cardinal(int(m[2]))}月{cardinal(int(m[3]))}日"


def _number(m: re.Match) -> str:
    whole, _, fraction = m[0].partition(".")
    if len(whole) > 1 and whole.startswith("0"):
        return digit_by_digit(whole)                # 007: read as written
    spoken = cardinal(int(whole))
    return spoken + ("点" + "".join(PLAIN[int(d)] for d in fraction) if fraction else "")


def spoken(text: str) -> str:
    """`text` as the kiosk should say it (see the module's examples)."""
    text = _ID.sub(lambda m: last_four(m[0]), text)
    text = _MOBILE.sub(lambda m: last_four(m[0]), text)
    text = _OFFLINE_TICKET.sub(lambda m: f" {m[1]} {digit_by_digit(m[2])} {digit_by_digit(m[3])} ", text)
    text = _CODE.sub(lambda m: f" {' '.join(m[1])} {digit_by_digit(m[2])} ", text)
    text = _HOTLINE.sub(lambda m: m[1] + digit_by_digit(m[2]), text)
    text = _DATE.sub(_date, text)
    text = _TIME.sub(_time, text)
    text = _RANGE.sub(lambda m: f"{cardinal(int(m[1]))}到{cardinal(int(m[2]))}", text)
    text = _NUMBER.sub(_number, text)
    return re.sub(r"\s+", " ", text).strip()
