"""`pickpack init` reads every file the configuration names before it touches the database: a broken layout, box
catalog or rate card exits 2 naming the key and the file, and no database is created."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.cli import main
from tests.conftest import ROOT

LAYOUT = (ROOT / "assets/layouts/demo.toml").read_text()
BOXES = (ROOT / "assets/boxes.toml").read_text()
RATES = (ROOT / "assets/rates/demo-parcel.toml").read_text()


def setup_files(tmp_path: Path, *, layout: str = LAYOUT, boxes: str = BOXES, rates: str = RATES) -> Path:
    (tmp_path / "layout.toml").write_text(layout)
    (tmp_path / "boxes.toml").write_text(boxes)
    (tmp_path / "rates.toml").write_text(rates)
    text = (ROOT / "config.toml").read_text()
    text = text.replace('"assets/layouts/demo.toml"', '"layout.toml"').replace('"assets/boxes.toml"', '"boxes.toml"')
    text = text.replace('"assets/rates/demo-parcel.toml"', '"rates.toml"')
    config = tmp_path / "config.toml"
    config.write_text(text)
    return config


def init(tmp_path: Path, config: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = main(["--config", str(config), "--db", f"sqlite:///{tmp_path / 'pp.db'}", "init"])
    return code, capsys.readouterr().err


@pytest.mark.parametrize(
    ("change", "file", "key"),
    [
        ({"layout": LAYOUT.replace("aisle_spacing = 3.0", "aisle_spacing = 0.2")}, "layout.toml",
         "layout.aisle_spacing"),
        ({"layout": LAYOUT.replace('["L", "R"]', '["L", "L"]')}, "layout.toml", "layout.sides"),
        ({"layout": LAYOUT.replace("racks = 4", "racks = true")}, "layout.toml", "layout.reserve.racks"),
        ({"layout": LAYOUT.replace("depot = { x = 0.0, y = 0.0 }", "depot = { x = nan, y = 0.0 }")}, "layout.toml",
         "layout.depot"),
        ({"layout": LAYOUT.replace("bays_per_block = 15", "bays_per_block = 100000000")}, "layout.toml",
         "layout.bays_per_block"),
        ({"layout": LAYOUT + "zones = 3\n"}, "layout.toml", "layout.zones"),
        ({"boxes": BOXES.replace("max_weight_kg = ", "max_weight_kg = nan #", 1)}, "boxes.toml", "max_weight_kg"),
        ({"boxes": "box = 3\n"}, "boxes.toml", "box"),
        ({"boxes": "not toml ["}, "boxes.toml", "not valid TOML"),
        ({"rates": RATES.replace("[card]", "[card]\nbogus = 1", 1)}, "rates.toml", "card.bogus"),
    ],
)  # fmt: skip
def test_init_refuses_broken_files_naming_file_and_key(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], change: dict[str, str], file: str, key: str
) -> None:
    config = setup_files(tmp_path, **change)
    code, err = init(tmp_path, config, capsys)
    assert code == 2, err
    assert f"{tmp_path / file}:" in err and key in err, err
    assert "Traceback" not in err
    assert not (tmp_path / "pp.db").exists()  # refused before the database was created


def test_missing_files_are_named_with_their_key(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = setup_files(tmp_path)
    (tmp_path / "rates.toml").unlink()
    code, err = init(tmp_path, config, capsys)
    assert code == 2 and f"{config}: carriers.demo-parcel.rate_card: rate card not found" in err
    (tmp_path / "rates.toml").write_text(RATES)
    (tmp_path / "boxes.toml").unlink()
    (tmp_path / "boxes.toml").mkdir()
    code, err = init(tmp_path, config, capsys)
    assert code == 2 and "shipping.boxes: " in err and "is a folder, expected a file" in err


def test_a_configured_service_missing_from_the_rate_card_is_named(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = setup_files(tmp_path)
    config.write_text(
        config.read_text().replace("[carriers.demo-parcel.services.express]", "[carriers.demo-parcel.services.exprss]")
    )
    code, err = init(tmp_path, config, capsys)
    assert code == 2
    assert "carriers.demo-parcel.services.exprss: the rate card" in err and "has no service 'exprss'" in err


def test_the_shipped_files_pass(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, err = init(tmp_path, setup_files(tmp_path), capsys)
    assert code == 0, err
    assert "2480 in all" in err
