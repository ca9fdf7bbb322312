"""Browser fixtures: Debian's chromium, headless, driven by its chromedriver through selenium,
against a real kiosk-hall (uvicorn on 127.0.0.1) serving a small hall at 10:00 on a Monday.

Two browsers for the module: one at a window, one showing the hall's display, as in a hall. A
browser that cannot start fails the test that needed it, with the reason; nothing is skipped."""
from __future__ import annotations

import pytest

from sim.hall_pages_tour import BrowserUnavailable, chromium
from tests.wire.test_hall_push import Hall


def _browser():
    try:
        return chromium(1600, 1000)
    except BrowserUnavailable as e:
        pytest.fail(f"the browser tests need headless chromium: {e}", pytrace=False)


@pytest.fixture(scope="module")
def staff_browser():
    driver = _browser()
    yield driver
    driver.quit()


@pytest.fixture(scope="module")
def board_browser():
    driver = _browser()
    yield driver
    driver.quit()


@pytest.fixture
def live_hall(tmp_path):
    with Hall(tmp_path) as hall:
        yield hall
