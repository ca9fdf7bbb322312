"""Supply levels straight from an IPP printer (toner, drum, waste), which pycups cannot read.

A printer reports each supply in `printer-supply` as an octetString such as
`index=1;class=supplyThatIsConsumed;type=toner;unit=percent;maxcapacity=100;level=37;colorantname=black;`
(PWG 5100.13), named in the same order by `printer-supply-description`. pycups returns octet
strings as "unknown IPP value tag 0x30", so this asks for just those two attributes with one
Get-Printer-Attributes request of our own (RFC 8010 encoding) over HTTP.
"""
from __future__ import annotations

import struct
import urllib.request

GET_PRINTER_ATTRIBUTES = 0x000B
TAG_OPERATION, TAG_END = 0x01, 0x03
TAG_OCTET_STRING, TAG_KEYWORD, TAG_URI, TAG_CHARSET, TAG_LANGUAGE = 0x30, 0x44, 0x45, 0x47, 0x48


def _attribute(tag: int, name: str, value: str) -> bytes:
    name_b, value_b = name.encode(), value.encode()
    return struct.pack(">BH", tag, len(name_b)) + name_b + struct.pack(">H", len(value_b)) + value_b


def request(uri: str, attributes: list[str], request_id: int = 1) -> bytes:
    body = struct.pack(">BBHI", 2, 0, GET_PRINTER_ATTRIBUTES, request_id) + bytes([TAG_OPERATION])
    body += _attribute(TAG_CHARSET, "attributes-charset", "utf-8")
    body += _attribute(TAG_LANGUAGE, "attributes-natural-language", "en")
    body += _attribute(TAG_URI, "printer-uri", uri)
    for i, name in enumerate(attributes):     # a 1setOf: the next values come with an empty name
        body += _attribute(TAG_KEYWORD, "requested-attributes" if i == 0 else "", name)
    return body + bytes([TAG_END])


def parse(response: bytes) -> dict[str, list[bytes]]:
    """Attribute name → its raw values (every group, every value of a 1setOf)."""
    found: dict[str, list[bytes]] = {}
    at, name = 8, ""
    while at < len(response):
        tag = response[at]
        at += 1
        if tag == TAG_END:
            break
        if tag < 0x10:          # a group delimiter
            continue
        name_len = struct.unpack_from(">H", response, at)[0]
        at += 2
        if name_len:
            name = response[at:at + name_len].decode(errors="replace")
        at += name_len
        value_len = struct.unpack_from(">H", response, at)[0]
        at += 2
        found.setdefault(name, []).append(response[at:at + value_len])
        at += value_len
    return found


def supply_levels(uri: str, timeout_s: float = 5.0) -> dict[str, int | None]:
    """Supply description → level in percent of its capacity (None: the printer does not know).
    OSError or ValueError when the printer does not answer or answers what is not IPP."""
    http = uri.replace("ipps://", "https://").replace("ipp://", "http://")
    if ":" not in http.split("://", 1)[1].split("/", 1)[0]:
        host, _, path = http.split("://", 1)[1].partition("/")
        http = f"{http.split('://')[0]}://{host}:631/{path}"
    call = urllib.request.Request(http, data=request(uri, ["printer-supply", "printer-supply-description"]),
                                  headers={"Content-Type": "application/ipp"})
    with urllib.request.urlopen(call, timeout=timeout_s) as answer:
        attributes = parse(answer.read())
    names = [v.decode(errors="replace") for v in attributes.get("printer-supply-description", [])]
    levels: dict[str, int | None] = {}
    for i, raw in enumerate(attributes.get("printer-supply", [])):
        fields = dict(part.split("=", 1) for part in raw.decode(errors="replace").split(";") if "=" in part)
        level, capacity = int(fields.get("level", -1)), int(fields.get("maxcapacity", 100) or 100)
        name = names[i] if i < len(names) else fields.get("type", f"supply {i + 1}")
        levels[name] = round(100 * level / capacity) if level >= 0 and capacity > 0 else None
    return levels
