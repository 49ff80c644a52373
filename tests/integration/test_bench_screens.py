"""`pickpack bench scan` and `pickpack bench live` as a user runs them, at a tiny size: they finish, print one
row per database with every scan counted, and say what their clock includes and leaves out."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.slow


def bench(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "app", "bench", *args, "--sqlite-only"],
        capture_output=True, text=True, cwd=ROOT, timeout=600,
    )  # fmt: skip


def test_bench_scan_runs_with_a_process_pass_writing_and_says_what_it_measures() -> None:
    result = bench("scan", "--orders", "300", "--products", "150", "--scans", "12", "--writer-interval", "0.3")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "Clock: starts when the scanner's Enter key is handed to the app" in out
    assert "Includes:" in out and "Leaves out:" in out
    row = next(line for line in out.splitlines() if line.startswith("| SQLite (WAL) |"))
    cells = [c.strip() for c in row.strip("|").split("|")]
    assert cells[1] == "12"  # every scan timed
    assert cells[6] == "0"  # none left without a repaint
    assert int(cells[7]) >= 1  # the process pass wrote while the picker scanned
    assert "shipped" in out and "picking" in out  # the floor is in mid-shift, not all new


def test_bench_live_counts_every_scan_and_says_what_it_measures() -> None:
    result = bench("live", "--orders", "150", "--history", "50", "--products", "150", "--scans", "4", "--pause", "0.05")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "A scan never shown by the end of the wait counts as late" in out
    assert "Leaves out:" in out
    row = next(line for line in out.splitlines() if line.startswith("| SQLite (poll) |"))
    assert [c.strip() for c in row.strip("|").split("|")][1] == "4"
