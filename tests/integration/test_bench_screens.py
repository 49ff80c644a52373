"""`pickpack bench scan` and `pickpack bench live` as a user runs them, at a tiny size: they finish, print one
row per database with every scan counted, and say what their clock includes and leaves out.

In this process (``app.cli.main``): starting Python and importing the app again proves nothing here that
``test_cli_imports`` does not, and only code run in the test process counts towards coverage. The scan bench's
concurrent `process --watch` pass is still its own process, as a user's run has it."""

from __future__ import annotations

import pytest

from app.cli import main
from tests.conftest import ROOT

pytestmark = pytest.mark.slow


def bench(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, *args: str) -> tuple[int, str, str]:
    """Exit code, stdout and stderr of `pickpack bench ARGS --sqlite-only`, run from the repository."""
    monkeypatch.chdir(ROOT)
    monkeypatch.delenv("PICKPACK_TEST_POSTGRES_URL", raising=False)  # --sqlite-only must be enough on its own
    capsys.readouterr()
    code = main(["bench", *args, "--sqlite-only"])
    out, err = capsys.readouterr()
    return code, out, err


def test_bench_scan_runs_with_a_process_pass_writing_and_says_what_it_measures(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    code, out, err = bench(
        capsys, monkeypatch, "scan", "--orders", "150", "--products", "120", "--scans", "8", "--writer-interval", "0.2"
    )
    assert code == 0, err
    assert "Clock: starts when the scanner's Enter key is handed to the app" in out
    assert "Includes:" in out and "Leaves out:" in out
    assert "a `process --watch` pass every 0.2 s after importing 20 new orders" in out
    row = next(line for line in out.splitlines() if line.startswith("| SQLite (WAL) |"))
    cells = [c.strip() for c in row.strip("|").split("|")]
    assert cells[1] == "8"  # every scan timed
    assert cells[6] == "0"  # none left without a repaint
    assert int(cells[7]) >= 1  # the process pass wrote while the picker scanned
    assert "shipped" in out and "picking" in out  # the floor is in mid-shift, not all new
    assert "PostgreSQL" not in out  # --sqlite-only


def test_bench_live_counts_every_scan_and_says_what_it_measures(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    code, out, err = bench(
        capsys, monkeypatch, "live", "--orders", "80", "--history", "20", "--products", "80", "--scans", "3",
        "--pause", "0.05",
    )  # fmt: skip
    assert code == 0, err
    assert "A scan never shown by the end of the wait counts as late" in out
    assert "Leaves out:" in out
    row = next(line for line in out.splitlines() if line.startswith("| SQLite (poll) |"))
    assert [c.strip() for c in row.strip("|").split("|")][1] == "3"
