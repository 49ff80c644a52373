"""`pickpack init` and `pickpack demo`: the two commands that may create or upgrade the database (their parsers
set ``schema_policy="upgrade"``, every other command needs the current schema)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from app.cli.lazy import lazy_module
from app.cli.output import say

if TYPE_CHECKING:
    from app.domain.actor import Actor

demo = lazy_module("app.services.demo")
setup = lazy_module("app.services.setup")

DEMO_DIR = Path(__file__).resolve().parent.parent.parent / "assets" / "demo"


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "init",
        help="create or upgrade the database and generate locations from the layout",
        description="Apply database migrations and sync locations with the layout file. "
        "Safe to run again: it only does what is missing.",
    )
    p.set_defaults(handler=handle_init, schema_policy="upgrade")
    p = sub.add_parser(
        "demo",
        help="load demo data and open the terminal",
        description="Initialise the database, load the demo catalog, stock and users "
        "(idempotent), then open the terminal app.",
    )
    p.add_argument("--seed-only", action="store_true", help="stop after loading the demo data")
    p.add_argument("--station", default=None, help="station name for the terminal")
    p.set_defaults(handler=handle_demo, schema_policy="upgrade")


def handle_init(args: argparse.Namespace) -> int:
    ctx = args.context
    layout = ctx.check_files()  # every file the config names, before the database is touched (exit 2)
    report = setup.initialise(ctx.db, layout, actor=_system_actor())
    say(
        f"database {ctx.config.database_url.split('@')[-1]}: schema {report.revision_before or 'empty'} -> "
        f"{report.revision_after}; locations: {report.locations_created} created, "
        f"{report.locations_deactivated} deactivated, {report.locations_total} in all"
    )
    return 0


def handle_demo(args: argparse.Namespace) -> int:
    ctx = args.context
    if not args.seed_only:
        from app.cli.terminal import check_station

        check_station(ctx.config, args.station)  # a wrong --station exits 2 before anything is written
    layout = ctx.check_files()
    report = demo.seed_demo(ctx.db, layout, DEMO_DIR, actor=_system_actor(), config=ctx.config)
    say(
        f"demo data: {report.init.locations_total} locations, products {report.products.created} new / "
        f"{report.products.unchanged} unchanged, stock rows {report.stock.created} new / "
        f"{report.stock.unchanged} unchanged, {report.users_created} users added"
    )
    if report.orders and report.processed:
        say(
            f"demo orders: {report.orders.created} new / {report.orders.unchanged} unchanged; "
            f"{report.processed.released} released to picking, {report.processed.batches} batches planned"
        )
    say(
        "sign in with a badge (BADGE-PIA picker, BADGE-PAUL packer; BADGE-SOFIA supervisor and BADGE-ADAM admin "
        "also ask for the PIN) or name + PIN (pia/1111, paul/2222, sofia/3333, adam/4444)"
    )
    if args.seed_only:
        return 0
    from app.cli.terminal import run_terminal

    return run_terminal(ctx, station=args.station, kiosk=False)


def _system_actor() -> Actor:
    """The built-in system user; imported here, not at the top, so `pickpack --help` loads no database code."""
    from app.domain.actor import Actor

    return Actor.system()
