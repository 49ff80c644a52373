"""`pickpack serve`: the same terminal app in a web browser (textual-serve), on localhost unless configured."""

from __future__ import annotations

import argparse
import shlex
import sys

from app.cli.output import say


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "serve",
        help="serve the terminal app to a web browser",
        description="Each browser tab runs its own `pickpack terminal` process on this machine. Listens on "
        "[serve] host/port from config.toml (127.0.0.1:8000 by default).",
    )
    p.add_argument("--host", help="address to listen on (default from config)")
    p.add_argument("--port", type=int, help="port (default from config)")
    p.add_argument("--station", default=None, help="station name for the served terminals (a [stations.NAME] table)")
    p.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    from app.cli.terminal import check_station

    ctx = args.context
    # every browser tab starts a terminal for this station: refuse an unknown one here (exit 2), not per tab
    check_station(ctx.config, args.station)

    from textual_serve.server import Server

    host = args.host or ctx.config.serve.host
    port = args.port or ctx.config.serve.port
    command = [sys.executable, "-m", "app"]
    if ctx.config.source is not None:
        command += ["--config", str(ctx.config.source)]
    command += ["--db", ctx.config.database_url, "terminal"]
    if args.station:
        command += ["--station", args.station]
    say(f"serving the pickpack terminal on http://{host}:{port}/ (Ctrl+C stops)")
    Server(shlex.join(command), host=host, port=port, title="pickpack").serve()
    return 0
