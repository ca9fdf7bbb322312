"""Scenario files (sim/scenarios/*.yaml): how the simulated devices behave and which faults
they script, like pyvisa-sim's device files. One top-level key per device:

    description: Paper runs out after three tickets
    printer:
      state: ok                 # ok | paper_near_end | paper_out | cover_open | offline | cutter_error
      paper_out_after: 3        # tickets on the roll; the fourth finds the paper gone

The same file drives the tests, the demo (`kiosk --sim`) and the screenshot tour. A key this
module does not know is an error naming the file and the key, never silently ignored.
"""
from __future__ import annotations

from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from sim.printer.states import PRINTER_STATES

PrinterState = Literal["ok", "paper_near_end", "paper_out", "cover_open", "offline", "cutter_error"]
assert set(PrinterState.__args__) == set(PRINTER_STATES)   # one list of states, kept in step


class ScenarioError(Exception):
    def __init__(self, file: Path | str, key: str, problem: str):
        self.file, self.key, self.problem = str(file), key, problem
        super().__init__(f"{self.file}: {key or '(top level)'}: {problem}")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


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


class Scenario(_Strict):
    description: str = ""
    printer: PrinterScenario = Field(default_factory=PrinterScenario)
    source: str = ""     # the file it came from (set by load_scenario, not written in the file)


def load_scenario(path: Path | str) -> Scenario:
    path = Path(path)
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ScenarioError(path, "", "scenario file not found") from None
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise ScenarioError(path, where, f"not valid YAML: {getattr(e, 'problem', e)}") from None
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        raise ScenarioError(path, "", "expected a mapping with one key per device (e.g. printer:)")
    if "source" in raw:
        raise ScenarioError(path, "source", "unknown key")
    try:
        return Scenario.model_validate({**raw, "source": str(path)})
    except ValidationError as e:
        err = e.errors()[0]
        key = ".".join(str(p) for p in err["loc"])
        if err["type"] == "extra_forbidden":
            known = _known_keys(err["loc"][:-1])
            problem = f"unknown key (known here: {', '.join(known)})"
        elif err["type"] == "missing":
            problem = "required key is missing"
        else:
            problem = err["msg"]
        raise ScenarioError(path, key, problem) from None


def _known_keys(loc: tuple) -> list[str]:
    model: type[BaseModel] = Scenario
    for part in loc:
        annotation = model.model_fields[str(part)].annotation
        if not (isinstance(annotation, type) and issubclass(annotation, BaseModel)):
            return []
        model = annotation
    return [name for name in model.model_fields if name != "source"]
