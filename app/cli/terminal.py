"""`pickpack terminal`: the Textual app for pickers, packers and supervisors."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from app.config import Config

if TYPE_CHECKING:
    from app.bootstrap import Context


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("terminal", help="open the terminal app (handhelds and packing stations)")
    p.add_argument(
        "--station",
        default=None,
        help="station name: a [stations.NAME] table of config.toml (default: [terminal] station)",
    )
    p.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    return run_terminal(args.context, station=args.station)


def check_station(config: Config, station: str | None) -> str:
    """The station a terminal runs as (``--station`` or the configured default), checked before anything starts.

    Why at start-up: the station decides which printers label and document a parcel; an unknown name used to be
    accepted and only failed at the first label, after the shipment had committed. Raises ``ConfigError``
    (exit 2) naming the defined stations; also checks that the station's printers exist and can be built.
    """
    from app.printing.registry import printers_for_station

    name = station or config.terminal.station
    printers_for_station(config, name)
    return name


def run_terminal(ctx: Context, *, station: str | None = None, kiosk: bool | None = None) -> int:
    """Open the app; ``kiosk`` overrides ``[terminal] kiosk`` (``pickpack demo`` is a trial on a desk: Ctrl+Q
    must close it)."""
    from dataclasses import replace

    from app.tui.app import build_app

    name = check_station(ctx.config, station)
    config = ctx.config
    if kiosk is not None:
        config = replace(config, terminal=replace(config.terminal, kiosk=kiosk))
    # ctx.db checks the schema (an older or newer database exits 2 before the app starts)
    app = build_app(config, ctx.db, station=name)
    app.run()
    return 0
