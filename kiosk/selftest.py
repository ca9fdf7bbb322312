"""Self-tests: the same three levels for every device role, as JavaPOS/UnifiedPOS gives every
device (checkHealth: internal, external, interactive).

- internal: the driver is loaded, the device's own thread answers, and the link it needs is
  there (its serial port and the right to use it, its network address, pcscd and the named
  reader, the camera's node, the CUPS server) — nothing is said to the device itself;
- external: the device answers (the printer's status bytes, the SAM's id, camera frames, every
  door of every board, the form printer's state over IPP): a fresh check of its health;
- interactive: a person looks at the result (a test slip, a test form page, a test read, a
  test door on an empty cell); those are the technician screen's buttons and kiosk-diag's
  commands, and each is journalled in the health timeline.

The kiosk runs internal and external at start-up (kiosk.core) and on demand; `kiosk-diag
selftest --json` runs them from the shell and exits 1 when a device fails.
"""
from __future__ import annotations

import os
import socket
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from kiosk.devices import DeviceHealth
from kiosk.wording import NOTHING, Sentence, say

LEVELS = ("internal", "external", "interactive")
LEVEL_WORDS = {"internal": Sentence("内部自检"), "external": Sentence("外部自检"), "interactive": Sentence("交互自检")}
PASSED = Sentence("通过")


@dataclass(frozen=True)
class SelfTest:
    role: str
    name: str
    level: str
    passed: bool
    message: Sentence = NOTHING     # why not (or what the device said), for the technician
    detail: str = ""                # the technical facts: a port, an error, status fields
    ms: float = 0.0

    def as_json(self) -> dict:
        return {"role": self.role, "name": self.name, "level": self.level, "passed": self.passed,
                "message_zh": say(self.message, "zh_CN"), "message_en": say(self.message, "en"),
                "detail": self.detail, "ms": round(self.ms, 1)}

    def said(self) -> Sentence:
        """"外部自检通过", "内部自检未通过：找不到设备接口 /dev/ttyUSB1"."""
        if self.passed:
            return Sentence("{level}通过", level=LEVEL_WORDS[self.level])
        return Sentence("{level}未通过：{why}", level=LEVEL_WORDS[self.level], why=self.message)


def run_all(roles, check: Callable[[object], DeviceHealth]) -> list[SelfTest]:
    """Internal then external, device by device; check(role) asks the device for its health now
    (a started role's check_now, or kiosk-diag's check_once on a role it has just built)."""
    results = []
    for role in roles:
        results.append(internal(role))
        started = time.perf_counter()
        try:
            health = check(role)
        except Exception as e:          # a device that never answers is the finding
            health = DeviceHealth(role.name, role.health.name, "fault", Sentence("设备没有在 10 秒内回答"),
                                  {"last_error": f"{type(e).__name__}: {e}"})
        results.append(external(role, health, started))
    return results


def internal(role) -> SelfTest:
    started = time.perf_counter()
    try:
        role._worker.submit(lambda: None).result(timeout=2)
    except Exception:
        return SelfTest(role.name, role.health.name, "internal", False, Sentence("设备线程没有响应"),
                        "the device's worker thread did not run a no-op within 2 s", _ms(started))
    ok, message, detail = link_present(role.settings)
    return SelfTest(role.name, role.health.name, "internal", ok, message, detail, _ms(started))


def external(role, health: DeviceHealth, started: float) -> SelfTest:
    """From a health the device has just given (role.check_now / check_once)."""
    facts = ", ".join(f"{k}={v}" for k, v in health.details.items()
                      if k not in ("last_error", "faulty_cells") and v not in ("", None, [], {}))
    error = health.details.get("last_error") or ""
    return SelfTest(role.name, health.name, "external", health.usable,
                    health.reason if not health.usable else NOTHING,
                    "; ".join(x for x in (facts, error if not health.usable else "") if x), _ms(started))


