"""卡识别码 (card identification code, EF05 tag 01) and the ATR historical bytes that echo it.

Byte layout (docs/social-security-card.md, sections "卡识别码" and "ATR"):

    卡识别码, 16 bytes binary, written as 32 hex characters:
        44 03 00 | D1 56 00 00 05 | 00 50 64 07 76 EF 31 92   →  440300D1560000050050640776EF3192
        region     RID               chip serial, 8 bytes
        3 BCD

    ATR 3B 6D 00 00 + 13 historical bytes:
        00 96 54 4C A0 86 84 | 44 03         | 00 50 64 07
        header (7 bytes)       region 1st-2nd  chip serial 1st-4th

Pure functions, shared by the driver (decode and cross-check) and the virtual card in sim/card/
(encode): one definition of the layout. Nothing here raises on card data: a card id or ATR of
an unexpected shape gives warnings, because neither is needed to identify the citizen.
"""
from __future__ import annotations

from dataclasses import dataclass

CARD_ID_LENGTH = 16
CARD_RID = bytes.fromhex("D156000005")      # bytes 4-8 of every 卡识别码
REGION_LENGTH, RID_LENGTH = 3, 5
CHIP_OFFSET = REGION_LENGTH + RID_LENGTH     # 8: the chip serial fills bytes 9-16

ATR_HISTORICAL_LENGTH = 13
ATR_HEADER_LENGTH = 7                        # 00 xx 54 4C xx 86 84 on the cards we know; not interpreted
ATR_REGION_BYTES = 2                         # the region's first two BCD bytes (4403 of 440300)
ATR_CHIP_BYTES = 4                           # the chip serial's first four bytes

FIELD = "卡识别码 card id"


def _bcd(data: bytes) -> str:
    """BCD digits, or "" when a nibble is above 9 (no exception: callers turn it into a warning)."""
    text = data.hex()
    return text if text.isdigit() else ""


@dataclass(frozen=True)
class CardId:
    """卡识别码 as the card holds it. Every property works on any length, so a card id of an
    unexpected shape can still be shown to a technician."""

    raw: bytes

    @property
    def text(self) -> str:
        """32 hex characters for a genuine card: 440300D1560000050050640776EF3192."""
        return self.raw.hex().upper()

    @property
    def region(self) -> str:
        """Six-digit region code (440300), or "" when the first three bytes are not BCD."""
        return _bcd(self.raw[:REGION_LENGTH]) if len(self.raw) >= REGION_LENGTH else ""

    @property
    def rid(self) -> str:
        return self.raw[REGION_LENGTH:CHIP_OFFSET].hex().upper()

    @property
    def chip(self) -> str:
        """The chip serial, 16 hex characters on a genuine card."""
        return self.raw[CHIP_OFFSET:].hex().upper()

    def __str__(self) -> str:
        return self.text


def decode_card_id(value: bytes) -> tuple[CardId, list[str]]:
    """The card id and what is odd about it. Warnings name the region and the RID (facts about
    the card's issuer) but never the chip serial, which identifies one card."""
    card_id, warnings = CardId(bytes(value)), []
    if len(value) != CARD_ID_LENGTH:
        warnings.append(f"{FIELD}: {len(value)} bytes, expected {CARD_ID_LENGTH}")
    if not card_id.region:
        warnings.append(f"{FIELD}: region {value[:REGION_LENGTH].hex().upper() or '(none)'} is not 3 BCD bytes")
    if value[REGION_LENGTH:CHIP_OFFSET] != CARD_RID:
        warnings.append(f"{FIELD}: RID is {card_id.rid or '(none)'}, expected {CARD_RID.hex().upper()}")
    return card_id, warnings


