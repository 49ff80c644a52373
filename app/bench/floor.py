"""The whole floor at once: 1 to 8 real station processes working while an importer and ``process`` passes run.

Each step starts N headless stations (``pickpack station pick|pack``, the same programs a scanner front end
drives; about three pickers to one packer) on one demo database and lets them work flat out for ``--seconds``:
no wrong scans, no shorts, no kills, no office. Beside them, as ``process --watch`` would, one loop imports
orders to keep about three carts per picker waiting and runs a processing pass (allocate, score, release, plan
waves) every ``--process-every`` seconds. A step measures claims and scans per second and the time from writing
a line to a station to reading its answer (the pipe, the station's step and its commits: what a scanner
front end waits for).

Included: real processes, real commits, SQLite's one writer or PostgreSQL's row locks, the processing pass
and the importer competing for the same database. Left out: people's walking and thinking time (stations never
wait, so this is the database's and the code's ceiling, not a shift's pace), printing (the demo printers write
files), the Textual screens (``bench scan``/``bench live`` measure those).

Where the time goes is reported from the operating system: CPU seconds of the station processes, of this
process (the importer and the processing pass) and, on Linux, of the PostgreSQL server's processes, against
the machine's cores. On a 2-core machine the steps flatten near 2 stations: every station needs CPU for its
own Python and the database needs it too.
"""

from __future__ import annotations

import argparse
import os
import resource
import tempfile
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from app.bench.databases import postgres_server, scratch_postgres
from app.bench.intake import DEMO
from app.bootstrap import Context
from app.config import Config
from app.domain.actor import Actor
from app.domain.stats import percentile
from app.services.demo import seed_demo

