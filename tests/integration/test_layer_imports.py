"""The layers hold at run time, not only in the import graph: importing a layer loads none of the libraries it
must not depend on.

Why a real process: import-linter (``.ci/run``) checks the static graph, but a module-level import hidden behind a
function-level one, or a package ``__init__`` that pulls in more than it should, shows only when Python runs it.
Each case imports every module of a package in a fresh interpreter and lists what third-party code got loaded.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.conftest import ROOT

PROBE = """
import importlib, pkgutil, sys
package = importlib.import_module({package!r})
for info in pkgutil.walk_packages(package.__path__, {package!r} + "."):
    importlib.import_module(info.name)
loaded = sorted({{name.split(".")[0] for name in sys.modules}})
print(" ".join(loaded))
"""


def loaded_by(package: str) -> set[str]:
    """Top-level names of every module a fresh interpreter holds after importing all of ``package``."""
    result = subprocess.run(
        [sys.executable, "-c", PROBE.format(package=package)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return set(result.stdout.split())


@pytest.mark.parametrize(
    ("package", "forbidden"),
    [
        ("app.domain", {"sqlalchemy", "alembic", "psycopg", "textual", "reportlab"}),
        ("app.services", {"textual"}),  # documents are drawn through labels/, so ReportLab may load
        ("labels", {"sqlalchemy", "textual"}),
    ],
)
def test_importing_a_layer_loads_no_forbidden_library(package: str, forbidden: set[str]) -> None:
    loaded = loaded_by(package)
    assert package.split(".")[0] in loaded  # the probe ran: an empty answer would pass vacuously
    assert loaded & forbidden == set()
