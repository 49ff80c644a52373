"""`pickpack audit [--json]` and `pickpack stock moves [--sku S] [--json]` through the command line's entry point:
exit codes, the JSON contracts of the conventions, and messages on stderr."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import pytest
from sqlalchemy import create_engine, update

from app.cli import main
from app.db.models import Stock
from app.services.audit import RULES
from tests.conftest import ROOT, SAMPLES

CONFIG = str(ROOT / "config.toml")


def run(capsys: pytest.CaptureFixture[str], db_url: str, *args: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(["--config", CONFIG, "--db", db_url, *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_audit_and_ledger_commands(db_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, db_url, "import", "products", str(SAMPLES / "products.csv"))[0] == 0
    assert run(capsys, db_url, "import", "stock", str(SAMPLES / "stock.csv"))[0] == 0

    code, out, _ = run(capsys, db_url, "audit", "--json")
    assert code == 0
    report = json.loads(out)
    assert set(report) == {"ok", "checks"} and report["ok"] is True
    assert [c["name"] for c in report["checks"]] == list(RULES)
    for check in report["checks"]:
        assert {"name", "ok", "violations"} <= set(check)
        assert check["ok"] is True and check["violations"] == []

    code, out, _ = run(capsys, db_url, "audit")
    assert code == 0
    lines = out.splitlines()
    assert [line.split()[0] for line in lines[: len(RULES)]] == list(RULES)
    assert all(line.split()[1] == "ok" for line in lines[: len(RULES)])
    assert lines[-1] == "audit: all checks hold"

    code, out, _ = run(capsys, db_url, "stock", "moves", "--json")
    assert code == 0
    moves: list[dict[str, Any]] = json.loads(out)
    assert len(moves) == 11  # one import line per stock row of the sample file
    assert all({"at", "sku", "location", "lot", "qty", "reason", "by"} <= set(m) for m in moves)
    times = [datetime.fromisoformat(m["at"]) for m in moves]
    assert times == sorted(times)
    mug = next(m for m in moves if m["sku"] == "MUG-BLU-350")
    assert (mug["location"], mug["lot"], mug["qty"], mug["reason"]) == ("A01-03-L-1", None, 40, "import")
    assert isinstance(mug["by"], str) and mug["by"]

    code, out, _ = run(capsys, db_url, "stock", "moves", "--sku", "TEA-EARL-100", "--json")
    assert code == 0
    tea = json.loads(out)
    assert sorted((m["location"], m["lot"], m["qty"]) for m in tea) == [
        ("A02-07-L-2", "L2611A", 30),
        ("A02-07-L-3", "L2609C", 20),
    ]

    for extra in ((), ("--json",)):
        code, out, err = run(capsys, db_url, "stock", "moves", "--sku", "TEA-ROOIBOS-999", *extra)
        assert code == 2 and out == ""
        assert "'TEA-ROOIBOS-999'" in err and "Traceback" not in err

    code, out, _ = run(capsys, db_url, "stock", "moves", "--sku", "KETTLE-STEEL-1L")
    assert code == 0
    table = out.splitlines()
    assert table[0].split()[:3] == ["AT", "SKU", "LOCATION"] and len(table) == 2
    assert "KETTLE-STEEL-1L" in table[1] and "A05-02-L-1" in table[1] and "+12" in table[1]

    # A count changed behind the ledger's back: the audit fails, names the shelf, and exits 1.
    engine = create_engine(db_url)
    with engine.begin() as conn:
        conn.execute(update(Stock).where(Stock.quantity_on_hand == 12).values(quantity_on_hand=13))
    engine.dispose()
    code, out, _ = run(capsys, db_url, "audit", "--json")
    assert code == 1
    report = json.loads(out)
    assert report["ok"] is False
    failed = [c for c in report["checks"] if not c["ok"]]
    assert [c["name"] for c in failed] == ["on_hand_equals_ledger"]
    (violation,) = failed[0]["violations"]
    assert {k: violation[k] for k in ("location", "sku", "lot", "on_hand", "ledger")} == {
        "location": "A05-02-L-1",
        "sku": "KETTLE-STEEL-1L",
        "lot": None,
        "on_hand": 13,
        "ledger": 12,
    }
    code, out, _ = run(capsys, db_url, "audit")
    assert code == 1
    assert "on_hand_equals_ledger" in out and "FAILED (1 violation)" in out
    assert "KETTLE-STEEL-1L at A05-02-L-1: 13 on hand but the ledger adds up to 12" in out
    assert out.splitlines()[-1] == f"audit: 1 of {len(RULES)} checks failed"


def test_help(capsys: pytest.CaptureFixture[str]) -> None:
    for args in (["audit", "--help"], ["stock", "moves", "--help"]):
        with pytest.raises(SystemExit) as exited:
            main(args)
        assert exited.value.code == 0
        assert "usage: pickpack" in capsys.readouterr().out
