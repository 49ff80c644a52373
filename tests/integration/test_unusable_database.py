"""A database or configuration that cannot be used at all is a wrong setting: exit 2 with one line naming it,
never a traceback or exit 1 (exit 1 stays for a server that is down: the same command works once it is back)."""

from __future__ import annotations

import io
import json
import os
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from app.cli import main
from tests.conftest import ROOT
from tests.integration.test_cli import pickpack


def test_a_file_that_is_not_a_database_is_named(tmp_path: Path) -> None:
    junk = tmp_path / "orders.csv"
    junk.write_text("order_number,sku\n1,A\n" * 50)
    result = pickpack("--db", f"sqlite:///{junk}", "orders", "list")
    assert result.returncode == 2, result.stderr
    assert f"{junk} is not a pickpack database" in result.stderr and "Traceback" not in result.stderr


def test_a_config_that_is_not_utf8_and_a_data_folder_that_cannot_be_made(tmp_path: Path) -> None:
    binary = tmp_path / "bin.toml"
    binary.write_bytes(b"\xff\xfe garbage")
    result = pickpack("--config", str(binary), "init")
    assert result.returncode == 2 and f"{binary}: not UTF-8 text" in result.stderr

    blocker = tmp_path / "blocker"
    blocker.write_text("a file where a folder should be made")
    config = tmp_path / "config.toml"
    config.write_text(f'[paths]\ndata_dir = "{blocker}/sub/data"\nlayout = "{ROOT / "assets/layouts/demo.toml"}"\n')
    result = pickpack("--config", str(config), "orders", "list")
    assert result.returncode == 2, result.stderr
    assert "paths.data_dir" in result.stderr and "Traceback" not in result.stderr


def test_a_postgresql_database_that_does_not_exist_is_a_setting(tmp_path: Path) -> None:
    url = os.environ.get("PICKPACK_TEST_POSTGRES_URL")
    if not url:
        pytest.skip("needs PICKPACK_TEST_POSTGRES_URL")
    missing = make_url(url).set(database="pickpack_never_created_xyz").render_as_string(hide_password=False)
    result = pickpack("--db", missing, "orders", "list")
    assert result.returncode == 2, result.stderr
    assert "pickpack_never_created_xyz" in result.stderr and "does not exist" in result.stderr


def test_a_station_on_an_unusable_database_answers_in_one_json_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("PICKPACK_PIN", "1111")
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(b"")))
    for url, expected in (
        (f"sqlite:///{tmp_path / 'none.db'}", "run `pickpack init` to create it"),
        (f"sqlite:///{ROOT / 'README.md'}", "is not a pickpack database"),
    ):
        assert main(["--db", url, "station", "pick", "--user", "pia"]) == 2
        out = capsys.readouterr().out.splitlines()
        assert len(out) == 1
        answer = json.loads(out[0])
        assert answer["ok"] is False and answer["expect"] is None and expected in answer["message"]
