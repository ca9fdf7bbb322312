"""Signed appointment tokens: what the QR code of a WeChat appointment carries.

    v1.<payload>.<signature>        both parts base64url without padding

No personal data is inside: only which appointment, at which hall, when the token is valid, a
one-time nonce and the id of the signing key. The payload is packed binary because the token
becomes a QR code on a phone screen, and every byte saved makes the modules bigger and the code
easier for the kiosk's camera to read. Layout (integers big-endian):

    1 byte key-id length, key id (ASCII, 1-16)
    1 byte hall-id length, hall id (UTF-8, 1-64)
    1 byte appointment-id length, appointment id (ASCII, 1-64)
    4 bytes not-before, 4 bytes expiry: seconds since 1970-01-01 00:00 on the hall's wall clock
    8 bytes nonce

The signature covers the ASCII text `v1.<payload>`, exactly what the code carries. The algorithm
comes from the key (found by key id), never from the token, so a token cannot choose a weaker
one. HMAC-SHA256 signatures are truncated to 16 bytes (HMAC-SHA256-128 as in RFC 4868: forging
one is a 2^-128 guess) to keep the code small; Ed25519 signatures are 64 bytes. More algorithms
(SM2 where 商用密码 rules apply) plug in through register_algorithm().

Verification takes the bytes a QR decoder returns and either gives a verified AppointmentToken or
raises TokenRefusal with a reason a citizen can be told. Whether the nonce was already used is the
hall's decision (SqliteHall.appointment_for_token), hence REPLAYED is raised there.
"""
from __future__ import annotations

import base64
import binascii
import enum
import hashlib
import hmac
import re
import secrets
import struct
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable

from kiosk.wording import Sentence

if TYPE_CHECKING:
    from kiosk.config import AppointmentKey, KioskConfig
    from kiosk.hall.model import Appointment

PREFIX = b"v1."
MAX_TOKEN_BYTES = 512        # a v1 token with every field at its longest is about 310 bytes
NONCE_BYTES = 8
_EPOCH = datetime(1970, 1, 1)
_KEY_ID = re.compile(rb"[A-Za-z0-9_-]{1,16}")
_APPOINTMENT_ID = re.compile(rb"[A-Za-z0-9_-]{1,64}")
_B64URL = re.compile(rb"[A-Za-z0-9_-]*")
_TIMES = struct.Struct(">II")
_STRIP = b" \t\r\n"          # decoders and keyboard-wedge scanners add line ends


class TokenRefusalReason(str, enum.Enum):
    NOT_OURS = "not_ours"              # a payment code, a URL, any other QR code
    MALFORMED = "malformed"            # starts like ours but does not parse
    UNKNOWN_KEY = "unknown_key"        # signed with a key this hall does not know
    RETIRED_KEY = "retired_key"        # signed with a key the hall has retired
    FORGED = "forged"                  # the signature does not match
    NOT_YET_VALID = "not_yet_valid"
    EXPIRED = "expired"
    OTHER_HALL = "other_hall"          # a genuine token for another hall
    REPLAYED = "replayed"              # this token's nonce was already used for a check-in


_TEXT = {
    TokenRefusalReason.NOT_OURS: Sentence("这个二维码不是本大厅的预约码，请打开微信里的预约记录再扫一次。"),
    TokenRefusalReason.MALFORMED: Sentence("这个预约码无法识别，请在微信里重新打开预约记录再扫一次；还不行的话请到咨询台。"),
    TokenRefusalReason.UNKNOWN_KEY: Sentence("这个预约码在这台机器上暂时无法核验，请到咨询台办理签到。"),
    TokenRefusalReason.RETIRED_KEY: Sentence("这个预约码是旧版本的，请在微信里重新打开预约记录，刷新后再扫一次。"),
    TokenRefusalReason.FORGED: Sentence("这个预约码没有通过核验，请到咨询台问一下。"),
    TokenRefusalReason.NOT_YET_VALID: Sentence("这个预约码还没有生效，请稍后再扫一次，或者到咨询台问一下。"),
    TokenRefusalReason.EXPIRED: Sentence("这个预约码已经过期了。您可以取一张现场号，或者在微信里重新预约。"),
    TokenRefusalReason.OTHER_HALL: Sentence("这是其他大厅的预约码，请到预约的大厅签到；也可以在这里取一张现场号。"),
    TokenRefusalReason.REPLAYED: Sentence("这个预约码已经签到过了，一个码只能用一次。号票丢了的话请到咨询台。"),
}


