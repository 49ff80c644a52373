"""config.toml validation: every mistake is named with file, key and what was expected."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.config import ConfigError, load_config

ROOT = Path(__file__).resolve().parents[2]


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text)
    return path


def test_shipped_config_loads_with_every_section() -> None:
    config = load_config(ROOT / "config.toml", env={})
    assert config.terminal.scanner_suffix == "enter"
    assert config.layout_path == ROOT / "assets" / "layouts" / "demo.toml"
    assert config.database_url == f"sqlite:///{ROOT / 'data' / 'pickpack.db'}"
    assert config.carriers["demo-parcel"].services["express"].transit_days == 1
    assert config.stations["station-1"].label_printer == "spool"


def test_unknown_key_is_named_with_file(tmp_path: Path) -> None:
    path = write(tmp_path, "[terminal]\nscaner_suffix = 'enter'\n")
    with pytest.raises(ConfigError) as err:
        load_config(path, env={})
    assert str(path) in str(err.value)
    assert "terminal.scaner_suffix: unknown key" in str(err.value)
    assert "scanner_suffix" in str(err.value)  # says what was expected


def test_wrong_type_is_named(tmp_path: Path) -> None:
    path = write(tmp_path, "[database]\nsqlite_busy_timeout_ms = 'soon'\n")
    with pytest.raises(ConfigError, match=r"database.sqlite_busy_timeout_ms: expected an integer, got 'soon'"):
        load_config(path, env={})


def test_bad_choice_is_named(tmp_path: Path) -> None:
    path = write(tmp_path, "[terminal]\nscanner_suffix = 'space'\n")
    with pytest.raises(ConfigError, match=r"terminal.scanner_suffix: expected one of enter, tab, got 'space'"):
        load_config(path, env={})


def test_nested_table_errors_carry_full_key(tmp_path: Path) -> None:
    path = write(tmp_path, "[carriers.x.services.fast]\ntransit_days = 'one'\n")
    with pytest.raises(ConfigError, match=r"carriers.x.services.fast.transit_days: expected an integer"):
        load_config(path, env={})


def test_station_must_name_a_defined_printer(tmp_path: Path) -> None:
    path = write(tmp_path, "[stations.pack1]\nlabel_printer = 'zebra9'\n")
    with pytest.raises(ConfigError, match=r"stations.pack1.label_printer: no printer named 'zebra9'"):
        load_config(path, env={})


def test_missing_explicit_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="configuration file not found"):
        load_config(tmp_path / "nope.toml", env={})


def test_env_overrides(tmp_path: Path) -> None:
    path = write(tmp_path, "[paths]\ndata_dir = 'var'\n")
    config = load_config(None, env={"PICKPACK_CONFIG": str(path), "PICKPACK_DATABASE_URL": "sqlite:///x.db"})
    assert config.database_url == "sqlite:///x.db"
    assert config.data_dir == tmp_path / "var"  # relative to the config file, not the working directory


def test_invalid_toml_is_reported(tmp_path: Path) -> None:
    path = write(tmp_path, "[terminal\n")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_config(path, env={})
