"""The simulators of each `driver:`, found the way kiosk.roles finds the roles.

Each simulator package under sim/ that has a `simulate` module registers, for the drivers it
stands in for, a function that starts the simulator for one configured device and returns its
settings pointed at it (a pseudo-terminal, a TCP port, a vpcd slot, a stream URL): the real
driver then talks to the simulator over the real transport. A simulator may also read its own
section of the scenario file (`scenario_key`, validated by `scenario_model`).
"""
from __future__ import annotations

import importlib
import importlib.util
import pkgutil
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from pydantic import BaseModel


@dataclass
class SimContext:
    """What every simulator may use while starting."""
    out_dir: Path
    scenario: object                  # sim.scenario.Scenario
    citizens: dict                    # key → SimCitizen (sim/citizens/demo.yaml)

    def citizen(self, key: str, where: str):
        """The citizen a scenario names at `where`; an unknown key names the file and the key."""
        from sim.scenario import ScenarioError
        if key not in self.citizens:
            raise ScenarioError(getattr(self.scenario, "source", "scenario") or "scenario", where,
                                f"no citizen {key!r} in sim/citizens/demo.yaml (known: {', '.join(self.citizens)})")
        return self.citizens[key]


@dataclass
class Simulated:
    """One running simulator: what tests and the console drive (`handle`), the device's settings
    pointed at it, and how to stop it."""
    name: str
    driver: str
    handle: object
    settings: BaseModel
    stop: Callable[[], None] = lambda: None
    where: str = ""                   # for `kiosk --sim`'s log line: a port, a URL


@dataclass(frozen=True)
class Simulator:
    driver: str
    start: Callable[[str, BaseModel, SimContext], Simulated]
    scenario_key: str = ""
    scenario_model: type[BaseModel] | None = field(default=None)


_simulators: dict[str, Simulator] = {}
_loaded = False
_lock = threading.Lock()


def register_simulator(simulator: Simulator) -> None:
    _simulators[simulator.driver] = simulator


def simulators() -> dict[str, Simulator]:
    """Every registered simulator by driver name, importing each sim/*/simulate.py once."""
    global _loaded
    with _lock:
        if not _loaded:
            package = importlib.import_module("sim")
            for module in pkgutil.iter_modules(package.__path__):
                if module.ispkg and importlib.util.find_spec(f"sim.{module.name}.simulate") is not None:
                    importlib.import_module(f"sim.{module.name}.simulate")
            _loaded = True
    return dict(_simulators)


def scenario_sections() -> dict[str, type[BaseModel]]:
    """Scenario keys the plug-in simulators read, beyond the ones sim.scenario names."""
    return {s.scenario_key: s.scenario_model for s in simulators().values() if s.scenario_key and s.scenario_model}