class TokenRefusal(Exception):
    """The scanned code is not a usable appointment token. `detail` is for the log (no personal
    data is ever in a token); `message` (a Sentence) is for the citizen."""

    def __init__(self, reason: TokenRefusalReason, detail: str = ""):
        self.reason = TokenRefusalReason(reason)
        self.detail = detail
        self.message = _TEXT[self.reason]
        super().__init__(f"{self.reason.value}: {detail}" if detail else self.reason.value)


@dataclass(frozen=True)
class AppointmentToken:
    """What a verified token says. Times are the hall's local wall clock (naive), whole seconds."""

    appointment_id: str
    hall_id: str
    not_before: datetime
    expires: datetime
    nonce: str              # hex, 16 characters: the hall records it when the check-in is printed
    key_id: str


# ---------------------------------------------------------------- algorithms
@dataclass(frozen=True)
class Algorithm:
    """One signature algorithm: how to turn configured key bytes into a verify or sign function.

    Both loaders raise ValueError for a key of the wrong shape, so a bad key in hall.yaml is
    reported at start-up, not when the first citizen scans."""

    name: str
    signature_length: int
    load_verifier: Callable[[bytes], Callable[[bytes, bytes], bool]]    # key → verify(message, signature)
    load_signer: Callable[[bytes], Callable[[bytes], bytes]]            # key → sign(message)


ALGORITHMS: dict[str, Algorithm] = {}


def register_algorithm(algorithm: Algorithm) -> None:
    ALGORITHMS[algorithm.name] = algorithm


_HMAC_LENGTH = 16


def _hmac_key(secret: bytes) -> bytes:
    if len(secret) < 16:
        raise ValueError(f"an HMAC secret needs at least 16 bytes, this one has {len(secret)}")
    return secret


def _hmac_sign(secret: bytes) -> Callable[[bytes], bytes]:
    secret = _hmac_key(secret)
    return lambda message: hmac.new(secret, message, hashlib.sha256).digest()[:_HMAC_LENGTH]


def _hmac_verifier(secret: bytes) -> Callable[[bytes, bytes], bool]:
    sign = _hmac_sign(secret)
    return lambda message, signature: hmac.compare_digest(sign(message), signature)


def _ed25519_verifier(public: bytes) -> Callable[[bytes, bytes], bool]:
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
    if len(public) != 32:
        raise ValueError(f"an Ed25519 public key is 32 bytes, this one has {len(public)}")
    key = Ed25519PublicKey.from_public_bytes(public)

    def verify(message: bytes, signature: bytes) -> bool:
        try:
            key.verify(signature, message)
            return True
        except InvalidSignature:
            return False
    return verify


def _ed25519_signer(private: bytes) -> Callable[[bytes], bytes]:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    if len(private) != 32:
        raise ValueError(f"an Ed25519 private key is 32 bytes, this one has {len(private)}")
    return Ed25519PrivateKey.from_private_bytes(private).sign


register_algorithm(Algorithm("hmac-sha256", _HMAC_LENGTH, _hmac_verifier, _hmac_sign))
register_algorithm(Algorithm("ed25519", 64, _ed25519_verifier, _ed25519_signer))


def b64url_decode(text: str | bytes) -> bytes:
    """Key material from YAML: base64url, padding optional."""
    data = text.encode() if isinstance(text, str) else text
    data = data.strip()
    if not _B64URL.fullmatch(data.rstrip(b"=")):
        raise ValueError("not base64url")
    try:
        return base64.urlsafe_b64decode(data.rstrip(b"=") + b"=" * (-len(data.rstrip(b"=")) % 4))
    except binascii.Error as e:
        raise ValueError(f"not base64url: {e}") from None


def _b64(data: bytes) -> bytes:
    return base64.urlsafe_b64encode(data).rstrip(b"=")


def _strict_b64(part: bytes) -> bytes:
    """Only the one canonical encoding is accepted, so no two texts carry the same token."""
    if not _B64URL.fullmatch(part) or len(part) % 4 == 1:
        raise TokenRefusal(TokenRefusalReason.MALFORMED, "not base64url")
    try:
        data = base64.urlsafe_b64decode(part + b"=" * (-len(part) % 4))
    except binascii.Error:
        raise TokenRefusal(TokenRefusalReason.MALFORMED, "not base64url") from None
    if _b64(data) != part:
        raise TokenRefusal(TokenRefusalReason.MALFORMED, "non-canonical base64url")
    return data


# ---------------------------------------------------------------- packing
def _seconds(moment: datetime) -> int:
    if moment.tzinfo is not None:
        raise ValueError("token times are the hall's local wall clock: pass a naive datetime")
    value = int((moment - _EPOCH).total_seconds())
    if not 0 <= value < 2 ** 32:
        raise ValueError(f"{moment} is outside what a v1 token can carry")
    return value


