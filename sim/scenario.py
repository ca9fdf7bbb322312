"""Scenario files (sim/scenarios/*.yaml): how the simulated devices behave and which faults
they script, like pyvisa-sim's device files. One top-level key per device:

    description: Paper runs out after three tickets
    printer:
      state: ok                 # ok | paper_near_end | paper_out | cover_open | offline | cutter_error
      paper_out_after: 3        # tickets on the roll; the fourth finds the paper gone
    id_card:
      citizen: elder_zhang      # a card on the SAM reader at start (keys: sim/citizens/demo.yaml)
      faults: [garbage]         # no_card sam_self_test sam_not_authorised unknown_card bad_checksum ...
    social_security_card:       # a card in the PC/SC reader at start (sim/card/ssc_scenario.py)
      citizen: young_wang
      faults: {pull_after_apdus: 5}
    camera:                     # the QR camera's MJPEG stream (sim/camera/scenario.py)
      fps: 15
      script: [{nothing: 1.0}, {phone: "v1.…", seconds: 2}, {gone: true}]

The same file drives the tests, the demo (`kiosk --sim`) and the screenshot tour. A key this
module does not know is an error naming the file and the key, never silently ignored.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from pydantic import Field, create_model

from kiosk.config import ConfigError, Strict as _Strict, read_yaml
from sim.camera.scenario import CameraScenario
from sim.card.ssc_scenario import SscCardScenario
from sim.printer.states import PRINTER_STATES

PrinterState = Literal["ok", "paper_near_end", "paper_out", "cover_open", "offline", "cutter_error"]
assert set(PrinterState.__args__) == set(PRINTER_STATES)   # one list of states, kept in step


class ScenarioError(ConfigError):
    """A scenario file problem, naming the file and the key."""


class PrinterScenario(_Strict):
    """The virtual ESC/POS ticket printer."""
    state: PrinterState = "ok"
    paper_out_after: int | None = Field(default=None, ge=0, description="tickets before the roll runs out")
    near_end_after: int | None = Field(default=None, ge=0, description="tickets before the near-end sensor trips")
    cutter_error_after: int | None = Field(default=None, ge=1, description="the cut that jams the blade")
    width_dots: int = Field(default=576, ge=8, le=4096, description="576 for 80 mm paper, 384 for 58 mm")
    font_path: str | None = None
    transport: Literal["pty", "tcp"] = "pty"
    tcp_port: int = Field(default=9100, ge=0, le=65535)


class IdCardScenario(_Strict):
    """The virtual SAM ID card reader: whose card lies on it at start, and its faults."""
    citizen: str | None = Field(default=None, description="a key of sim/citizens/demo.yaml")
    faults: list[Literal["no_card", "sam_self_test", "sam_not_authorised", "unknown_card", "bad_checksum",
                         "garbage", "silent", "removed_after_select"]] = Field(default_factory=list)


class Scenario(_Strict):
    description: str = ""
    printer: PrinterScenario = Field(default_factory=PrinterScenario)
    id_card: IdCardScenario = Field(default_factory=IdCardScenario)
    social_security_card: SscCardScenario | None = None   # a card in the reader at start
    camera: CameraScenario = Field(default_factory=CameraScenario)
    # The sections of simulators that register their own (sim.devices.Simulator.scenario_key).
    sections: dict[str, Any] = Field(default_factory=dict)
    source: str = ""     # the file it came from (set by load_scenario, not written in the file)


def load_scenario(path: Path | str) -> Scenario:
    from sim.devices import scenario_sections
    path = Path(path)
    plugged = scenario_sections()
    # The file as one model: ours and the plug-ins' sections, so any other key is an error.
    whole = create_model("ScenarioFile", __base__=Scenario,
                         **{key: (model, Field(default_factory=model)) for key, model in plugged.items()})
    scenario = read_yaml(path, whole, error=ScenarioError)
    if scenario.source or scenario.sections:
        key = "source" if scenario.source else "sections"
        raise ScenarioError(path, key, "unknown key (set by the loader, not in the file)")
    core = {name: getattr(scenario, name) for name in Scenario.model_fields}
    return Scenario(**{**core, "source": str(path), "sections": {key: getattr(scenario, key) for key in plugged}})
