"""The internal self-test's look at a device's link: present, missing, not ours to use."""
from __future__ import annotations

import os
import socket
import tempfile
from pathlib import Path

from kiosk.roles.camera import CameraDevice
from kiosk.roles.id_card_reader import IdCardReaderDevice
from kiosk.roles.laser_printer import LaserPrinterDevice
from kiosk.roles.ticket_printer import TicketPrinterDevice
from kiosk.selftest import link_present
from kiosk.wording import say


def test_a_serial_port_is_there_or_named_as_missing(tmp_path):
    port = tmp_path / "ttyUSB0"
    port.write_bytes(b"")
    assert link_present(TicketPrinterDevice(transport="serial", port=str(port)))[0]
    ok, why, detail = link_present(IdCardReaderDevice(transport="serial", port="/dev/ttyNOPE3"))
    assert not ok and say(why, "zh_CN") == "找不到设备接口：/dev/ttyNOPE3" and "no such device" in detail


def test_a_port_without_permission_points_at_the_udev_rules():
    folder = Path(tempfile.mkdtemp(prefix="dev-"))
    folder.chmod(0o755)                              # like /dev: anyone may look, not use
    port = folder / "ttyUSB9"
    port.write_bytes(b"")
    os.chmod(port, 0)
    if os.access(port, os.R_OK | os.W_OK):          # root reads anything: the check is for the kiosk's user
        os.setegid(65534), os.seteuid(65534)
        try:
            ok, why, detail = link_present(TicketPrinterDevice(transport="serial", port=str(port)))
        finally:
            os.seteuid(0), os.setegid(0)
    else:
        ok, why, detail = link_present(TicketPrinterDevice(transport="serial", port=str(port)))
    assert not ok and say(why, "en") == f"No permission to use the device port: {port}" and "udev" in detail


def test_a_network_printer_that_cannot_be_resolved_and_a_cups_server_that_is_not_there(tmp_path):
    ok, why, _ = link_present(TicketPrinterDevice(transport="tcp", host="printer.invalid", tcp_port=9100))
    assert not ok and say(why, "zh_CN") == "设备的网络地址无法解析：printer.invalid:9100"
    ok, why, detail = link_present(LaserPrinterDevice(queue="forms", server=str(tmp_path / "cups.sock")))
    assert not ok and "CUPS" in say(why, "en") and detail
    with socket.socket(socket.AF_UNIX) as listening:
        listening.bind(str(tmp_path / "cups.sock"))
        listening.listen()
        assert link_present(LaserPrinterDevice(queue="forms", server=str(tmp_path / "cups.sock")))[0]


def test_a_camera_index_is_its_video_node():
    ok, why, _ = link_present(CameraDevice(source="7"))
    assert not ok and say(why, "zh_CN") == "找不到设备接口：/dev/video7"
    assert link_present(CameraDevice(source="http://127.0.0.1:8080/stream.mjpg"))[0]   # opened by the external test