def _field(value: str, pattern: re.Pattern | None, name: str, limit: int) -> bytes:
    data = value.encode("utf-8")
    if not 1 <= len(data) <= limit or (pattern is not None and not pattern.fullmatch(data)):
        raise ValueError(f"{name} {value!r} cannot go into a token")
    return bytes([len(data)]) + data


def pack_payload(token: AppointmentToken) -> bytes:
    nonce = bytes.fromhex(token.nonce)
    if len(nonce) != NONCE_BYTES:
        raise ValueError(f"a nonce is {NONCE_BYTES} bytes")
    return (_field(token.key_id, _KEY_ID, "key id", 16) + _field(token.hall_id, None, "hall id", 64)
            + _field(token.appointment_id, _APPOINTMENT_ID, "appointment id", 64)
            + _TIMES.pack(_seconds(token.not_before), _seconds(token.expires)) + nonce)


def unpack_payload(payload: bytes) -> AppointmentToken:
    """The binary payload → token fields; TokenRefusal(MALFORMED) for anything out of shape."""
    fields, at = [], 0
    for pattern in (_KEY_ID, None, _APPOINTMENT_ID):
        if at >= len(payload):
            raise TokenRefusal(TokenRefusalReason.MALFORMED, "payload too short")
        length = payload[at]
        value = payload[at + 1: at + 1 + length]
        if length == 0 or len(value) != length or (pattern is not None and not pattern.fullmatch(value)):
            raise TokenRefusal(TokenRefusalReason.MALFORMED, "bad field in payload")
        try:
            fields.append(value.decode("utf-8"))
        except UnicodeDecodeError:
            raise TokenRefusal(TokenRefusalReason.MALFORMED, "hall id is not UTF-8") from None
        at += 1 + length
    rest = payload[at:]
    if len(rest) != _TIMES.size + NONCE_BYTES:
        raise TokenRefusal(TokenRefusalReason.MALFORMED, "payload has the wrong length")
    not_before, expires = _TIMES.unpack(rest[:_TIMES.size])
    if expires <= not_before:
        raise TokenRefusal(TokenRefusalReason.MALFORMED, "expires before it is valid")
    key_id, hall_id, appointment_id = fields
    return AppointmentToken(appointment_id, hall_id, _EPOCH + timedelta(seconds=not_before),
                            _EPOCH + timedelta(seconds=expires), rest[_TIMES.size:].hex(), key_id)


def is_appointment_token(raw: bytes | str) -> bool:
    """Cheap first look for a QR decoder: does this code claim to be one of ours?"""
    data = raw.encode("utf-8", "replace") if isinstance(raw, str) else bytes(raw[:64])
    return data.lstrip(_STRIP).startswith(PREFIX)


# ---------------------------------------------------------------- verify side
@dataclass(frozen=True)
class VerifyKey:
    key_id: str
    algorithm: str
    verify: Callable[[bytes, bytes], bool]
    signature_length: int
    retired: bool = False

    @classmethod
    def load(cls, key: "AppointmentKey") -> "VerifyKey":
        """From one entry of hall.yaml's appointments.keys; ValueError for a bad key."""
        algorithm = ALGORITHMS.get(key.algorithm)
        if algorithm is None:
            raise ValueError(f"unknown algorithm {key.algorithm!r} (known: {', '.join(ALGORITHMS)})")
        return cls(key.id, key.algorithm, algorithm.load_verifier(b64url_decode(key.key)),
                   algorithm.signature_length, key.retired)


