"""`pickpack simulate`: a shift of real headless stations with mistakes, office changes and kills, then the audit.

It acts as the built-in system user (conventions, "Identity on the command line") and creates its own people
(sim-picker-N, sim-packer-N, sim-office). The summary goes to stdout (JSON with ``--json``), progress to stderr.
Exit 0 only when the audit is clean and nothing failed (tracebacks, accepted wrong scans, crashed or hung
stations); 1 otherwise; 2 for bad options or a database the simulator cannot work on.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import sys
from typing import TYPE_CHECKING

from app.cli.lazy import lazy_module

if TYPE_CHECKING:
    from app.sim.runner import Options

summary = lazy_module("app.sim.summary")

EXIT_OK, EXIT_FAILED, EXIT_BAD_INPUT = 0, 1, 2


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "simulate",
        help="run a shift of real station processes with faults and kills, then audit the floor",
        description="Start N picker and M packer stations (`pickpack station`, the database URL and PIN in their "
        "environment), drive them like people with a rate of wrong scans and shorts, let an office cancel, hold, "
        "edit, re-prioritise, reassign and free work, run `process` passes, kill -9 a station now and then (it "
        "must resume), and finally audit. Needs a catalog with stock (e.g. `pickpack demo --seed-only`).",
    )
    p.add_argument("--pickers", type=int, default=6, metavar="N", help="picker stations (default 6)")
    p.add_argument("--packers", type=int, default=2, metavar="M", help="packer stations (default 2)")
    p.add_argument("--minutes", type=float, default=10.0, metavar="T", help="length of the shift (default 10)")
    p.add_argument("--seconds", type=float, default=None, metavar="T", help="length in seconds (wins over --minutes)")
    p.add_argument("--seed", type=int, default=None, metavar="S", help="seed of every random choice (default: random)")
    p.add_argument("--wrong-rate", type=float, default=0.05, metavar="P", help="share of wrong scans (default 0.05)")
    p.add_argument("--short-rate", type=float, default=0.02, metavar="P", help="share of stops reported short")
    p.add_argument(
        "--kill-every", type=float, default=60.0, metavar="SECONDS", help="kill -9 a station this often (0: never)"
    )
    p.add_argument("--orders", type=int, default=60, metavar="N", help="orders imported before the shift starts")
    p.add_argument("--office-every", type=float, default=5.0, metavar="SECONDS", help="mean time between office acts")
    p.add_argument("--process-every", type=float, default=5.0, metavar="SECONDS", help="time between process passes")
    p.add_argument(
        "--answer-timeout", type=float, default=60.0, metavar="SECONDS", help="a station silent this long has hung"
    )
    p.add_argument("--json", action="store_true", help="print the summary as JSON on stdout")
    p.set_defaults(handler=handle)


def options_from(args: argparse.Namespace) -> Options | str:
    """The options, or what is wrong with them."""
    from app.sim.runner import Options

    seconds = args.seconds if args.seconds is not None else args.minutes * 60.0
    if args.pickers < 0 or args.packers < 0 or args.pickers + args.packers == 0:
        return "--pickers and --packers: at least one station, none negative"
    if seconds <= 0:
        return "--minutes/--seconds: must be more than zero"
    for name in ("wrong_rate", "short_rate"):
        if not 0.0 <= getattr(args, name) <= 1.0:
            return f"--{name.replace('_', '-')}: a share from 0 to 1"
    if args.kill_every < 0 or args.orders < 0 or args.office_every <= 0 or args.process_every <= 0:
        return "--kill-every, --orders: not negative; --office-every, --process-every: more than zero"
    if args.answer_timeout <= 0:
        return "--answer-timeout: more than zero"
    return Options(
        pickers=args.pickers,
        packers=args.packers,
        seconds=seconds,
        seed=args.seed,
        wrong_rate=args.wrong_rate,
        short_rate=args.short_rate,
        kill_every_s=args.kill_every,
        orders=args.orders,
        office_every_s=args.office_every,
        process_every_s=args.process_every,
        answer_timeout_s=args.answer_timeout,
    )


def handle(args: argparse.Namespace) -> int:
    from app.sim.runner import Shift

    options = options_from(args)
    if isinstance(options, str):
        print(f"pickpack simulate: {options}", file=sys.stderr)
        return EXIT_BAD_INPUT
    if importlib.util.find_spec("app.cli.station") is None:
        print("pickpack simulate: `pickpack station` is not available in this installation", file=sys.stderr)
        return EXIT_BAD_INPUT
    context = args.context

    def progress(line: str) -> None:
        print(line, file=sys.stderr, flush=True)

    shift = Shift(context.db, context.config, context.layout, options, progress=progress)
    result = shift.run()
    if args.json:
        json.dump(result, sys.stdout, indent=2, ensure_ascii=False, default=str)
        sys.stdout.write("\n")
    else:
        print(summary.render(result))
    return EXIT_OK if result["ok"] else EXIT_FAILED
