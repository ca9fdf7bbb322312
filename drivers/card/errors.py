"""Typed errors of the identity-card drivers, each with a calm sentence a screen can show."""
from __future__ import annotations

from drivers.errors import DeviceError


class CardError(DeviceError):
    """Base: something went wrong reading a card.

    `card_seen` is False when the reader failed while only looking for a card (or opening):
    no citizen's card was involved, so nobody at the kiosk needs to be told anything.
    """

    card_seen = True

    message_zh = "读卡没有成功，请重新放一次卡。"
    message_en = "The card could not be read. Please try again."


class ReaderUnavailable(CardError):
    message_zh = "读卡器暂时不能使用，请到咨询台办理，或不刷卡直接取号。"
    message_en = "The card reader is out of service. Please ask at the desk, or take a number without a card."


class NoCard(CardError):
    message_zh = "没有检测到卡片，请把卡放好。"
    message_en = "No card found. Please place your card on the reader."


class CardNotRecognised(CardError):
    message_zh = "这张卡识别不了，请确认是身份证或社保卡。"
    message_en = "This card is not recognised. Please use your ID card or social security card."


class CardUpsideDown(CardError):
    message_zh = "卡片好像插反了，请把芯片朝上、朝里重新插入。"
    message_en = "The card seems to be the wrong way round. Insert it chip first, chip facing up."


class CardRemovedTooEarly(CardError):
    message_zh = "卡片拿开得太早了，请重新插入，读完前请不要拿走。"
    message_en = "The card was removed too early. Please insert it again and wait until it is read."


class CardAccessDenied(CardError):
    message_zh = "这张卡需要授权才能读取，请到咨询台办理。"
    message_en = "This card cannot be read here without authorisation. Please ask at the desk."


class CardDataInvalid(CardError):
    message_zh = "卡里的信息读出来有误，请到咨询台办理。"
    message_en = "The information on the card could not be verified. Please ask at the desk."


class ReaderProtocolError(CardError):
    """Bytes from the reader that break the frame rules (length, checksum, garbage)."""
    message_zh = "读卡器通讯出错了，请重新放一次卡。"
    message_en = "The card reader did not answer properly. Please try again."
