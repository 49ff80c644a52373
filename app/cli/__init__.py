"""The `pickpack` command line: parse arguments, load config, dispatch; map failures to exit codes 0/1/2.

Each command group lives in its own module with ``register(subparsers)``; handlers take the parsed namespace
(whose ``context`` attribute holds the lazily built ``Context``) and return the exit code. `--json` output goes
to stdout, messages to stderr.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from sqlalchemy.exc import OperationalError

from app.bootstrap import Context
from app.config import ENV_CONFIG, ENV_DATABASE_URL, ConfigError, load_config
from app.services.errors import ServiceError

EXIT_OK, EXIT_FAILED, EXIT_BAD_INPUT = 0, 1, 2


def build_parser() -> argparse.ArgumentParser:
    from app.cli import (
        audit,
        batches,
        bench,
        catalog,
        labels,
        orders,
        serve,
        setup,
        shipments,
        simulate,
        station,
        terminal,
        users,
    )

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
    modules = [setup, catalog, orders, batches, shipments, users, labels, terminal, station, serve, bench, audit]
    modules.append(simulate)
    try:
        from app.cli import route

        modules.insert(4, route)
    except ImportError:
        pass
    for module in modules:
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    context: Context | None = None
    try:
        env = dict(os.environ)
        if args.db:
            env[ENV_DATABASE_URL] = args.db
        config = load_config(args.config, env=env)
        context = Context(config)
        args.context = context
        return int(args.handler(args))
    except ConfigError as exc:
        print(f"pickpack: configuration error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except ServiceError as exc:
        print(f"pickpack: {exc}", file=sys.stderr)
        return exc.exit_code
    except OperationalError as exc:
        print(f"pickpack: database error: {exc.orig}", file=sys.stderr)
        return EXIT_FAILED
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # e.g. `pickpack orders list --json | head`: the reader left, nothing is wrong
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    finally:
        if context is not None:
            context.close()