class KeyRing:
    """The keys a hall accepts, by key id. Rotation: add the new key, let the booking system sign
    with it, and mark the old one `retired: true` once its tokens have expired; until then both
    verify. A retired key's tokens are refused with their own reason, not as forgeries."""

    def __init__(self, keys: Iterable[VerifyKey]):
        self._keys = {k.key_id: k for k in keys}

    @classmethod
    def from_config(cls, config: "KioskConfig") -> "KeyRing":
        """hall.yaml's appointments.keys; ConfigError naming the key that cannot be loaded."""
        from kiosk.config import ConfigError
        ring = []
        for i, key in enumerate(config.appointments.keys):
            try:
                ring.append(VerifyKey.load(key))
            except ValueError as e:
                raise ConfigError(config.directory / "hall.yaml", f"appointments.keys.{i}.key", str(e)) from None
        return cls(ring)

    def verify(self, raw: bytes | bytearray | memoryview | str, *, hall_id: str, now: datetime) -> AppointmentToken:
        """A verified token, or TokenRefusal. Never anything else, whatever bytes come in."""
        if isinstance(raw, str):
            raw = raw.encode("utf-8", "surrogatepass")
        data = bytes(raw)
        if len(data) > MAX_TOKEN_BYTES:      # before looking at anything else
            raise TokenRefusal(TokenRefusalReason.NOT_OURS, f"{len(data)} bytes, more than any token")
        data = data.strip(_STRIP)
        if not data.startswith(PREFIX):
            raise TokenRefusal(TokenRefusalReason.NOT_OURS, "no v1. prefix")
        parts = data.split(b".")
        if len(parts) != 3:
            raise TokenRefusal(TokenRefusalReason.MALFORMED, f"{len(parts)} parts, expected 3")
        payload, signature = _strict_b64(parts[1]), _strict_b64(parts[2])
        token = unpack_payload(payload)
        key = self._keys.get(token.key_id)
        if key is None:
            raise TokenRefusal(TokenRefusalReason.UNKNOWN_KEY, f"key id {token.key_id!r}")
        if key.retired:
            raise TokenRefusal(TokenRefusalReason.RETIRED_KEY, f"key id {token.key_id!r} is retired")
        if len(signature) != key.signature_length:
            raise TokenRefusal(TokenRefusalReason.MALFORMED, f"{len(signature)}-byte signature for {key.algorithm}")
        if not key.verify(PREFIX + parts[1], signature):
            raise TokenRefusal(TokenRefusalReason.FORGED, f"signature does not match key {token.key_id!r}")
        # Only now is the content trusted enough to explain to the citizen.
        if token.hall_id != hall_id:
            raise TokenRefusal(TokenRefusalReason.OTHER_HALL, f"token is for hall {token.hall_id!r}")
        if now < token.not_before:
            raise TokenRefusal(TokenRefusalReason.NOT_YET_VALID, f"valid from {token.not_before:%Y-%m-%d %H:%M:%S}")
        if now >= token.expires:
            raise TokenRefusal(TokenRefusalReason.EXPIRED, f"expired at {token.expires:%Y-%m-%d %H:%M:%S}")
        return token


# ---------------------------------------------------------------- booking side
# A token is valid from a little before it was issued (the booking server's clock and the
# kiosk's are never exactly equal) to the end of the slot's day: the hall's own check-in rules
# (too early, lapsed) then explain themselves better than a bare "expired" could.
CLOCK_SKEW = timedelta(minutes=5)


class Signer:
    """The booking system's side: signs tokens with one key (the demo keeps its keys in
    sim/appointments/signing_keys.yaml; a real booking system keeps them in its own vault)."""

    def __init__(self, key_id: str, algorithm: str, key: bytes, nonce: Callable[[], bytes] | None = None):
        if algorithm not in ALGORITHMS:
            raise ValueError(f"unknown algorithm {algorithm!r}")
        if not _KEY_ID.fullmatch(key_id.encode()):
            raise ValueError(f"key id {key_id!r} cannot go into a token")
        self.key_id, self.algorithm = key_id, algorithm
        self._sign = ALGORITHMS[algorithm].load_signer(key)
        self._nonce = nonce or (lambda: secrets.token_bytes(NONCE_BYTES))

    @classmethod
    def from_file(cls, path: Path | str, key_id: str | None = None) -> "Signer":
        """signing_keys.yaml: `active: ID` and `keys: [{id, algorithm, private_key | secret}]`."""
        import yaml
        raw = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
        wanted = key_id or raw.get("active")
        for entry in raw.get("keys") or []:
            if entry.get("id") == wanted:
                material = entry.get("private_key") or entry.get("secret")
                if not material:
                    raise ValueError(f"{path}: key {wanted}: no private_key or secret")
                return cls(wanted, entry.get("algorithm", ""), b64url_decode(material))
        known = ", ".join(str(e.get("id")) for e in raw.get("keys") or [])
        raise ValueError(f"{path}: no signing key {wanted!r} (known: {known})")

    def sign(self, token: AppointmentToken) -> str:
        if token.key_id != self.key_id:
            raise ValueError(f"token names key {token.key_id!r}, this signer holds {self.key_id!r}")
        signed = PREFIX + _b64(pack_payload(token))
        return (signed + b"." + _b64(self._sign(signed))).decode("ascii")

    def issue(self, appointment_id: str, hall_id: str, not_before: datetime, expires: datetime) -> str:
        """A token with a fresh nonce."""
        return self.sign(AppointmentToken(appointment_id, hall_id, not_before.replace(microsecond=0),
                                          expires.replace(microsecond=0), self._nonce().hex(), self.key_id))

    def token_for(self, appointment: "Appointment", issued_at: datetime) -> str:
        """The token the booking system shows for this appointment, issued at `issued_at`."""
        day_after = datetime.combine(appointment.slot_end.date() + timedelta(days=1), datetime.min.time())
        return self.issue(appointment.appointment_id, appointment.hall_id, issued_at - CLOCK_SKEW,
                          max(day_after, issued_at + CLOCK_SKEW))
