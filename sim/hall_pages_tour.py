"""The staff pages' screenshot tour: kiosk-hall with a morning's queue, seen in a real browser.

    python -m sim.hall_pages_tour OUT        OUT/window.png and OUT/display.png, 1920x1080

Starts kiosk-hall (the shipped hall.yaml and catalogue.yaml, a Monday at 10:00) on 127.0.0.1,
has two kiosks take a dozen numbers and five windows call, then opens /window (logged in at
1号窗口) and /display in Debian's headless chromium and saves both. A person should look at the
PNGs: /display is read from across the hall by someone of seventy.

It needs the `chromium` and `chromium-driver` packages and the `selenium` Python package (the
test extras); `chromium()` is also how tests/browser starts its browsers.
"""
from __future__ import annotations

import contextlib
import sys
import tempfile
import time
import uuid
from datetime import datetime
from pathlib import Path

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
DEMO_MORNING = datetime(2026, 11, 23, 10, 0)          # a Monday: the shipped hall is open
DEMO_STAFF = ("W01-wang", "demo-password")


class BrowserUnavailable(RuntimeError):
    pass


def chromium(width: int = 1920, height: int = 1080):
    """Headless chromium driven by Debian's chromedriver; BrowserUnavailable saying why not."""
    missing = [p for p in (CHROMIUM, CHROMEDRIVER) if not Path(p).exists()]
    if missing:
        raise BrowserUnavailable(f"{' and '.join(missing)} missing: apt-get install -y chromium chromium-driver")
    try:
        from selenium import webdriver
        from selenium.common.exceptions import WebDriverException
        from selenium.webdriver.chrome.service import Service
    except ImportError as e:
        raise BrowserUnavailable(f"the selenium package is missing ({e}): pip install selenium") from None
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                     f"--window-size={width},{height}", "--hide-scrollbars", "--lang=zh-CN",
                     "--autoplay-policy=no-user-gesture-required",      # the board's chime, as a hall PC is set up
                     "--disable-background-timer-throttling", "--disable-renderer-backgrounding"):
        options.add_argument(argument)
    try:
        driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    except WebDriverException as e:
        raise BrowserUnavailable(f"headless chromium did not start: {e.msg or e}") from None
    inner_width, inner_height = driver.execute_script("return [window.innerWidth, window.innerHeight]")
    if (inner_width, inner_height) != (width, height):          # the page itself gets width x height
        driver.set_window_size(2 * width - inner_width, 2 * height - inner_height)
    return driver


@contextlib.contextmanager
def serve(app, graceful_s: float = 1.0):
    """uvicorn serving `app` on a free port of 127.0.0.1, in a thread; yields the base URL."""
    from sim.served import Served
    with Served(app, graceful_s=graceful_s) as served:
        yield served.url


def _morning(url: str, accounts, now: datetime) -> None:
    """Two kiosks take numbers for several window groups; five windows call, one has finished."""
    import requests
    from kiosk.hall.http_hall import HttpHall
    from kiosk.hall.model import Citizen, TicketKind, TicketRequest
    kiosks = [HttpHall(url, accounts.create_kiosk_token(f"kiosk-{n}", now)) for n in (1, 2)]
    items = ["SM001", "SM024", "QY002", "GA001", "SM001", "SW001", "SM017", "QY001", "GA002", "SM002", "SM041",
             "SM030", "SW003", "GA001", "SM001"]
    for n, item in enumerate(items):
        kind = TicketKind.CONSULT if n % 5 == 3 else TicketKind.ACCEPT
        kiosk = kiosks[n % 2]
        reservation = kiosk.reserve_ticket(TicketRequest(item, kind, Citizen(), "", uuid.uuid4().hex))
        kiosk.start_printing(reservation.reservation_id)
        kiosk.confirm_ticket(reservation.reservation_id)
    accounts.add_staff(*DEMO_STAFF, name="王芳")
    token = requests.post(f"{url}/v1/staff/login", json=dict(zip(("staff_id", "password"), DEMO_STAFF)),
                          timeout=10).json()["token"]
    headers = {"Authorization": f"Bearer {token}"}
    for window in ("W13", "W07", "W16", "W05", "W01"):
        called = requests.post(f"{url}/v1/windows/{window}/call-next", headers=headers, timeout=10).json()
        if window == "W16":
            requests.post(f"{url}/v1/tickets/{called['ticket_id']}/complete", json={"no_show": False},
                          headers=headers, timeout=10)
    health = {"devices": [{"role": "ticket_printer", "name": "ESC/POS 80 mm", "state": "ok"},
                          {"role": "id_card", "name": "SAM", "state": "ok"}]}
    requests.post(f"{url}/v1/kiosks/kiosk-1/health", json=health, timeout=10,
                  headers={"Authorization": f"Bearer {kiosks[0]._token}"})


def _log_in(driver, url: str, window_id: str) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as shown
    from selenium.webdriver.support.ui import WebDriverWait
    driver.get(f"{url}/window")
    driver.find_element(By.ID, "staff-id").send_keys(DEMO_STAFF[0])
    driver.find_element(By.ID, "password").send_keys(DEMO_STAFF[1])
    driver.find_element(By.ID, "login-button").click()
    WebDriverWait(driver, 10).until(shown.element_to_be_clickable((By.CSS_SELECTOR, f"[data-window={window_id}]")))
    driver.find_element(By.CSS_SELECTOR, f"[data-window={window_id}]").click()
    WebDriverWait(driver, 10).until(shown.visibility_of_element_located((By.CSS_SELECTOR, "#queue-list li")))


def run(out_dir: Path, config_dir: Path | None = None) -> dict:
    """Save window.png and display.png (1920x1080) in out_dir; returns their paths."""
    from selenium.webdriver.support.ui import WebDriverWait
    from kiosk.config import load_hall_settings
    from kiosk.hall.sqlite_hall import SqliteHall
    from kiosk.server.accounts import Accounts
    from kiosk.server.app import create_app
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    config_dir = config_dir or Path(__file__).resolve().parent.parent / "config"
    settings = load_hall_settings(config_dir)
    with tempfile.TemporaryDirectory(prefix="hall-pages-tour-") as scratch:
        hall = SqliteHall(settings, Path(scratch) / "hall.sqlite", clock=lambda: DEMO_MORNING)
        accounts = Accounts(Path(scratch) / "hall.sqlite")
        driver = None
        try:
            with serve(create_app(hall, accounts, clock=lambda: DEMO_MORNING)) as url:
                _morning(url, accounts, DEMO_MORNING)
                driver = chromium()
                _log_in(driver, url, "W01")
                time.sleep(0.3)                                         # the live mark settles
                driver.save_screenshot(str(out_dir / "window.png"))
                driver.get(f"{url}/display")
                WebDriverWait(driver, 10).until(lambda d: d.execute_script("return window.hallDisplay.states > 0"))
                time.sleep(0.3)
                driver.save_screenshot(str(out_dir / "display.png"))
        finally:
            if driver is not None:
                driver.quit()
            hall.close()
            accounts.close()
    return {"window": out_dir / "window.png", "display": out_dir / "display.png"}


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) != 1:
        print("usage: python -m sim.hall_pages_tour OUT_DIR", file=sys.stderr)
        return 2
    try:
        files = run(Path(argv[0]))
    except BrowserUnavailable as e:
        print(f"hall pages tour: {e}", file=sys.stderr)
        return 1
    for name, path in files.items():
        print(f"{name}: {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
