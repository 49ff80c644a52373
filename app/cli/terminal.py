"""`pickpack terminal`: the Textual app for pickers, packers and supervisors."""

from __future__ import annotations

import argparse

from app.bootstrap import Context


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("terminal", help="open the terminal app (handhelds and packing stations)")
    p.add_argument("--station", default=None, help="station name written to the event log (default from config)")
    p.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    return run_terminal(args.context, station=args.station)


def run_terminal(ctx: Context, *, station: str | None = None) -> int:
    from app.db import migrate
    from app.services.errors import InvalidInput
    from app.tui.app import build_app

    current, head = migrate.current_revision(ctx.db.engine), migrate.head_revision()
    if current != head:
        raise InvalidInput(
            f"the database schema is at {current or 'nothing'}, this version needs {head}: run `pickpack init` first"
        )

    app = build_app(ctx.config, ctx.db, station=station or ctx.config.terminal.station)
    app.run()
    return 0
