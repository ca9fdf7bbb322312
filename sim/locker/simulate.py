"""The pickup lockers for `driver: rs485-locks`: a bank of simulated boards on a pseudo-terminal,
in the bus's protocol, paced at its baud rate with a 20-100 ms board turnaround. The scenario's
`locker:` section jams locks and sets how long a citizen takes to close a door."""
from __future__ import annotations

from pydantic import BaseModel

from drivers.locker.bus import BAUDRATES
from sim.devices import SimContext, Simulated, Simulator, register_simulator
from sim.locker.bank import LockerBank
from sim.wire import PtyServer


class LockerScenario(BaseModel):
    close_after_s: float | None = 4.0        # a citizen closes an opened door after this (None: never)
    jammed: list[str] = []                   # "board-lock" of locks whose doors stay stuck


def start(name: str, settings, ctx: SimContext) -> Simulated:
    scenario = ctx.scenario.sections.get("locker") or LockerScenario()
    bank = LockerBank(settings.protocol, {b.address: b.locks for b in settings.boards},
                      close_after_s=scenario.close_after_s)
    for spec in scenario.jammed:
        board, lock = (int(x) for x in spec.split("-"))
        if board in bank.boards and lock in bank.boards[board].locks:
            bank.lock(board, lock).jammed = True
    for board in settings.boards:
        if board.reversed_sense:
            bank.reverse_sense(board.address)
    server = PtyServer(bank, name=f"locker-{name}", baud_pacing=True, baudrate=BAUDRATES[settings.protocol])
    port = server.start()
    return Simulated(name, "rs485-locks", bank, settings.model_copy(update={"port": port}), server.stop, port)


register_simulator(Simulator("rs485-locks", start, scenario_key="locker", scenario_model=LockerScenario))
