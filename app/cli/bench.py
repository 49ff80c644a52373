"""`pickpack bench NAME`: run one benchmark and print its Markdown table."""

from __future__ import annotations

import argparse
import importlib

from app.bench import BENCHMARKS


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    bench = sub.add_parser("bench", help="run a benchmark (results belong in the README)")
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
