"""A whole simulated shift: crew and orders, station processes with their drivers, the office, ``process`` passes
and ``kill -9``; then every station is closed, the floor audited and the tally summarised.

Why threads around real processes: the stations must be the real ``pickpack station`` programs (a kill must hit
a real transaction), while the script that plays the people only waits on pipes, so one thread per station is
plenty. Every random choice descends from one seed, so a shift's decisions can be replayed (the timing, and so
the interleaving with other processes, cannot).
"""

from __future__ import annotations

import os
import random
import string
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from app.cli.identity import ENV_PIN
from app.config.loader import ENV_CONFIG, ENV_DATABASE_URL
from app.config.settings import Config
from app.domain.layout import Layout
from app.domain.orders import ALLOCATED, NEW, RELEASED
from app.services import audit, order_processing, users
from app.services.errors import InvalidInput, ServiceError
from app.services.runtime import Database, with_busy_retry
from app.sim import floor, summary
from app.sim.drivers import PackDriver, PickDriver
from app.sim.feed import OrderFeeder, available_stock, ensure_crew
from app.sim.office import Office
from app.sim.station import StationProcess
from app.sim.stats import Stats
from app.sim.totes import TotePool
from app.sim.worker import StationWorker

SIM_PIN = "7391"
"""PIN of the simulator's own users (sim-picker-N, sim-packer-N, sim-office); ``$PICKPACK_SIM_PIN`` overrides it."""
ENV_SIM_PIN = "PICKPACK_SIM_PIN"
FEED_CHUNK = 20
"""Orders per import transaction when topping up: short transactions keep SQLite's one writer slot moving."""


@dataclass(frozen=True)
class Options:
    pickers: int = 6
    packers: int = 2
    seconds: float = 600.0
    seed: int | None = None
    wrong_rate: float = 0.05
    short_rate: float = 0.02
    kill_every_s: float = 60.0
    orders: int = 60
    office_every_s: float = 5.0
    process_every_s: float = 5.0
    answer_timeout_s: float = 60.0
    progress_every_s: float = 30.0


def _tag(now: float) -> str:
    """A short base-36 stamp that keeps order numbers unique from one run to the next."""
    digits = string.digits + string.ascii_uppercase
    value, out = int(now) % 36**5, ""
    for _ in range(5):
        value, rest = divmod(value, 36)
        out = digits[rest] + out
    return out


def child_env(config: Config, database_url: str, pin: str) -> dict[str, str]:
    """The stations' environment: the database URL and the PIN travel here, never on a command line."""
    env = dict(os.environ)
    env[ENV_DATABASE_URL] = database_url
    env[ENV_PIN] = pin
    if config.source is not None and Path(config.source).exists():
        env[ENV_CONFIG] = str(Path(config.source).resolve())
    return env


