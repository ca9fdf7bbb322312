import pytest

from kiosk.app import build_core
from kiosk.config import load_config


@pytest.fixture
def kiosk(tmp_path):
    """A started kiosk core on simulated devices with the demo hall; stopped after the test."""
    core = build_core(load_config(), sim=True, out_dir=tmp_path)
    yield core
    core.stop()
