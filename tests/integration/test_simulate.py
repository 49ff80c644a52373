"""`pickpack simulate` end to end (issue 11): short shifts of real `pickpack station` processes on each database,
with wrong scans, shorts, office changes and kill -9, must each leave a clean audit, no traceback and every
injected wrong scan refused; over the shifts at least one order ships and one killed station resumes.

The `simulate` command itself runs in this process (its code counts towards coverage and no second interpreter
starts); the stations it drives are real processes, as the kills must hit real transactions."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from app.cli import main
from app.db.engine import make_engine
from app.db.unit_of_work import Database
from app.domain.layout import Layout
from app.services.demo import seed_demo
from app.sim import summary
from app.sim.runner import SIM_PIN, child_env
from app.sim.station import station_command
from tests.conftest import ACTOR, ROOT
from tests.picking_support import config as repo_config


def write_config(tmp_path: Path) -> Path:
    """The repository's config with the data folder (print spool) in ``tmp_path`` and absolute asset paths; carts
    of 3 totes and a short wave-planning budget, so a short shift finishes (and ships) several batches."""
    text = (ROOT / "config.toml").read_text()
    text = text.replace('data_dir = "data"', f'data_dir = "{tmp_path / "data"}"')
    text = text.replace("\ncart_totes = 8\n", "\ncart_totes = 3\n")
    text = text.replace("\nbatching_budget_seconds = 2.0\n", "\nbatching_budget_seconds = 0.2\n")
    assert "\ncart_totes = 3\n" in text and "\nbatching_budget_seconds = 0.2\n" in text
    for rel in ("assets/layouts/demo.toml", "assets/rates/demo-parcel.toml", "assets/boxes.toml"):
        text = text.replace(f'"{rel}"', f'"{ROOT / rel}"')
    path = tmp_path / "config.toml"
    path.write_text(text)
    return path


SHIFT = ("--pickers", "2", "--packers", "1", "--process-every", "2", "--office-every", "2")
"""The crew and rhythm of every test shift: two pickers and a packer (the same three users each time), a process
pass and an office act every 2 s or so."""
LENGTHS = ((7, 3), (7, 3), (14, 5), (28, 9))
"""(seconds, kill every seconds) of the shifts in turn: two short ones on a quiet machine; the later, longer ones
run only while a loaded machine (where a station takes seconds to start) has not yet reached every goal."""
INVARIANTS = ("tracebacks", "wrong_scans_accepted", "station_crashes", "hangs", "contract_violations")
"""Counts that must be zero after any shift however loaded the machine: they are the floor's correctness."""
GOALS = ("wrong_scans_injected", "orders_shipped", "kills", "resumes")
"""Counts that must be above zero over the test's shifts: they show the shift did what it is there to test. They
depend on throughput, so a loaded machine gets more shifts (each must be clean) rather than a failure."""


def simulate(
    config: Path, url: str, *args: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> tuple[int, dict[str, Any], str]:
    """`pickpack simulate --json ARGS` in this process (its stations are real `pickpack station` processes): the
    exit code, the summary and stderr. No PICKPACK_* variable of the test run reaches it or its stations."""
    with monkeypatch.context() as m:
        for name in [k for k in os.environ if k.startswith("PICKPACK_")]:
            m.delenv(name)
        m.chdir(ROOT)
        capsys.readouterr()
        code = main(["--config", str(config), "--db", url, "simulate", "--json", *args])
        out, err = capsys.readouterr()
    return code, json.loads(out) if out.strip() else {}, err


def explain(code: int, result: dict[str, Any], stderr: str) -> str:
    """Everything needed to follow up a failed shift: exit code, the rendered summary (with the audit's findings),
    the summary JSON and the end of stderr."""
    if not result:
        return f"exit {code}, no summary; stderr:\n{stderr[-4000:]}"
    dump = json.dumps(result, indent=1, default=str)
    return f"exit {code}\n{summary.render(result)}\n--- JSON ---\n{dump[-6000:]}\n--- stderr ---\n{stderr[-2000:]}"


def check_clean(code: int, result: dict[str, Any], stderr: str) -> None:
    """What every shift must leave, loaded machine or not: exit 0, a clean audit, every wrong scan refused."""
    why = explain(code, result, stderr)
    assert code == 0 and result, why
    assert result["audit"]["ok"] is True, why
    assert {key: result[key] for key in INVARIANTS} == dict.fromkeys(INVARIANTS, 0), why
    assert result["wrong_scans_injected"] == result["wrong_scans_refused"], why
    assert result["orders_shipped"] >= result["ships_answered"], why
    assert result["scans"] == result["scans_by_role"]["pick"] + result["scans_by_role"]["pack"], why


@pytest.mark.slow
def test_shifts_audit_clean_ship_resume_and_reuse_the_crew(
    db_url: str, layout: Layout, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A short shift, then more on the same database: each finds sim-picker-1, sim-picker-2, sim-packer-1 and
    sim-office from the first and signs in as them. Every shift must be clean; over the shifts (at least two, more
    only while a loaded machine has not yet got there) a wrong scan is refused, an order ships and a killed
    station with work in hand resumes it."""
    db = Database(make_engine(db_url))
    try:
        seed_demo(db, layout, ROOT / "assets" / "demo", actor=ACTOR, config=None)  # catalog, stock, users
    finally:
        db.dispose()
    config = write_config(tmp_path)
    totals = dict.fromkeys(GOALS, 0)
    shifts: list[str] = []
    for n, (seconds, kill_every) in enumerate(LENGTHS):
        orders = "24" if n == 0 else "6"
        timing = ("--seconds", str(seconds), "--kill-every", str(kill_every))
        args = (*SHIFT, *timing, "--orders", orders, "--seed", str(11 + n))
        code, result, stderr = simulate(config, db_url, *args, capsys=capsys, monkeypatch=monkeypatch)
        check_clean(code, result, stderr)
        for key in GOALS:
            totals[key] += result[key]
        shifts.append(f"shift {n + 1}: " + ", ".join(f"{key} {result[key]}" for key in GOALS))
        if n >= 1 and all(totals.values()):
            break
    missed = f"after {len(shifts)} clean shifts, not all of {GOALS} happened:\n" + "\n".join(shifts)
    assert all(totals.values()), missed


def run_cli(config: Path, url: str, *args: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    """The CLI in this process: refusals happen before any station starts, so no child is needed."""
    code = main(["--config", str(config), "--db", url, "simulate", "--json", *args])
    return code, capsys.readouterr().err


def test_no_station_and_an_empty_database_are_refused_with_exit_2(
    db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = write_config(tmp_path)
    code, stderr = run_cli(config, db_url, "--pickers", "0", "--packers", "0", capsys=capsys)
    assert code == 2 and "at least one station" in stderr
    code, stderr = run_cli(config, db_url, "--seconds", "2", "--pickers", "1", "--packers", "0", capsys=capsys)
    assert code == 2 and "load a catalog first" in stderr


def test_stations_get_the_database_url_and_pin_only_through_the_environment() -> None:
    url = "postgresql+psycopg://secret@db/pickpack"
    command = station_command("pick", "sim-picker-1")
    assert command[-4:] == ["station", "pick", "--user", "sim-picker-1"]
    assert not any(url in part or SIM_PIN in part for part in command)
    env = child_env(repo_config(), url, SIM_PIN)
    assert env["PICKPACK_DATABASE_URL"] == url and env["PICKPACK_PIN"] == SIM_PIN
