"""Output helpers shared by the commands: JSON to stdout, messages and import problems to stderr."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app.services.errors import InvalidInput

if TYPE_CHECKING:
    from app.services.catalog import ImportReport


def emit_json(data: Any) -> None:
    json.dump(data, sys.stdout, indent=2, ensure_ascii=False, default=str)
    sys.stdout.write("\n")


def say(message: str) -> None:
    print(message, file=sys.stderr)


def write_out(path: Path, data: bytes) -> None:
    """Write a document the user asked for with ``--out``; a path that cannot be written is the user's setting
    (exit 2 naming the path and why), not an unexpected error (exit 1 and a crash log)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    except OSError as exc:
        raise InvalidInput(f"--out {path}: cannot write it: {exc.strerror or exc}") from None


def report_import(report: ImportReport, what: str) -> int:
    """Print every problem as ``file:line: reason`` and a summary; exit 2 when problems stopped the import."""
    for problem in report.problems:
        say(str(problem))
    if not report.applied:
        rows = len({problem.line for problem in report.problems})  # a row with 3 wrong columns is 1 bad row
        say(
            f"{report.source}: {len(report.problems)} problem(s) in {rows} row(s); nothing imported (use "
            f"--skip-invalid to import the good rows)"
        )
        return 2
    skipped = f", {len({p.line for p in report.problems})} bad row(s) skipped" if report.problems else ""
    say(
        f"{report.source}: {what}: {report.created} created, {report.updated} updated, "
        f"{report.unchanged} unchanged{skipped}"
    )
    return 0