def link_present(settings) -> tuple[bool, Sentence, str]:
    """(present, why not, what was looked at) for whatever link the settings name."""
    transport = getattr(settings, "transport", "serial" if getattr(settings, "port", "") else "")
    if getattr(settings, "driver", "") == "pcsc":
        return _pcscd(settings.reader)
    if getattr(settings, "driver", "") == "opencv":
        return _camera(settings.source)
    if getattr(settings, "driver", "") == "cups":
        return _cups(settings.server)
    if transport == "serial":
        return _device_node(settings.port, f"serial {settings.port}")
    if transport == "tcp":
        where = f"{settings.host}:{settings.tcp_port}"
        try:
            socket.getaddrinfo(settings.host, settings.tcp_port, type=socket.SOCK_STREAM)
        except OSError as e:
            return False, Sentence("设备的网络地址无法解析：{where}", where=where), str(e)
        return True, NOTHING, f"tcp {where}"
    if transport == "usb":
        found = _usb_present(settings.usb_vendor, settings.usb_product)
        where = f"USB {settings.usb_vendor:04x}:{settings.usb_product:04x}"
        return (True, NOTHING, where) if found else (False, Sentence("找不到设备接口：{where}", where=where), where)
    return True, NOTHING, "no link to look at"


def _device_node(path: str, what: str) -> tuple[bool, Sentence, str]:
    try:
        os.stat(path)
    except FileNotFoundError:
        return False, Sentence("找不到设备接口：{where}", where=path), f"{what}: no such device"
    except OSError:
        pass                            # not even ours to look at: said just below
    if not os.access(path, os.R_OK | os.W_OK, effective_ids=os.access in os.supports_effective_ids):
        return False, Sentence("没有权限使用设备接口：{where}", where=path), \
            f"{what}: not readable and writable by uid {os.getuid()} (see the udev rules in docs/)"
    return True, NOTHING, what


def _pcscd(reader: str) -> tuple[bool, Sentence, str]:
    try:
        from smartcard.System import readers
        names = [str(r) for r in readers()]
    except Exception as e:          # pyscard raises its own types for "no service"
        return False, Sentence("读卡服务 pcscd 没有响应"), f"{type(e).__name__}: {e}"
    matching = [n for n in names if reader in n]
    if not matching:
        return False, Sentence("找不到读卡器：{name}", name=reader or "…"), f"pcscd lists {names or 'no reader'}"
    return True, NOTHING, f"pcscd: {matching[0]}"


def _camera(source: str) -> tuple[bool, Sentence, str]:
    if source.isdigit():
        return _device_node(f"/dev/video{source}", f"camera {source}")
    if source.startswith("/dev/"):
        return _device_node(source, f"camera {source}")
    return True, NOTHING, f"camera {source.split('?')[0]}"      # a stream URL: the external test opens it


def _cups(server: str) -> tuple[bool, Sentence, str]:
    where = server or "/run/cups/cups.sock"
    try:
        if where.startswith("/"):
            with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
                s.settimeout(1)
                s.connect(where)
        else:
            host, _, port = where.rpartition(":")
            socket.create_connection((host or "localhost", int(port or 631)), timeout=1).close()
    except (OSError, ValueError) as e:
        return False, Sentence("打印服务 CUPS 没有响应：{where}", where=where), str(e)
    return True, NOTHING, f"cups {where}"


def usb_devices() -> list[tuple[str, str, str]]:
    """(vendor id, product id, product name) of every device on the USB bus, ids in hex as sysfs
    writes them; for the internal self-test and the bundle."""
    found = []
    for device in sorted(Path("/sys/bus/usb/devices").glob("*")):
        try:
            ids = [(device / f).read_text().strip() if (device / f).exists() else ""
                   for f in ("idVendor", "idProduct", "product")]
        except OSError:
            continue
        if ids[0]:
            found.append(tuple(ids))
    return found


def _usb_present(vendor: int, product: int) -> bool:
    return f"{vendor:04x}:{product:04x}" in {f"{v}:{p}" for v, p, _ in usb_devices()}


def _ms(started: float) -> float:
    return (time.perf_counter() - started) * 1000
