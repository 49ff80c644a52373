"""`pickpack route` handler: the JSON contract on stdin/stdout and exit code 2 naming every bad input."""

from __future__ import annotations

import argparse
import io
import json
from pathlib import Path

import pytest

from app.cli import route as route_cli
from app.domain.routing import exhaustive_route
from app.domain.routing.problem import build_problem

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "assets/layouts/demo.toml"


def run(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], stdin: str, layout: Path = DEMO):
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    code = route_cli.handle(argparse.Namespace(layout=str(layout)))
    out, err = capsys.readouterr()
    return code, out, err


def test_route_prints_sequence_and_distance(monkeypatch, capsys) -> None:
    codes = ["A03-12-L-2", "A01-20-R-1", "A03-12-R-3", "A10-30-L-1", "A03-12-L-2"]
    code, out, err = run(monkeypatch, capsys, json.dumps({"locations": codes}))
    assert code == 0, err
    result = json.loads(out)
    assert set(result) == {"sequence", "distance"}
    assert sorted(result["sequence"]) == sorted(set(codes))
    layout = route_cli.load_layout(DEMO)
    assert result["distance"] == pytest.approx(exhaustive_route(layout, codes).distance, abs=1e-3)
    assert result["distance"] == round(result["distance"], 3)


def test_route_on_an_unseen_layout_with_a_depot_between_aisles(monkeypatch, capsys, tmp_path) -> None:
    layout_file = tmp_path / "other.toml"
    layout_file.write_text(
        '[layout]\nname = "Other"\naisles = 7\nblocks = 3\nbays_per_block = 6\nbay_width = 1.2\n'
        'aisle_spacing = 2.7\ncross_aisle_width = 2.5\nlevels = 2\nsides = ["L", "R"]\n'
        "depot = { x = 4.0, y = 0.0 }\ndrop = { x = 16.2, y = 0.0 }\n"
    )
    codes = ["A01-02-L-1", "A07-18-R-2", "A04-09-L-1", "A02-13-R-1", "A06-01-L-2", "A03-17-L-1"]
    code, out, err = run(monkeypatch, capsys, json.dumps({"locations": codes}), layout_file)
    assert code == 0, err
    result = json.loads(out)
    layout = route_cli.load_layout(layout_file)
    assert result["distance"] == pytest.approx(exhaustive_route(layout, codes).distance, abs=1e-3)
    problem = build_problem(layout, codes)
    assert problem.end.x == pytest.approx(16.2)


def test_unknown_and_malformed_codes_exit_2_naming_each(monkeypatch, capsys) -> None:
    stdin = json.dumps({"locations": ["A01-01-L-1", "B1", "A11-01-L-1", "A01-31-L-1", 7]})
    code, out, err = run(monkeypatch, capsys, stdin)
    assert code == 2 and out == ""
    assert err.startswith("pickpack route: ")
    assert "7" in err
    stdin = json.dumps({"locations": ["A01-01-L-1", "B1", "A11-01-L-1", "A01-31-L-1"]})
    code, out, err = run(monkeypatch, capsys, stdin)
    assert code == 2 and out == ""
    for bad in ("B1", "A11-01-L-1", "A01-31-L-1"):
        assert bad in err
    assert "A01-01-L-1" not in err


@pytest.mark.parametrize("stdin", ["", "{", "[]", '{"codes": []}', '{"locations": "A01-01-L-1"}'])
def test_malformed_json_exits_2(monkeypatch, capsys, stdin: str) -> None:
    code, out, err = run(monkeypatch, capsys, stdin)
    assert code == 2 and out == ""
    assert err.startswith("pickpack route: ")


def test_missing_or_invalid_layout_exits_2_naming_file_and_key(monkeypatch, capsys, tmp_path) -> None:
    missing = tmp_path / "missing.toml"
    code, _, err = run(monkeypatch, capsys, '{"locations": []}', missing)
    assert code == 2 and "missing.toml" in err
    broken = tmp_path / "broken.toml"
    broken.write_text('[layout]\nname = "x"\naisles = "ten"\n')
    code, _, err = run(monkeypatch, capsys, '{"locations": []}', broken)
    assert code == 2 and "broken.toml" in err and "layout.aisles" in err
    garbage = tmp_path / "garbage.toml"
    garbage.write_text("[layout\n")
    code, _, err = run(monkeypatch, capsys, '{"locations": []}', garbage)
    assert code == 2 and "garbage.toml" in err


def test_empty_location_list_is_a_zero_route(monkeypatch, capsys) -> None:
    code, out, _ = run(monkeypatch, capsys, '{"locations": []}')
    assert code == 0
    assert json.loads(out) == {"sequence": [], "distance": 0.0}


def test_register_adds_the_subcommand() -> None:
    parser = argparse.ArgumentParser(prog="pickpack")
    sub = parser.add_subparsers(dest="command")
    route_cli.register(sub)
    args = parser.parse_args(["route", "--layout", str(DEMO)])
    assert args.handler is route_cli.handle
