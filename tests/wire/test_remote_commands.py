"""A technician at the hall server's /admin asks a kiosk for a test print or a restart: the kiosk
hears it pushed (or reads it on reconnect), does it once, and answers; the server journals who
asked and what the kiosk said. Only staff may ask, and a kiosk answers only its own."""
from __future__ import annotations

import requests
import pytest

from kiosk.app import build_core
from kiosk.config import HallServer, load_config
from kiosk.events import RestartAsked
from tests.wire.test_offline_issuing import Hall, wait_until

pytestmark = pytest.mark.wire


def test_a_test_print_and_a_restart_asked_from_admin_are_done_once_and_journalled(tmp_path, monkeypatch):
    config = load_config().with_devices(ssc_reader=None, camera=None)
    hall = Hall(tmp_path, config.hall_settings())
    hall.start()
    hall.accounts.add_staff("W01-wang", "a long password")
    staff = {"Authorization": "Bearer " + requests.post(f"{hall.url}/v1/staff/login", timeout=10, json={
        "staff_id": "W01-wang", "password": "a long password"}).json()["token"]}
    token = hall.accounts.create_kiosk_token("kiosk-4", hall.clock())
    # asked while the kiosk was away: done when it connects (push is a hint, the state is read)
    asked = requests.post(f"{hall.url}/v1/kiosks/kiosk-4/commands", json={"command": "test_print"}, headers=staff,
                          timeout=5)
    assert asked.status_code == 201
    server = HallServer(url=hall.url, token=token, kiosk_number=4)
    config = config.model_copy(update={"kiosk": config.kiosk.model_copy(update={"id": "kiosk-4", "hall_server": server})})
    core = build_core(config, sim=True, out_dir=tmp_path / "kiosk", clock=hall.clock)
    restarts = []
    core.add_listener(lambda e: restarts.append(e) if isinstance(e, RestartAsked) else None)

    def commands():
        kiosks = requests.get(f"{hall.url}/v1/admin/kiosks", headers=staff, timeout=5).json()
        return next((k for k in kiosks if k["kiosk_id"] == "kiosk-4"), {}).get("commands", [])
    try:
        wait_until(lambda: commands() and commands()[0]["state"] == "done", 10, "the test print answered")
        assert "TEST" in core.simulators.printer.wait_for_tickets(1)[-1].text
        done = commands()[0]
        assert (done["command"], done["asked_by"], done["result"]) == ("test_print", "W01-wang", "test slip printed")

        # A restart of a kiosk systemd does not run would leave it stopped: refused, said why.
        requests.post(f"{hall.url}/v1/kiosks/kiosk-4/commands", json={"command": "restart"}, headers=staff, timeout=5)
        wait_until(lambda: commands()[0]["state"] == "failed", 5, "the restart refused")
        assert "not run by systemd" in commands()[0]["result"] and not restarts
        monkeypatch.setenv("NOTIFY_SOCKET", str(tmp_path / "notify"))        # under systemd now
        requests.post(f"{hall.url}/v1/kiosks/kiosk-4/commands", json={"command": "restart"}, headers=staff, timeout=5)
        wait_until(lambda: restarts, 5, "the restart asked of the screens")
        assert commands()[0]["state"] == "done" and commands()[0]["result"] == "restarting"
        assert len(core.simulators.printer.printed) == 1                   # the first command, once
        day = [str(e.reason) for e in core.timeline.day() if e.state == "asked"]
        assert day == ["管理页要求测试打印：test slip printed",
                       "管理页要求重启：not run by systemd: a restart would leave the kiosk stopped",
                       "管理页要求重启：restarting"]

        # Only staff ask; a kiosk answers only its own commands, once.
        kiosk_auth = {"Authorization": f"Bearer {token}"}
        assert requests.post(f"{hall.url}/v1/kiosks/kiosk-4/commands", json={"command": "restart"},
                             headers=kiosk_auth, timeout=5).status_code in (401, 403)
        assert requests.post(f"{hall.url}/v1/kiosks/kiosk-4/commands", json={"command": "format_disk"},
                             headers=staff, timeout=5).status_code == 422
        again = requests.post(f"{hall.url}/v1/kiosks/kiosk-4/commands/{done['command_id']}", json={"ok": False},
                              headers=kiosk_auth, timeout=5)
        assert again.status_code == 404
        other = hall.accounts.create_kiosk_token("kiosk-5", hall.clock())
        assert requests.post(f"{hall.url}/v1/kiosks/kiosk-4/commands/{done['command_id']}", json={"ok": True},
                             headers={"Authorization": f"Bearer {other}"}, timeout=5).status_code == 403
    finally:
        core.stop()
        hall.close()
