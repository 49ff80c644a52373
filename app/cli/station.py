"""`pickpack station pick|pack --user NAME`: a headless station, one input line in, one JSON line out.

Conventions, "Headless stations": sign-in happens at start-up from ``--user`` and ``$PICKPACK_PIN`` (never from
stdin, which carries the scans); every answer is one JSON object on one line, flushed at once; a busy database
is retried inside one answer; end of input exits 0, leaving the work where a restarted station resumes it.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import traceback
from typing import TYPE_CHECKING, Any, BinaryIO, TextIO

from app.cli.lazy import lazy_module
from app.config import ConfigError
from app.services.errors import ServiceError
from app.stations.answer import Answer

if TYPE_CHECKING:
    from app.services.users import UserView

users = lazy_module("app.services.users")

ROLES = ("pick", "pack", "receive", "count", "returns")
BUILT = ("pick", "pack")
MAX_LINE = 1024
"""Longer input lines are refused: no scanner sends that much, and nothing unbounded goes into the database."""


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "station",
        help="a headless station: scans and keys on stdin, one JSON answer per line on stdout",
        description="Runs the same step engine as the terminal's screens over standard input and output. The PIN "
        "comes from $PICKPACK_PIN (never from stdin). Keys: !claim, !qty N, !short empty|damaged|missing, !skip, "
        "!undo, !finish, !leave (pick); !box [CODE], !weight KG, !close, !ship, !reprint, !void REASON (pack).",
    )
    p.add_argument("role", choices=ROLES)
    p.add_argument("--user", required=True, metavar="NAME", help="who works at the station (PIN from $PICKPACK_PIN)")
    p.add_argument("--terminal", metavar="ID", help="a station defined in config.toml (default: [terminal] station)")
    p.set_defaults(handler=handle_station)


def emit(out: TextIO, data: dict[str, Any]) -> None:
    out.write(json.dumps(data, default=str) + "\n")
    out.flush()


def refusal(message: str) -> dict[str, Any]:
    return Answer(False, message, None).as_json()


def handle_station(args: argparse.Namespace) -> int:
    # the database layer is imported only when a station runs, so building the parser stays cheap
    from app.services.runtime import ConnectionFailed, SchemaMismatch, driver_message, with_busy_retry

    ctx = args.context
    out = sys.stdout
    if args.role not in BUILT:
        emit(out, refusal(f"the {args.role} station is not available yet: pick and pack are"))
        return 2
    try:
        from app.cli.terminal import check_station

        terminal = check_station(ctx.config, args.terminal)
    except ConfigError as exc:
        emit(out, refusal(str(exc)))
        return 2
    try:
        ctx.db  # noqa: B018 - open it and check its schema now, so even this refusal is one JSON line
    except (SchemaMismatch, ConfigError) as exc:
        emit(out, refusal(str(exc)))
        return 2
    except ConnectionFailed as exc:  # the server is down: an operation that failed, not bad input
        emit(out, refusal(f"database error: {' '.join(driver_message(exc).split())}"))
        return 1
    pin = os.environ.get("PICKPACK_PIN", "")
    if not pin:
        emit(out, refusal(f"no PIN for {args.user}: set PICKPACK_PIN (a station never reads a PIN from its input)"))
        return 2
    try:
        user = with_busy_retry(
            lambda: users.authenticate(
                ctx.db, args.user, pin, action=f"station.{args.role}", terminal=terminal, security=ctx.config.security
            )
        )
    except ServiceError as exc:
        emit(out, refusal(str(exc)))
        return 2
    engine = _engine(args.role, ctx, user, terminal)
    emit(out, _safely(engine, engine.start).as_json())
    for line in _lines(sys.stdin.buffer):
        if len(line) > MAX_LINE:
            answer = engine.answer(False, f"Input of {len(line)} characters refused: at most {MAX_LINE}")
        elif not line.strip():
            answer = engine.answer(False, "Empty input: scan a code or send a key")
        else:
            answer = _safely(engine, lambda line=line: engine.handle(line))  # type: ignore[misc]
        emit(out, answer.as_json())
    return 0


def _engine(role: str, ctx: Any, user: UserView, terminal: str) -> Any:
    if role == "pick":
        from app.stations.pick import PickEngine

        return PickEngine(ctx.db, ctx.layout, user, terminal=terminal, badge_prefix=ctx.config.terminal.badge_prefix)
    from app.stations.pack import PackEngine

    return PackEngine(ctx.db, ctx.config, user, terminal=terminal)


def _lines(stream: BinaryIO) -> Any:
    """Input lines split at newline only (a GS1 group separator, 0x1D, stays inside its line); bytes that are not
    UTF-8 become U+FFFD rather than stopping the station."""
    while True:
        raw = stream.readline()
        if not raw:
            return
        yield raw.rstrip(b"\n").rstrip(b"\r").decode("utf-8", errors="replace")


def _safely(engine: Any, step: Any) -> Answer:
    """One answer whatever happens: a busy database is retried (safe: the services read their answer before they
    commit, so a busy error always comes before anything was kept); a failure is answered with the unchanged
    state, and its traceback goes to stderr for whoever runs the station, never into the worker's answer."""
    from app.services.runtime import DatabaseUnavailable, driver_message, with_busy_retry

    try:
        return with_busy_retry(step)
    except DatabaseUnavailable as exc:
        detail = driver_message(exc)
        return engine.answer(False, f"The database is busy or unreachable; nothing was recorded ({detail})")
    except Exception as exc:
        traceback.print_exc(file=sys.stderr)
        return engine.answer(False, f"Internal error ({type(exc).__name__}); nothing was recorded")
