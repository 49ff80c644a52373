"""No traceback reaches a command-line user: an unexpected error is logged with its traceback in the data folder
(or the temp folder when that cannot be written) and the user reads one short line naming the log."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy.exc import DataError, IntegrityError

from app import crash_log
from app.cli import main
from app.services import setup
from tests.conftest import ROOT

SECRET_URL_PART = "s3cret"


def write_config(tmp_path: Path) -> Path:
    text = (ROOT / "config.toml").read_text().replace('data_dir = "data"', f'data_dir = "{tmp_path / "data"}"')
    for rel in ("assets/layouts/demo.toml", "assets/rates/demo-parcel.toml", "assets/boxes.toml"):
        text = text.replace(f'"{rel}"', f'"{ROOT / rel}"')
    path = tmp_path / "config.toml"
    path.write_text(text)
    return path


def fail_with(monkeypatch: pytest.MonkeyPatch, error: BaseException) -> None:
    """Make `pickpack locations list` fail inside its service call, after config and database were opened."""

    def broken(*args: object, **kwargs: object) -> None:
        raise error

    monkeypatch.setattr(setup, "list_locations", broken)


def run(tmp_path: Path, db_url: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = main(["--config", str(write_config(tmp_path)), "--db", db_url, "locations", "list"])
    captured = capsys.readouterr()
    return code, captured.err


def test_unexpected_error_is_logged_and_the_user_reads_one_line(
    tmp_path: Path, db_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    fail_with(monkeypatch, ZeroDivisionError("division by zero in the middle of a listing"))
    code, err = run(tmp_path, db_url, capsys)
    log = tmp_path / "data" / "logs" / "pickpack-errors.log"
    assert code == 1
    assert err == (
        f"pickpack: unexpected error (ZeroDivisionError); details were written to {log}. "
        "Your work up to the last completed step is saved.\n"
    )
    text = log.read_text()
    assert "Traceback (most recent call last)" in text and "division by zero in the middle" in text
    assert "pickpack --config" in text and "locations list" in text and "--db ***" in text  # the URL is not logged
    fail_with(monkeypatch, KeyError("second"))
    assert run(tmp_path, db_url, capsys)[0] == 1
    assert log.read_text().startswith(text) and "KeyError: 'second'" in log.read_text()  # appended


def test_an_unwritable_data_folder_falls_back_to_the_temp_folder(
    tmp_path: Path, db_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "logs").write_text("a file where the log folder should be")
    fallback = tmp_path / "tmp" / "pickpack-errors-test.log"
    fallback.parent.mkdir()
    monkeypatch.setattr(crash_log, "fallback_path", lambda: fallback)
    fail_with(monkeypatch, RuntimeError("boom"))
    code, err = run(tmp_path, db_url, capsys)
    assert code == 1 and f"details were written to {fallback}." in err
    assert "RuntimeError: boom" in fallback.read_text()
    # neither can be written (the fallback's folder is a file too): still one line, still no traceback
    monkeypatch.setattr(crash_log, "fallback_path", lambda: tmp_path / "data" / "logs" / "x.log")
    code, err = run(tmp_path, db_url, capsys)
    assert code == 1 and "details could not be written to a log file" in err and "Traceback" not in err


@pytest.mark.parametrize("kind", [IntegrityError, DataError])
def test_database_refusals_are_one_short_line(
    kind: type[Exception],
    tmp_path: Path,
    db_url: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    orig = Exception("value too long for type character varying(64)\nDETAIL: long detail\nCONTEXT: more")
    fail_with(monkeypatch, kind("INSERT INTO products ...", {}, orig))  # type: ignore[call-arg]
    code, err = run(tmp_path, db_url, capsys)
    assert code == 1
    assert err.startswith(
        f"pickpack: the database refused the change ({kind.__name__}: value too long for type character "
        "varying(64)); nothing of this step was saved; details were written to "
    )
    assert err.count("\n") == 1 and "DETAIL" not in err and "Traceback" not in err


def test_keyboard_interrupt_exits_130_quietly(
    tmp_path: Path, db_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    fail_with(monkeypatch, KeyboardInterrupt())
    code, err = run(tmp_path, db_url, capsys)
    assert code == 130 and err == ""


def test_a_real_process_prints_no_traceback(tmp_path: Path, sqlite_template: Path) -> None:
    """The whole process as a user runs it: the crash happens inside the command; stderr stays one line."""
    config = write_config(tmp_path)
    shutil.copy(sqlite_template, tmp_path / "pp.db")
    url = f"sqlite:///{tmp_path / 'pp.db'}"
    script = (
        "import sys\n"
        "import app.services.setup as s\n"
        "def broken(*a, **k):\n"
        "    raise MemoryError('simulated')\n"
        "s.list_locations = broken\n"
        "from app.cli import main\n"
        f"sys.exit(main(['--config', {str(config)!r}, '--db', {url!r}, 'locations', 'list']))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, timeout=60, stdin=subprocess.DEVNULL
    )
    assert done.returncode == 1
    assert "Traceback" not in done.stderr and done.stderr.count("\n") == 1
    assert done.stderr.startswith("pickpack: unexpected error (MemoryError); details were written to ")
    assert "MemoryError: simulated" in (tmp_path / "data" / "logs" / "pickpack-errors.log").read_text()


def test_redaction_hides_urls_and_pins() -> None:
    argv = ["--db", f"postgresql://u:{SECRET_URL_PART}@h/db", "users", "add", "x", "--pin", "1234", "--db=sqlite:///a"]
    assert crash_log.redact(argv) == ["--db", "***", "users", "add", "x", "--pin", "***", "--db=***"]
    assert crash_log.redact([f"postgresql://u:{SECRET_URL_PART}@h/db"]) == ["postgresql://u:***@h/db"]
