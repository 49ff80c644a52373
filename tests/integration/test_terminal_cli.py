"""`pickpack terminal` / `pickpack serve` check the station at start-up (issue 10, item 13).

An unknown ``--station`` used to be accepted and crashed the app at the first label, after the shipment had
committed. Now the command exits 2 naming the defined stations, before the app (or the web server) starts.
"""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest

from app.bootstrap import Context
from app.cli import main
from tests.conftest import ROOT

CONFIG = """
[paths]
data_dir = "{data}"
layout = "{layout}"

[printers.spool]
kind = "file"
path = "{data}/spool"

[stations.pack-1]
label_printer = "spool"
document_printer = "spool"

[stations.pack-2]
label_printer = "spool"
document_printer = "spool"

[terminal]
station = "{default}"
"""


def write_config(tmp_path: Path, default: str = "pack-1") -> Path:
    path = tmp_path / "config.toml"
    path.write_text(CONFIG.format(data=tmp_path / "data", layout=ROOT / "assets/layouts/demo.toml", default=default))
    return path


class AppMustNotStart:
    """Stands in for the Textual app and the web server: starting either fails the test."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        raise AssertionError("the app started although the station is unknown")


@pytest.fixture
def no_app(monkeypatch: pytest.MonkeyPatch) -> None:
    import textual_serve.server

    import app.tui.app

    monkeypatch.setattr(app.tui.app, "build_app", AppMustNotStart)
    monkeypatch.setattr(textual_serve.server, "Server", AppMustNotStart)


@pytest.mark.parametrize("command", ["terminal", "serve"])
def test_unknown_station_exits_2_naming_the_defined_stations(
    command: str, tmp_path: Path, no_app: None, capsys: pytest.CaptureFixture[str]
) -> None:
    config = write_config(tmp_path)
    db = f"sqlite:///{tmp_path / 'never.db'}"
    code = main(["--config", str(config), "--db", db, command, "--station", "pack-9"])
    err = capsys.readouterr().err
    assert code == 2
    assert "pack-9" in err and "unknown station" in err
    assert "defined: pack-1, pack-2" in err
    assert "Traceback" not in err
    assert not (tmp_path / "never.db").exists()  # refused before the database was even opened


def test_unknown_default_station_is_refused_too(
    tmp_path: Path, no_app: None, capsys: pytest.CaptureFixture[str]
) -> None:
    config = write_config(tmp_path, default="station-1")
    code = main(["--config", str(config), "--db", f"sqlite:///{tmp_path / 'never.db'}", "terminal"])
    err = capsys.readouterr().err
    assert code == 2
    assert "station-1" in err and "defined: pack-1, pack-2" in err


def test_a_defined_station_starts_the_app_with_that_station(
    db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import app.tui.app

    started: list[str] = []

    class FakeApp:
        def __init__(self, station: str) -> None:
            self.station = station

        def run(self) -> None:
            started.append(self.station)

    monkeypatch.setattr(app.tui.app, "build_app", lambda config, db, *, station: FakeApp(station))
    config = write_config(tmp_path)
    assert main(["--config", str(config), "--db", db_url, "terminal", "--station", "pack-2"]) == 0
    assert main(["--config", str(config), "--db", db_url, "terminal"]) == 0
    assert started == ["pack-2", "pack-1"]


def test_station_terminals_are_kiosks_and_the_demo_terminal_is_not(
    db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``[terminal] kiosk`` (default true) holds for `pickpack terminal`; `pickpack demo` is a trial on a desk, so
    Ctrl+Q must close it whatever the config says."""
    import app.cli.setup
    import app.tui.app

    kiosks: list[bool] = []

    class FakeApp:
        def __init__(self, config, db, *, station: str) -> None:  # type: ignore[no-untyped-def]
            self.kiosk = config.terminal.kiosk

        def run(self) -> None:
            kiosks.append(self.kiosk)

    monkeypatch.setattr(app.tui.app, "build_app", FakeApp)
    config = write_config(tmp_path)
    assert main(["--config", str(config), "--db", db_url, "terminal"]) == 0

    class Seeded:  # what the demo command reports after seeding (the seeding itself is tested elsewhere)
        init = SimpleNamespace(locations_total=0)
        products = stock = SimpleNamespace(created=0, unchanged=0)
        users_created = 0
        orders = processed = None

    monkeypatch.setattr(app.cli.setup.demo, "seed_demo", lambda *args, **kwargs: Seeded())
    monkeypatch.setattr(Context, "check_files", lambda self: None)  # this config names no box catalog
    assert main(["--config", str(config), "--db", db_url, "demo"]) == 0
    assert kiosks == [True, False]
