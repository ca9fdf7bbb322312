"""Composition root: read the config, wire hall + devices (+ simulators with --sim), show the UI.

This is the only place in kiosk/ that may import sim/: with --sim every device is replaced by
its simulator speaking the real wire protocol, so the real drivers still run.
"""
from __future__ import annotations

import argparse
import logging
import os
import sys
import time
from datetime import timedelta
from pathlib import Path

from kiosk import watchdog
from kiosk.config import ConfigError, KioskConfig, load_config
from kiosk.wording import Sentence
from kiosk.logbook import configure_logging

log = logging.getLogger("kiosk")


def sim_dir(config: KioskConfig) -> Path:
    """Where `kiosk --sim` keeps its hall database and printed tickets: var/sim under the project."""
    return config.directory.parent / "var" / "sim"


def build_core(config: KioskConfig, sim: bool = False, scenario: str | Path | None = None,
               out_dir: str | Path | None = None, clock=None, start: bool = True):
    """Wire a KioskCore. With sim=True the devices are simulators (kept on `core.simulators`),
    and the database and printed tickets go to out_dir (default: var/sim under the project)."""
    from drivers.printer.escpos_cache import use_capabilities_cache
    use_capabilities_cache()            # before the ticket layout imports python-escpos
    from kiosk.core import KioskCore
    from kiosk.hall.sqlite_hall import SqliteHall
    from kiosk.roles import build_roles

    simulators = None
    db_path = config.database_path
    if sim:
        from sim.kiosk_sim import start_simulators
        out = Path(out_dir) if out_dir else sim_dir(config)
        simulators, config = start_simulators(config, out, scenario)
        db_path = out / "hall.sqlite"
        clock = clock or simulators.clock
    db_path.parent.mkdir(parents=True, exist_ok=True)
    clock = clock or config.hall.clock      # the hall's own time zone, not the machine's
    server = config.kiosk.hall_server
    if server is not None:          # a shared hall: the queue lives on kiosk-hall, this kiosk's series offline
        from kiosk.hall.http_hall import HttpHall
        from kiosk.hall.offline import OfflineHall
        ca = str(config.directory.parent / server.ca_file) if server.ca_file else None   # (an absolute path stays)
        remote = HttpHall(server.url, server.token, ca, connect_timeout_s=server.connect_timeout_s,
                          read_timeout_s=server.read_timeout_s)
        hall = OfflineHall(remote, config.hall_settings(), db_path.parent / "offline.sqlite", config.kiosk.id,
                           server.kiosk_number, clock=clock)
        # The locker orders and the doors' exactly-once journal stay beside the boards, in this
        # kiosk's own database: the journal is written before every command, so a door opens
        # (once) whether or not the server answers, and a citizen collects during an outage.
        lockers = SqliteHall(config.hall_settings(), db_path, clock=clock) if config.devices_of("locker_bus") else None
    else:
        hall = lockers = SqliteHall(config.hall_settings(), db_path, clock=clock)
    core = KioskCore(config, hall, build_roles(config.devices), clock=clock, state_dir=db_path.parent,
                     pickups=lockers.pickups if lockers is not None else None)
    if lockers is not None and lockers is not hall:
        core.add_closer(lockers.close)
    if simulators:
        if server is None:              # a shared hall's demo appointments are the server's business
            simulators.book_demo_appointments(hall)
        if lockers is not None:
            simulators.load_demo_pickups(lockers, len(core.lockers.cells) if core.lockers else 0)
        core.simulators = simulators
        core.add_closer(simulators.stop)
    if start:
        core.start()
    if server is not None:          # what the hall server pushes: a lock from /admin, a new catalogue
        from kiosk.hall.hall_events import HallEvents
        from kiosk.hall.hall_catalogue import follower, public_part
        def asked(command_id: str, command: str) -> None:          # a test print or a restart from /admin
            core.do_asked(command_id, command,
                          lambda ok, result: remote.answer_command(config.kiosk.id, command_id, ok, result))
        events = HallEvents(server.url, server.token, config.kiosk.id, ca or True, core.set_hall_lock,
                            core.set_group_loads,
                            follower(remote.catalogue, core.take_hall_catalogue, public_part(config)["version"]),
                            asked)
        events.start()
        core.add_closer(events.stop)
    return core


def _stop_on_signals(app) -> None:
    """Ctrl+C and systemd's SIGTERM end the kiosk cleanly (devices closed, session wiped).
    Qt's C++ loop would hold Python's signal handlers back, so a timer lets them run."""
    import signal
    from PySide6.QtCore import QTimer
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: app.exit(0))
    timer = QTimer(app)
    timer.timeout.connect(lambda: None)
    timer.start(250)


def _parse(argv):
    p = argparse.ArgumentParser(prog="kiosk", description="Self-service kiosk for a government service hall.")
    p.add_argument("--sim", action="store_true", help="run every device as its simulator (no hardware needed)")
    p.add_argument("--config", help="configuration directory (default: config/ beside the code)")
    p.add_argument("--scenario", help="simulator scenario file (with --sim), e.g. sim/scenarios/demo.yaml")
    p.add_argument("--orientation", choices=["portrait", "landscape"], help="override kiosk.orientation")
    p.add_argument("--windowed", action="store_true", help="a normal window instead of locked full screen")
    p.add_argument("--exit-when-ready", action="store_true",
                   help="print the start-up time once the home screen is interactive, then quit (benchmarks)")
    p.add_argument("--drill-freeze-after", type=float, metavar="SECONDS",
                   help="watchdog drill: freeze the screen's thread after SECONDS; under systemd (or any "
                        "supervisor speaking its notify protocol) the kiosk must be restarted")
    return p.parse_args(argv)


