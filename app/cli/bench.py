"""`pickpack bench NAME`: run one benchmark and print its Markdown table."""

from __future__ import annotations

import argparse
import importlib

from app.bench import BENCHMARKS

HELP = "run a benchmark (results belong in the README)"


def register(sub: argparse._SubParsersAction, *, benchmarks: bool = True) -> None:  # type: ignore[type-arg]
    """``benchmarks=False`` registers only the word ``bench`` (its arguments are left for the real parser).

    Why: each benchmark's help and arguments come from its module, and those modules import the services (the
    database layer, ReportLab). Every other command, and ``--help``, has no use for them, so ``app.cli.main``
    parses first with this stand-in (``parse_known_args``) and builds the real ``bench`` parser only when
    ``bench`` was asked for.
    """
    if not benchmarks:
        sub.add_parser("bench", help=HELP, add_help=False)
        return
    bench = sub.add_parser("bench", help=HELP)
    names = bench.add_subparsers(dest="benchmark", metavar="NAME", required=True)
    for name, module_path in sorted(BENCHMARKS.items()):
        try:
            module = importlib.import_module(module_path)
        except ImportError:
            continue
        doc = (module.__doc__ or name).strip().splitlines()[0]
        p = names.add_parser(name, help=doc, description=module.__doc__)
        if hasattr(module, "add_arguments"):
            module.add_arguments(p)
        p.set_defaults(handler=module.run)
    _register_import(names)


def _register_import(names: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """`pickpack bench import`: peak memory of a large order import (it lives beside the intake benchmark)."""
    from app.bench import intake

    p = names.add_parser("import", help=intake.IMPORT_DOC.splitlines()[0], description=intake.IMPORT_DOC)
    intake.add_import_arguments(p)
    p.set_defaults(handler=intake.run_import)