def encode_card_id(region: str, chip: bytes) -> bytes:
    """region "440300" and an 8-byte chip serial → the 16 bytes a card holds (for the simulator)."""
    if not (len(region) == 2 * REGION_LENGTH and region.isascii() and region.isdigit()):
        raise ValueError("a region code is 6 digits")
    if len(chip) != CARD_ID_LENGTH - CHIP_OFFSET:
        raise ValueError("the chip serial is 8 bytes")
    return bytes.fromhex(region) + CARD_RID + chip


# ------------------------------------------------------------------ ATR
def atr_historical_bytes(atr: bytes) -> bytes | None:
    """The historical bytes of an ATR (ISO/IEC 7816-3 section 8.2), or None if the ATR's own
    length fields do not add up. Walks the interface bytes rather than assuming 3B 6D 00 00, so
    a reader configured with other ATR prefixes is still cross-checked correctly."""
    if len(atr) < 2 or atr[0] not in (0x3B, 0x3F):
        return None
    count, indicator, i = atr[1] & 0x0F, atr[1] >> 4, 2
    only_t0 = True
    while True:
        i += bin(indicator & 0x07).count("1")          # TAi, TBi, TCi present
        if not indicator & 0x08:                        # no TDi: interface bytes end here
            break
        if i >= len(atr):
            return None
        only_t0 = only_t0 and atr[i] & 0x0F == 0
        indicator, i = atr[i] >> 4, i + 1
    check_byte = 0 if only_t0 else 1                    # TCK exists unless T=0 is the only protocol
    if i + count + check_byte != len(atr):
        return None
    return atr[i:i + count]


def atr_echo(card_id: bytes) -> bytes:
    """What the last 6 historical bytes repeat of 卡识别码: region bytes 1-2, chip bytes 1-4."""
    return card_id[:ATR_REGION_BYTES] + card_id[CHIP_OFFSET:CHIP_OFFSET + ATR_CHIP_BYTES]


def build_atr(card_id: bytes, header: bytes) -> bytes:
    """3B 6D 00 00 + header (7 bytes) + the echo of the card id: a genuine card's ATR (simulator)."""
    if len(header) != ATR_HEADER_LENGTH:
        raise ValueError(f"the historical bytes' header is {ATR_HEADER_LENGTH} bytes")
    historical = header + atr_echo(card_id)
    # T0 = 6D: TB1 and TC1 follow (both 00: no programming voltage, no extra guard time), no
    # TD1 (so T=0 only and no TCK), 13 historical bytes.
    return bytes([0x3B, 0x60 | len(historical), 0x00, 0x00]) + historical


def check_atr(atr: bytes, card_id: CardId) -> list[str]:
    """Does the ATR echo this card id? Mismatches are warnings: the card id in EF05 is what the
    kiosk keeps, the ATR only corroborates it. An empty ATR (not known) is not checked."""
    if not atr:
        return []
    historical = atr_historical_bytes(atr)
    if historical is None:
        return [f"ATR: {atr.hex().upper()} is not a well-formed ISO 7816-3 ATR; 卡识别码 not cross-checked"]
    if len(historical) != ATR_HISTORICAL_LENGTH:
        return [f"ATR: {len(historical)} historical bytes, expected {ATR_HISTORICAL_LENGTH}; "
                "卡识别码 not cross-checked"]
    if len(card_id.raw) != CARD_ID_LENGTH:
        return []                                    # decode_card_id has said so already
    echoed = historical[ATR_HEADER_LENGTH:]
    expected = atr_echo(card_id.raw)
    warnings = []
    if echoed[:ATR_REGION_BYTES] != expected[:ATR_REGION_BYTES]:
        warnings.append(f"ATR: historical bytes 8-9 carry region {echoed[:ATR_REGION_BYTES].hex().upper()}, "
                        f"卡识别码 starts {expected[:ATR_REGION_BYTES].hex().upper()}")
    if echoed[ATR_REGION_BYTES:] != expected[ATR_REGION_BYTES:]:
        warnings.append("ATR: historical bytes 10-13 differ from chip serial bytes 1-4 of 卡识别码")
    return warnings
