"""Typed errors of the identity-card drivers, each with a calm sentence a screen can show."""
from __future__ import annotations

from drivers.errors import DeviceError
from drivers.sentence import Sentence


class CardError(DeviceError):
    """Base: something went wrong reading a card.

    `card_seen` is False when the reader failed while only looking for a card (or opening):
    no citizen's card was involved, so nobody at the kiosk needs to be told anything.
    """

    card_seen = True

    message = Sentence("读卡没有成功，请重新放一次卡。")


class ReaderUnavailable(CardError):
    message = Sentence("读卡器暂时不能使用，请到咨询台办理，或不刷卡直接取号。")


class NoCard(CardError):
    message = Sentence("没有检测到卡片，请把卡放好。")


class CardNotRecognised(CardError):
    message = Sentence("这张卡识别不了，请确认是身份证或社保卡。")


class CardUpsideDown(CardError):
    message = Sentence("卡片好像插反了，请把芯片朝上、朝里重新插入。")


class CardRemovedTooEarly(CardError):
    message = Sentence("卡片拿开得太早了，请重新插入，读完前请不要拿走。")


class CardAccessDenied(CardError):
    message = Sentence("这张卡需要授权才能读取，请到咨询台办理。")


class CardDataInvalid(CardError):
    message = Sentence("卡里的信息读出来有误，请到咨询台办理。")


class ReaderProtocolError(CardError):
    """Bytes from the reader that break the frame rules (length, checksum, garbage)."""
    message = Sentence("读卡器通讯出错了，请重新放一次卡。")
