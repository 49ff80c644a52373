"""The `pickpack` command line: parse arguments, load config, dispatch; map failures to exit codes 0/1/2.

Each command group lives in its own module with ``register(subparsers)``; handlers take the parsed namespace
(whose ``context`` attribute holds the lazily built ``Context``) and return the exit code. `--json` output goes
to stdout, messages to stderr.

No traceback ever reaches the user: expected failures (configuration, schema, a refused service call, a database
that is down) print one line naming what was wrong; anything else is logged with its traceback to
``<data_dir>/logs/pickpack-errors.log`` (see ``app.crash_log``) and the user gets one line saying where. Every
unit of work commits whole or not at all, so "your work up to the last completed step is saved" is true.
A command's ``Context`` checks the database schema when the database is first used (``app.bootstrap``); ``init``
and ``demo`` set ``schema_policy="upgrade"`` because they migrate an older database themselves.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from app.config import ENV_CONFIG, ENV_DATABASE_URL, Config, ConfigError, load_config
from app.services.errors import ServiceError

if TYPE_CHECKING:
    from app.bootstrap import Context

EXIT_OK, EXIT_FAILED, EXIT_BAD_INPUT = 0, 1, 2


COMMAND_MODULES = {
    "init": "setup",
    "demo": "setup",
    "import": "catalog",
    "stock": "catalog",
    "locations": "catalog",
    "orders": "orders",
    "process": "orders",
    "batches": "batches",
    "route": "route",
    "shipments": "shipments",
    "users": "users",
    "labels": "labels",
    "terminal": "terminal",
    "station": "station",
    "serve": "serve",
    "bench": "bench",
    "audit": "audit",
    "simulate": "simulate",
}
"""Each command word and the ``app.cli`` module that registers it (``tests/integration/test_cli_imports.py``
checks this against the whole command tree)."""


def build_parser(*, benchmarks: bool = True, command: str | None = None) -> argparse.ArgumentParser:
    """The whole command tree; ``benchmarks=False`` leaves out the benchmark modules (see ``app.cli.bench``).

    ``command`` (a word of ``COMMAND_MODULES``) builds the tree of that command's module only. Why: importing
    every command module and building its sub-parsers is a noticeable part of a quick command such as
    `orders list --limit 100`, and an argument list naming a command is parsed the same by either tree (argparse
    picks a sub-parser by its exact name; the top level has only ``--config`` and ``--db``)."""
    import importlib

    parser = argparse.ArgumentParser(
        prog="pickpack",
        description="Warehouse order management and fulfillment: picking, packing and shipping.",
    )
    parser.add_argument(
        "--config",
        metavar="PATH",
        default=None,
        help=f"configuration file (default: ./config.toml, or ${ENV_CONFIG})",
    )
    parser.add_argument(
        "--db", metavar="URL", default=None, help=f"database URL (overrides config; env ${ENV_DATABASE_URL})"
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    if command in COMMAND_MODULES:
        names = [COMMAND_MODULES[command]]
    else:
        names = ["setup", "catalog", "orders", "batches", "route", "shipments", "users", "labels", "terminal"]
        names += ["station", "serve", "bench", "audit", "simulate"]
    for name in names:
        try:
            module = importlib.import_module(f"app.cli.{name}")
        except ImportError:
            if name != "route":
                raise
            continue  # kept from before: the parser is built without `route` if its module cannot load
        if name == "bench":
            module.register(sub, benchmarks=benchmarks)
        else:
            module.register(sub)
    return parser


def _command_word(argv: Sequence[str]) -> str | None:
    """The command an argument list names (``orders`` in ``--db URL orders list``), or None when it names none,
    asks for the top-level help or has any other option before the command: then the whole tree is built, so
    help and error messages (which list every command) are what they always were."""
    args = iter(argv)
    for arg in args:
        if arg in ("--config", "--db"):
            next(args, None)
        elif not arg.startswith(("--config=", "--db=")):
            return None if arg.startswith("-") else arg
    return None


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    context: Context | None = None
    config: Config | None = None
    try:
        parser = build_parser(benchmarks=False, command=_command_word(argv))
        args, unknown = parser.parse_known_args(argv)
        if args.command == "bench":  # only now are the benchmark modules worth importing
            args = build_parser().parse_args(argv)
        elif unknown:
            parser.parse_args(argv)  # the usual "unrecognized arguments" message and exit 2
        if getattr(args, "needs_config", True):  # `route` reads neither config nor database (see app.cli.route)
            env = dict(os.environ)
            if args.db:
                env[ENV_DATABASE_URL] = args.db
            config = load_config(args.config, env=env)
            context = _context(config, getattr(args, "schema_policy", "current"))
        args.context = context
        return int(args.handler(args))
    except ConfigError as exc:
        print(f"pickpack: configuration error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except _loaded("app.services.runtime", "SchemaMismatch") as exc:
        print(f"pickpack: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except ServiceError as exc:
        print(f"pickpack: {exc}", file=sys.stderr)
        return exc.exit_code
    except _loaded("app.services.runtime", "DatabaseUnavailable") as exc:
        print(f"pickpack: database error: {_first_line(exc.orig)}", file=sys.stderr)
        return EXIT_FAILED
    except _loaded("app.services.runtime", "DatabaseRefused") as exc:
        # IntegrityError, DataError...: a value the database refused. The unit of work rolled back; say so briefly.
        details = _details(_log(exc, config, argv))
        cause = getattr(exc, "orig", None) or exc
        print(
            f"pickpack: the database refused the change ({type(exc).__name__}: {_first_line(cause)}); nothing of "
            f"this step was saved; {details}.",
            file=sys.stderr,
        )
        return EXIT_FAILED
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # e.g. `pickpack orders list --json | head`: the reader left, nothing is wrong
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except Exception as exc:  # the last line of defence: no traceback on a worker's screen
        details = _details(_log(exc, config, argv))
        print(
            f"pickpack: unexpected error ({type(exc).__name__}); {details}. "
            "Your work up to the last completed step is saved.",
            file=sys.stderr,
        )
        return EXIT_FAILED
    finally:
        if context is not None:
            with contextlib.suppress(Exception):  # closing a broken connection must not become a traceback
                context.close()


def _context(config: Config, schema: str) -> Context:
    """The command's lazily opened database and files; imports the database layer, which only a command that may
    use it pays for, and ``app.services.runtime``, which names the database's failures for ``main``'s handlers."""
    from app.bootstrap import Context
    from app.services import runtime  # noqa: F401 - loaded so that ``_loaded`` finds the failure classes

    return Context(config, schema=schema)  # type: ignore[arg-type]


def _loaded(module: str, name: str) -> tuple[type[BaseException], ...]:
    """The exception class ``module.name`` if that module has been imported, else nothing to catch (``()``).

    Why: the database layer (SQLAlchemy, Alembic) is imported only when a command uses it, so `--help` and
    `route` stay fast; ``main`` imports ``app.services.runtime`` (the database's failures by name) together with
    the composition root, so a database error can only have been raised once that module is loaded; looking the
    class up in ``sys.modules`` when an error is being handled keeps the mapping exact without importing anything.
    ``except`` clauses are evaluated in order and only while an exception is matched, so this costs nothing on
    success.
    """
    loaded = sys.modules.get(module)
    return (getattr(loaded, name),) if loaded is not None else ()


def _first_line(error: object, limit: int = 300) -> str:
    text = str(error).strip().splitlines()
    line = text[0] if text else type(error).__name__
    return line if len(line) <= limit else line[: limit - 3] + "..."


def _log(exc: BaseException, config: Config | None, argv: Sequence[str]) -> Path | None:
    """Write the traceback to the error log (the data folder, else the temp folder); the file, or None.
    (``app.crash_log`` is imported only when there is something to log: a successful command never needs it.)"""
    from app.crash_log import write_crash_log

    return write_crash_log(exc, config.data_dir if config is not None else None, argv)


def _details(path: Path | None) -> str:
    if path is None:
        return "details could not be written to a log file (neither the data folder nor the temp folder is writable)"
    return f"details were written to {path}"
