"""`pickpack simulate` end to end (issue 11): a short shift of real `pickpack station` processes on each database,
with wrong scans, shorts, office changes and kill -9, must leave a clean audit, no traceback, every injected wrong
scan refused, at least one order shipped and one killed station resumed."""

from __future__ import annotations

import json
import os
import subprocess
import sys
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


def simulate(config: Path, url: str, *args: str, timeout: float = 240.0) -> tuple[int, dict[str, Any], str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PICKPACK_")}
    done = subprocess.run(
        [sys.executable, "-m", "app", "--config", str(config), "--db", url, "simulate", "--json", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=ROOT,
        env=env,
    )
    return done.returncode, json.loads(done.stdout) if done.stdout.strip() else {}, done.stderr


def test_a_shift_audits_clean_and_a_second_shift_reuses_the_crew(db_url: str, layout: Layout, tmp_path: Path) -> None:
    db = Database(make_engine(db_url))
    try:
        seed_demo(db, layout, ROOT / "assets" / "demo", actor=ACTOR, config=None)  # catalog, stock, users
    finally:
        db.dispose()
    config = write_config(tmp_path)
    code, result, stderr = simulate(
        config,
        db_url,
        *("--pickers", "2", "--packers", "1", "--seconds", "15", "--kill-every", "5", "--seed", "11"),
        *("--orders", "30", "--process-every", "3", "--office-every", "3"),
    )
    problems = summary.render(result) if result else stderr[-3000:]
    assert code == 0, f"exit {code}:\n{problems}"
    assert result["tracebacks"] == 0, problems
    assert result["audit"]["ok"] is True
    assert result["wrong_scans_injected"] > 0
    assert result["wrong_scans_injected"] == result["wrong_scans_refused"], problems
    assert result["wrong_scans_accepted"] == 0
    assert result["orders_shipped"] >= 1 and result["orders_shipped"] >= result["ships_answered"]
    assert result["kills"] >= 1 and result["resumes"] >= 1, problems
    assert result["station_crashes"] == 0 and result["hangs"] == 0, problems
    assert result["contract_violations"] == 0, problems
    assert result["scans"] == result["scans_by_role"]["pick"] + result["scans_by_role"]["pack"]

    # the second shift finds sim-picker-1, sim-packer-1 and sim-office from the first and signs in as them
    args = ("--pickers", "1", "--packers", "1", "--seconds", "4", "--kill-every", "0", "--orders", "5")
    code, result, stderr = simulate(config, db_url, *args)
    assert code == 0, stderr[-3000:]
    assert result["audit"]["ok"] and result["tracebacks"] == 0


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
