"""`pickpack bench process` and `pickpack bench snapshot` as a user runs them, at a tiny size, on each database:
they finish, say what they measure and against which goal, and print one row per step (per database)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import BACKENDS, ROOT

pytestmark = pytest.mark.slow

ONLY = {"sqlite": "--sqlite-only", "postgres": "--postgres-only"}
LABEL = {"sqlite": "SQLite (WAL)", "postgres": "PostgreSQL"}


def bench(backend: str, cache: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PICKPACK_BENCH_CACHE": str(cache)}
    return subprocess.run(
        [sys.executable, "-m", "app", "bench", *args, ONLY[backend]],
        capture_output=True, text=True, cwd=ROOT, timeout=600, env=env,
    )  # fmt: skip


def cells(out: str, start: str) -> list[str]:
    row = next(line for line in out.splitlines() if line.startswith(start))
    return [c.strip() for c in row.strip("|").split("|")]


@pytest.mark.parametrize("backend", BACKENDS)
def test_bench_process_times_each_step_of_a_pass_next_to_a_probe_scan(backend: str, tmp_path: Path) -> None:
    result = bench(backend, tmp_path, "process", "--orders", "120", "--allocate", "12", "--release", "6")
    assert result.returncode == 0, result.stderr[-3000:]
    out = result.stdout
    assert "Goal (issue 14): the pass never blocks a scan for more than 100 ms." in out
    assert "Includes:" in out and "Leaves out:" in out
    label = LABEL[backend]
    assert cells(out, f"| {label} | re-score, first pass |")[2] != "0 scores moved"  # every order was due
    assert cells(out, f"| {label} | re-score, next pass |")[2] == "0 scores moved"  # none due again
    allocate = cells(out, f"| {label} | allocate 12 new orders |")
    assert allocate[2].startswith("12 allocated") and int(allocate[4]) >= 1  # transactions counted
    assert cells(out, f"| {label} | release 6 orders |")[2].startswith("6 released")
    assert int(cells(out, f"| {label} | quiet (no pass running) |")[7]) > 0  # the probe scanned
    assert f"{label}: the goal " in out and "Load average" in out  # a verdict, and how busy the machine was
    if backend == "sqlite":
        assert "cached in" in out  # the floor was built and kept for the next run


@pytest.mark.parametrize("backend", BACKENDS)
def test_bench_snapshot_times_the_supervisor_snapshot(backend: str, tmp_path: Path) -> None:
    result = bench(backend, tmp_path, "snapshot", "--orders", "120", "--released", "10", "--runs", "3")
    assert result.returncode == 0, result.stderr[-3000:]
    out = result.stdout
    assert "Goal (issue 14): p95 under 100 ms." in out
    assert "Includes:" in out and "Leaves out:" in out
    row = cells(out, f"| {LABEL[backend]} |")
    assert row[1] == "3" and int(row[6]) > 0  # every run timed, its statements counted
    assert "10 released" in out  # the floor holds what was asked for