class Shift:
    def __init__(
        self,
        db: Database,
        config: Config,
        layout: Layout,
        options: Options,
        *,
        progress: Callable[[str], None] | None = None,
    ) -> None:
        self.db = db
        self.config = config
        self.layout = layout
        self.options = options
        self.seed = options.seed if options.seed is not None else random.SystemRandom().randrange(1_000_000)
        self.rng = random.Random(self.seed)
        self.stats = Stats()
        self.stop = threading.Event()
        self.progress = progress
        self.workers: list[StationWorker] = []
        self.system = users.system_actor(db, "simulate")
        self.stopped_at: float | None = None
        """``time.perf_counter()`` when the shift was told to stop (before the stations wind down)."""

    def _child_rng(self) -> random.Random:
        return random.Random(self.rng.randrange(2**32))

    # --- setting up ---------------------------------------------------------------------------------------

    def _prepare(self) -> None:
        o = self.options
        pin = os.environ.get(ENV_SIM_PIN) or SIM_PIN
        catalog = floor.load_catalog(self.db)
        if not catalog.gtins or not available_stock(self.db):
            raise InvalidInput("no products with free stock: load a catalog first (e.g. pickpack demo --seed-only)")
        crew = ensure_crew(self.db, o.pickers, o.packers, pin, actor=self.system)
        self.feeder = OrderFeeder(self.db, self.config, self._child_rng(), self.system, _tag(time.time()))
        self.stats.add("orders_imported", with_busy_retry(lambda: self.feeder.import_orders(o.orders)))
        self._process_pass()
        self.totes = TotePool(self._child_rng(), size=max(200, o.pickers * self.config.picking.cart_totes * 4))
        queue = floor.PackQueue(lambda: floor.packable(self.db), self._child_rng())
        env = child_env(self.config, self.config.database_url, pin)

        def still_open(role: str, user: str, work: object) -> bool:
            return floor.work_still_open(self.db, role, user, work)

        for user in crew.pickers + crew.packers:
            role = "pick" if user.role == "picker" else "pack"
            driver: PickDriver | PackDriver
            if role == "pick":
                driver = PickDriver(
                    user.name,
                    self._child_rng(),
                    catalog,
                    self.totes,
                    wrong_rate=o.wrong_rate,
                    short_rate=o.short_rate,
                )
            else:
                driver = PackDriver(user.name, self._child_rng(), catalog, queue, wrong_rate=o.wrong_rate)
            station = StationProcess(
                f"{role}:{user.name}", role, user.name, env, self.stats, answer_timeout_s=o.answer_timeout_s
            )
            self.workers.append(
                StationWorker(driver, station, self.stats, self.stop, still_open=still_open, rng=self._child_rng())
            )
        self.office = Office(
            self.db,
            self.config,
            crew.office,
            self._child_rng(),
            self.stats,
            self.feeder,
            [u.name for u in crew.pickers],
        )
        self.backlog_target = max(20, 3 * o.pickers * self.config.picking.cart_totes)

    # --- background loops ------------------------------------------------------------------------------

    def _guard(self, where: str, fn: Callable[[], object]) -> None:
        try:
            fn()
        except ServiceError:
            self.stats.add(f"{where}_refused")
        except Exception:
            self.stats.traceback(where, traceback.format_exc())

    def _process_pass(self) -> None:
        with_busy_retry(
            lambda: order_processing.process_once(self.db, self.config, actor=self.system, layout=self.layout)
        )
        self.stats.add("process_passes")

    def _feed(self) -> None:
        """Keep about three carts of orders per picker waiting, as a busy shop's channels would."""
        missing = self.backlog_target - floor.count_orders(self.db, (NEW, ALLOCATED, RELEASED))
        while missing > 0 and not self.stop.is_set():
            chunk = min(FEED_CHUNK, missing)
            created = with_busy_retry(lambda n=chunk: self.feeder.import_orders(n))
            self.stats.add("orders_imported", created)
            missing = missing - chunk if created else 0

    def _process_loop(self) -> None:
        while not self.stop.wait(self.options.process_every_s):
            self._guard("feed", self._feed)
            self._guard("process", self._process_pass)
            self._guard("totes", lambda: self.totes.refresh(floor.totes_in_use(self.db)))

    def _office_loop(self) -> None:
        rng = self._child_rng()
        while not self.stop.wait(self.options.office_every_s * rng.uniform(0.5, 1.5)):
            self._guard("office", self.office.tick)

    def _kill_loop(self) -> None:
        """Every ``kill_every_s``, ``kill -9`` one station: one with work in hand if any (only such a kill tests
        the resume; an idle station just signs in again), and among those one killed least so far (a station
        killed again and again never gets to work). So even a short shift checks resumes and still ships."""
        rng = self._child_rng()
        killed: dict[str, int] = {}
        while not self.stop.wait(self.options.kill_every_s):
            alive = [w for w in self.workers if w.alive]
            pool = [w for w in alive if w.work is not None] or alive
            if not pool:
                continue
            fewest = min(killed.get(w.name, 0) for w in pool)
            victim = rng.choice([w for w in pool if killed.get(w.name, 0) == fewest])
            if victim.process.kill():
                killed[victim.name] = killed.get(victim.name, 0) + 1
                self.stats.add("kills")

    def _progress_loop(self, started: float) -> None:
        while self.progress is not None and not self.stop.wait(self.options.progress_every_s):
            s = self.stats
            self.progress(
                f"simulate: {time.monotonic() - started:.0f} s: {s.get('scans')} scans, "
                f"{s.get('orders_shipped')} shipped, {s.get('wrong_scans_injected')} wrong scans, "
                f"{s.get('kills')} kills, {s.get('tracebacks')} tracebacks"
            )

    # --- the shift ----------------------------------------------------------------------------------------

    def run(self) -> dict[str, Any]:
        """Run the shift; the summary dict (``summary.verdict`` decides the exit code)."""
        self._prepare()
        started_at = datetime.now(UTC)
        started = time.monotonic()
        loops = [self._process_loop, self._office_loop]
        if self.options.kill_every_s > 0:
            loops.append(self._kill_loop)
        threads = [threading.Thread(target=fn, name=fn.__name__, daemon=True) for fn in loops]
        threads.append(threading.Thread(target=self._progress_loop, args=(started,), daemon=True))
        interrupted = False
        try:
            for worker in self.workers:
                worker.start()
            for thread in threads:
                thread.start()
            self.stop.wait(self.options.seconds)
        except KeyboardInterrupt:
            interrupted = True
        finally:
            self.stopped_at = time.perf_counter()
            self.stop.set()
            self._wind_down(threads)
        duration = time.monotonic() - started
        report = audit.run_audit(self.db)
        shipped_db = floor.shipped_since(self.db, started_at)
        return summary.build(
            self.stats.snapshot(),
            report,
            {
                "database": self.db.dialect,
                "duration_s": round(duration, 1),
                "seed": self.seed,
                "pickers": self.options.pickers,
                "packers": self.options.packers,
                "wrong_rate": self.options.wrong_rate,
                "kill_every_s": self.options.kill_every_s,
                "orders_shipped_db": shipped_db,
                "interrupted": interrupted,
            },
        )

    def _wind_down(self, threads: list[threading.Thread]) -> None:
        """Let every thread finish its exchange, then end each station's input: each must exit 0."""
        for thread in threads:
            thread.join(timeout=120.0)
        for worker in self.workers:
            worker.join(timeout=self.options.answer_timeout_s + 30.0)
        for worker in self.workers:
            station = worker.process
            code = station.close()
            if station.killed or station.generation == 0:
                continue
            if code != 0:
                self.stats.add("station_crashes")
                what = "did not exit" if code is None else f"exited {code}"
                self.stats.finding("station_exit", worker.name, f"{what} at end of input", list(worker.transcript))
