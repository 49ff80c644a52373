"""What `pickpack` imports before it does anything: help and the database-free `route` load no heavy library,
and `orders list` loads SQLAlchemy's Core but neither its ORM nor the model classes (issues 13 and 14).

Why it matters: a worker or a script asking for `--help`, or a front end calling `route` per pick list, waited for
SQLAlchemy, Alembic and ReportLab to load (about 250 modules) although nothing used them. The command modules now
import those only inside the handler that needs them (``app.cli.lazy``). A listing page took a second, almost all
of it imports: declaring the ORM's mapped classes cost about as much as SQLAlchemy itself. These tests read
Python's own import log (``-X importtime``) of a real process and name the offending modules; they measure no time.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.integration.test_orders_list_cli import add_orders

HEAVY = ("textual", "reportlab", "sqlalchemy", "alembic")
ORM = ("sqlalchemy.orm", "app.db.models", "app.db.unit_of_work", "app.db.repositories")


def imported_modules(*args: str, stdin: str | None = None) -> tuple[subprocess.CompletedProcess[str], list[str]]:
    """Run ``python -X importtime -m app ARGS``; the process and every module it imported (from stderr)."""
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "app", *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )
    modules = [line.rsplit("|", 1)[1].strip() for line in result.stderr.splitlines() if line.startswith("import time:")]
    return result, modules


def heavy(modules: list[str]) -> list[str]:
    """The modules of a heavy library (``reportlab_mods`` and the like included)."""
    return [name for name in modules if name.startswith(HEAVY)]


@pytest.mark.parametrize(
    "args",
    [("--help",), ("route", "--help"), ("--db", "sqlite:///x.db", "orders", "list", "--help")],
    ids=["help", "route-help", "orders-list-help"],
)
def test_help_imports_no_heavy_library(args: tuple[str, ...]) -> None:
    result, modules = imported_modules(*args)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "usage: pickpack" in result.stdout
    assert "app.cli" in modules  # the log was read: a broken parse would make the next check pass vacuously
    assert heavy(modules) == []


def test_route_answers_without_the_database_layer(tmp_path: Path) -> None:
    layout = tmp_path / "small.toml"
    layout.write_text(
        '[layout]\nname = "Small"\naisles = 4\nblocks = 1\nbays_per_block = 10\nbay_width = 1.5\n'
        "aisle_spacing = 4.0\ncross_aisle_width = 2.0\nlevels = 2\n"
    )
    codes = ["A04-10-L-1", "A01-02-R-2", "A02-05-L-1"]
    result, modules = imported_modules("route", "--layout", str(layout), stdin=json.dumps({"locations": codes}))
    assert result.returncode == 0, result.stderr[-2000:]
    assert sorted(json.loads(result.stdout)["sequence"]) == sorted(codes)
    assert "app.domain.routing" in modules
    assert heavy(modules) == []


def test_bench_help_still_lists_every_benchmark() -> None:
    """`bench` is parsed in two steps (its benchmarks are imported only when asked for): its help is whole."""
    from app.bench import BENCHMARKS

    result = subprocess.run(
        [sys.executable, "-m", "app", "bench", "--help"], capture_output=True, text=True, cwd=ROOT, timeout=60
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert "usage: pickpack bench" in result.stdout
    for name in [*BENCHMARKS, "import"]:
        assert name in result.stdout, name


def test_users_role_choices_match_the_database() -> None:
    """`users add --role` names its choices from the domain so the parser loads no models; they must agree."""
    from app.cli.users import ROLES
    from app.db.models import ROLES as MODEL_ROLES

    assert tuple(ROLES) == tuple(MODEL_ROLES)


def test_orders_list_reads_through_core_without_the_orm(db_url: str) -> None:
    """A listing page loads SQLAlchemy's Core, the driver and the listing query; not the ORM, the models, the
    unit of work, Alembic, Textual or ReportLab."""
    add_orders(db_url, 3)
    result, modules = imported_modules("--db", db_url, "orders", "list", "--limit", "2", "--json")
    assert result.returncode == 0, result.stderr[-2000:]
    assert [order["external_id"] for order in json.loads(result.stdout)] == ["S2", "S1"]  # priority 2, then 1
    assert "sqlalchemy" in modules and "app.db.queries.listing" in modules
    unwanted = ("textual", "reportlab", "alembic", *ORM)
    assert [name for name in modules if name.startswith(unwanted)] == []


def _tree(parser: argparse.ArgumentParser) -> dict[str, object]:
    """Every help text of a parser and of its sub-parsers, nested by command word."""
    subs = [action for action in parser._actions if isinstance(action, argparse._SubParsersAction)]
    return {
        "help": parser.format_help(),
        **{word: _tree(sub) for action in subs for word, sub in action.choices.items()},
    }


def test_a_command_word_builds_the_same_command_as_the_whole_tree() -> None:
    """`main` builds only the module of the command it was given (``COMMAND_MODULES``): each command's parser must
    be the one the whole tree has, and every command of the tree must be in the map."""
    from app.cli import COMMAND_MODULES, build_parser

    whole = _tree(build_parser(benchmarks=False))
    commands = {word for word in whole if word != "help"}
    assert commands == set(COMMAND_MODULES)
    for word in commands:
        alone = _tree(build_parser(benchmarks=False, command=word))
        assert alone[word] == whole[word], word