def main(argv=None) -> int:
    args = _parse(argv)
    configure_logging()
    try:
        config = load_config(args.config)
    except ConfigError as e:
        print(f"配置有误 Configuration error: {e}", file=sys.stderr)
        return 2
    logs = config.kiosk.logs
    configure_logging(log_dir=config.log_dir, max_bytes=logs.max_kb * 1024, files=logs.files,
                      repeat_every_s=logs.repeat_every_s)
    if args.orientation:
        config = config.model_copy(update={"kiosk": config.kiosk.model_copy(update={"orientation": args.orientation})})
    if not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY") or os.environ.get("QT_QPA_PLATFORM")):
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
        print("No display found: running on Qt's offscreen platform (nothing appears on screen).", file=sys.stderr)

    crashes, cause = _after_a_crash(config, args.sim)
    from PySide6.QtCore import QTimer
    from PySide6.QtGui import QGuiApplication
    from kiosk.hall.model import HallUnavailable

    from screens import load_ui, prepare_environment
    prepare_environment()               # Qt reads the input method only when the app is created
    app = QGuiApplication(sys.argv[:1])
    try:
        core = build_core(config, sim=args.sim, scenario=args.scenario)
    except HallUnavailable as e:
        print(f"取号系统无法启动 The queue database cannot be opened: {e.technical}", file=sys.stderr)
        return 3
    if crashes:
        from kiosk.core import SELF_NAME
        from kiosk.timeline import KIOSK
        core.timeline.note(KIOSK, SELF_NAME, "crashed", Sentence("上次没有正常退出（连续第 {count} 次）", count=crashes)
                           if not cause else Sentence("上次没有正常退出（连续第 {count} 次）：{cause}", count=crashes, cause=cause))
    ui = load_ui(app, core, fullscreen=not args.windowed)
    # Ready once the home screen is up; then the Qt thread pets the watchdog while it runs.
    QTimer.singleShot(0, lambda: watchdog.notify(f"READY=1\nSTATUS=kiosk {config.kiosk.id} serving"))
    _pet_from_qt_thread(app)
    _quit_when_restart_asked(core, app)
    if args.drill_freeze_after:
        log.warning("watchdog drill: the screen's thread freezes in %.0f s", args.drill_freeze_after)
        QTimer.singleShot(int(args.drill_freeze_after * 1000), lambda: time.sleep(24 * 3600))
    if args.sim:
        sims = core.simulators
        log.info("simulated devices: %s; printed tickets go to %s", sims.describe(), sims.out_dir)
        if sys.stdin.isatty() and not args.exit_when_ready:
            import threading
            from sim.kiosk_sim import console
            threading.Thread(target=console, args=(sims, sys.stdin), name="sim-console", daemon=True).start()
    if args.exit_when_ready:     # from process creation to the first home frame on screen
        import psutil
        started = psutil.Process().create_time()
        ui.window.frameSwapped.connect(lambda: (print(f"ready in {time.time() - started:.3f} s", flush=True),
                                                app.exit(0)))
    _stop_on_signals(app)
    if os.environ.get("QT_QPA_PLATFORM") == "offscreen" and not args.exit_when_ready:
        print("The kiosk is running offscreen. To see its screens: kiosk-sim tour --out DIR. "
              "Ctrl+C stops it.", file=sys.stderr)
    code = app.exec()
    watchdog.notify("STOPPING=1")
    ui.close()
    core.stop()
    return code


def _pet_from_qt_thread(app) -> None:
    """A QTimer on the Qt thread pets the watchdog: it fires only while that thread runs its event
    loop, which is exactly what a citizen needs of the screen."""
    interval = watchdog.watchdog_interval_s()
    if interval is None:
        return
    from PySide6.QtCore import QTimer
    timer = QTimer(app)             # owned by the app: lives as long as it
    timer.setInterval(max(50, int(interval * 1000)))
    timer.timeout.connect(lambda: watchdog.notify("WATCHDOG=1"))
    timer.start()


def _quit_when_restart_asked(core, app) -> None:
    """A restart asked from /admin (kiosk.core.do_asked): end the app cleanly on the Qt thread;
    systemd (Restart=always) starts it again."""
    from PySide6.QtCore import QObject, Qt, Signal
    from kiosk.events import RestartAsked

    class Quitter(QObject):
        asked = Signal()
    quitter = Quitter(app)
    quitter.asked.connect(app.quit, Qt.ConnectionType.QueuedConnection)
    core.add_listener(lambda event: quitter.asked.emit() if isinstance(event, RestartAsked) else None)


def _after_a_crash(config: KioskConfig, sim: bool) -> tuple[int, str]:
    """Did the last run end without a clean stop? Then say why in the log (and the timeline,
    once the core is up), and if the kiosk keeps crashing wait before starting again. Then keep
    this run's crash record."""
    from kiosk.timeline import FILE_NAME, read_since
    now = config.hall.clock()
    state = sim_dir(config) if sim else config.database_path.parent
    crashes = watchdog.unclean_starts(read_since(state / FILE_NAME, now - timedelta(days=1)), now)
    cause = watchdog.last_crash(config.log_dir)
    watchdog.keep_crash_record(config.log_dir)
    if crashes:
        log.warning("the last run ended without a clean stop (%d in a row)%s", crashes, f": {cause}" if cause else "")
    wait = 0 if sim else watchdog.back_off_s(crashes)      # the back-off spares real devices; simulators need none
    if wait:
        watchdog.notify(f"STATUS=waiting {wait:.0f} s before starting: {crashes} crashes in a row")
        log.warning("waiting %.0f s before starting again", wait)
        time.sleep(wait)
    return crashes, cause


if __name__ == "__main__":
    sys.exit(main())