DEFAULT_STATIONS = "1,2,4,8"
START_UP_S = 15.0
"""Seconds added to each step for the stations to start (import the app, sign in); not measured."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--stations", default=DEFAULT_STATIONS, help=f"station counts to step through (default {DEFAULT_STATIONS})"
    )
    parser.add_argument("--seconds", type=float, default=20.0, help="seconds of work per step (default 20)")
    parser.add_argument(
        "--process-every", type=float, default=2.0, help="seconds between processing passes (default 2)"
    )
    parser.add_argument("--seed", type=int, default=7, help="seed of the stations' choices (default 7)")
    parser.add_argument("--postgres", metavar="URL", help="PostgreSQL server to create a scratch database on")
    parser.add_argument("--sqlite-only", action="store_true", help="skip PostgreSQL even when configured")


@dataclass(frozen=True)
class Step:
    database: str
    stations: int
    pickers: int
    packers: int
    seconds: float
    """The steady window the rates count."""
    wall_s: float
    """The whole step, start-up and wind-down included (what the CPU seconds cover)."""
    claims: int
    scans: int
    shipped: int
    scan_p50: float
    scan_p99: float
    scan_max: float
    station_cpu_s: float
    bench_cpu_s: float
    server_cpu_s: float | None
    tracebacks: int
    audit_ok: bool


def station_counts(text: str) -> list[int]:
    counts = [int(part) for part in text.split(",") if part.strip()]
    if not counts or any(n < 1 or n > 64 for n in counts):
        raise ValueError("--stations: comma-separated counts from 1 to 64, e.g. 1,2,4,8")
    return counts


def crew(stations: int) -> tuple[int, int]:
    """Pickers and packers for ``stations``: one packer per three pickers (one station: a picker alone)."""
    if stations == 1:
        return 1, 0
    packers = max(1, stations // 4)
    return stations - packers, packers


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _own_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _postgres_cpu() -> float | None:
    """CPU seconds of every ``postgres`` process so far (Linux /proc; None elsewhere or when not readable)."""
    proc = Path("/proc")
    if not proc.is_dir():
        return None
    ticks = os.sysconf("SC_CLK_TCK")
    total, seen = 0.0, False
    for entry in proc.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        name = stat[stat.find("(") + 1 : stat.rfind(")")]
        if not name.startswith("postgres"):
            continue
        fields = stat[stat.rfind(")") + 2 :].split()
        total += (int(fields[11]) + int(fields[12])) / ticks  # utime, stime
        seen = True
    return total if seen else None


def run_step(ctx: Context, label: str, stations: int, args: argparse.Namespace) -> Step:
    from app.sim.runner import Options, Shift  # the simulator imports the station machinery: only when run

    pickers, packers = crew(stations)
    options = Options(
        pickers=pickers,
        packers=packers,
        seconds=args.seconds + START_UP_S,
        seed=args.seed,
        wrong_rate=0.0,
        short_rate=0.0,
        kill_every_s=0.0,
        orders=3 * pickers * ctx.config.picking.cart_totes,
        office_every_s=1e9,
        process_every_s=args.process_every,
        progress_every_s=1e9,
    )
    shift = Shift(ctx.db, ctx.config, ctx.layout, options)
    children, own, server = _children_cpu(), _own_cpu(), _postgres_cpu() if label == "PostgreSQL" else None
    result: dict[str, Any] = shift.run()
    pg_after = _postgres_cpu() if server is not None else None
    window = steady_window(shift)
    stats = shift.stats
    scans = [ms for kind, values in stats.answer_ms.items() for at, ms in values if window.holds(at)]
    pick_scans = [ms for at, ms in stats.answer_ms.get("pick.scan", []) if window.holds(at)]
    return Step(
        database=label,
        stations=stations,
        pickers=pickers,
        packers=packers,
        seconds=window.seconds,
        wall_s=float(result["duration_s"]),
        claims=sum(1 for at in stats.stamps.get("claims", []) if window.holds(at)),
        scans=len(scans),
        shipped=sum(1 for at in stats.stamps.get("orders_shipped", []) if window.holds(at)),
        scan_p50=percentile(pick_scans, 50) if pick_scans else 0.0,
        scan_p99=percentile(pick_scans, 99) if pick_scans else 0.0,
        scan_max=max(pick_scans, default=0.0),
        station_cpu_s=_children_cpu() - children,
        bench_cpu_s=_own_cpu() - own,
        server_cpu_s=None if server is None or pg_after is None else pg_after - server,
        tracebacks=int(result["tracebacks"]),
        audit_ok=bool(result["audit"]["ok"]),
    )


@dataclass(frozen=True)
class Window:
    start: float
    end: float

    @property
    def seconds(self) -> float:
        return max(self.end - self.start, 1e-9)

    def holds(self, at: float) -> bool:
        return self.start <= at <= self.end


def steady_window(shift: Any) -> Window:
    """From the moment the last station signed in to the moment the step was told to stop: start-up (each
    station imports the app and signs in) is left out, so is the wind-down."""
    starts = [w.signed_in_at for w in shift.workers if w.signed_in_at is not None]
    end = shift.stopped_at or time.perf_counter()
    return Window(max(starts, default=end), end)


def run_database(label: str, url: str, config: Config, counts: list[int], args: argparse.Namespace) -> list[Step]:
    config = replace(config, database=replace(config.database, url=url))
    ctx = Context(config, terminal="bench", schema="upgrade")
    try:
        seed_demo(ctx.db, ctx.layout, DEMO, actor=Actor.system("bench"), config=config)
        steps = []
        for n in counts:
            step = run_step(ctx, label, n, args)
            steps.append(step)
            print(
                f"bench floor: {label}, {n} station(s): {step.scans / step.seconds:.0f} scans/s, "
                f"p99 {step.scan_p99:.0f} ms",
                flush=True,
            )
        return steps
    finally:
        ctx.close()


def render(steps: list[Step], args: argparse.Namespace) -> str:
    cores = os.cpu_count() or 1
    lines = [
        "## Floor benchmark",
        "",
        f"Real `pickpack station` processes working flat out for {args.seconds:g} s per step (no think time, no "
        f"wrong scans, no kills) while an importer and a processing pass run every {args.process_every:g} s; demo "
        f"catalog; {cores} CPU cores. Scan latency: line written to the station -> answer read (pick scans of "
        "location, item and tote). CPU: seconds used during the step by the stations, by the importer and "
        "processing pass (this process) and by the PostgreSQL server, against cores x wall time.",
        "",
        "| database | stations (pick+pack) | claims/s | scans/s | shipped | scan p50 ms | scan p99 ms | max ms "
        "| CPU stations / importer+process / server s | CPU busy | tracebacks | audit |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: | --- |",
    ]
    for s in steps:
        server = "-" if s.server_cpu_s is None else f"{s.server_cpu_s:.0f}"
        used = s.station_cpu_s + s.bench_cpu_s + (s.server_cpu_s or 0.0)
        lines.append(
            f"| {s.database} | {s.stations} ({s.pickers}+{s.packers}) | {s.claims / s.seconds:.2f} "
            f"| {s.scans / s.seconds:.0f} | {s.shipped} | {s.scan_p50:.0f} | {s.scan_p99:.0f} | {s.scan_max:.0f} "
            f"| {s.station_cpu_s:.0f} / {s.bench_cpu_s:.0f} / {server} | {used / (cores * s.wall_s) * 100:.0f} % "
            f"| {s.tracebacks} | {'ok' if s.audit_ok else 'FAILED'} |"
        )
    for database in sorted({s.database for s in steps}):
        rates = [(s.stations, s.scans / s.seconds) for s in steps if s.database == database]
        if len(rates) > 1:
            base = rates[0][1] or 1.0
            scaling = ", ".join(f"{n}: x{rate / base:.1f}" for n, rate in rates)
            lines.append(f"\n{database}: scans/s relative to {rates[0][0]} station(s): {scaling}.")
    lines.append(
        "\nLeft out: walking and thinking time, printers, the screens' rendering, and each step's start-up (stations "
        "importing the app and signing in) and wind-down: rates count the window from the last sign-in to the stop. "
        "CPU seconds cover the whole step, start-up included."
    )
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    try:
        counts = station_counts(args.stations)
    except ValueError as exc:
        print(f"pickpack bench floor: {exc}")
        return 2
    if args.seconds <= 0 or args.process_every <= 0:
        print("pickpack bench floor: --seconds and --process-every must be more than zero")
        return 2
    config: Config = args.context.config
    steps: list[Step] = []
    with tempfile.TemporaryDirectory(prefix="pickpack-floor-") as tmp:
        steps += run_database("SQLite (WAL)", f"sqlite:///{Path(tmp) / 'floor.db'}", config, counts, args)
        server = postgres_server(args.postgres)
        if server and not args.sqlite_only:
            with scratch_postgres(server, "pickpack_floor") as url:
                steps += run_database("PostgreSQL", url, config, counts, args)
    print(render(steps, args))
    return 0 if all(s.tracebacks == 0 and s.audit_ok for s in steps) else 1
