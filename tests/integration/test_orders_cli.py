"""`pickpack import orders`, `orders list/show/hold/edit/cancel` and `process` as a user runs them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import SAMPLES, demo_database, write_config
from tests.integration.test_cli import pickpack


def test_order_commands_end_to_end(db_url: str, tmp_path: Path) -> None:
    for name in ("products.csv", "stock.csv"):
        kind = "products" if name.startswith("products") else "stock"
        assert pickpack("import", kind, str(SAMPLES / name), db_url=db_url).returncode == 0
    for name in ("shopify-orders.json", "woocommerce-orders.json", "orders.csv", "shopify-fixture-order.json"):
        result = pickpack("import", "orders", str(SAMPLES / name), db_url=db_url)
        assert result.returncode == 0, result.stderr
    bad = pickpack("import", "orders", str(SAMPLES / "bad-orders.csv"), db_url=db_url)
    assert bad.returncode == 2
    assert [line.split(": ")[0].rsplit(":", 1)[-1] for line in bad.stderr.splitlines()[:3]] == ["3", "4", "5"]
    assert "nothing imported" in bad.stderr

    listed = json.loads(pickpack("orders", "list", "--json", db_url=db_url).stdout)
    assert len(listed) == 6
    assert {"id", "channel", "external_id", "number", "status", "priority"} <= set(listed[0])
    priorities = [o["priority"] for o in listed]
    assert priorities == sorted(priorities, reverse=True)
    held = [o for o in listed if o["status"] == "on_hold"]
    assert [o["external_id"] for o in held] == ["450789469"]

    processed = pickpack("process", "--json", db_url=db_url)
    assert processed.returncode == 0 and json.loads(processed.stdout)["released"] == 5

    shown = json.loads(pickpack("orders", "show", "C-5001", "--json", db_url=db_url).stdout)
    assert shown["status"] == "released"
    assert shown["lines"] == [
        {
            "sku": "COASTER-CORK-4",
            "name": "Cork coasters set of 4",
            "qty": 3,
            "qty_allocated": 3,
            "qty_picked": 0,
            "qty_packed": 0,
        },
        {
            "sku": "INFUSER-SS",
            "name": "Tea infuser stainless",
            "qty": 1,
            "qty_allocated": 1,
            "qty_picked": 0,
            "qty_packed": 0,
        },
    ]
    moves = [(e["from"], e["to"]) for e in shown["events"] if e["to"]]
    assert moves == [(None, "new"), ("new", "allocated"), ("allocated", "released")]
    assert all({"at", "from", "to", "by", "reason"} <= set(e) for e in shown["events"])
    assert [p["part"] for p in shown["priority_explained"]] == ["deadline", "service", "customer", "value", "age"]

    text = pickpack("orders", "show", "C-5001", db_url=db_url).stdout
    assert "priority" in text and "timeline:" in text and "allocated -> released" in text

    pickpack("users", "add", "adam", "--role", "admin", "--badge", "BADGE-ADAM", "--pin", "4444", db_url=db_url)
    sofia = pickpack(
        "users", "add", "sofia", "--role", "supervisor", "--badge", "BADGE-SOFIA", "--pin", "3333",
        "--user", "adam", db_url=db_url, pin="4444",
    )  # fmt: skip
    assert sofia.returncode == 0, sofia.stderr

    def as_sofia(*args: str):  # type: ignore[no-untyped-def]
        return pickpack(*args, "--user", "sofia", db_url=db_url, pin="3333")

    hold = as_sofia("orders", "hold", "C-5002", "--reason", "address check")
    assert hold.returncode == 0 and "on_hold" in hold.stderr
    illegal = as_sofia("orders", "hold", "C-5002", "--reason", "again")
    assert illegal.returncode == 1 and "already on hold" in illegal.stderr
    edit = as_sofia("orders", "edit", "C-5002", "--line", "TEA-SENCHA-100=1", "--service", "express")
    assert edit.returncode == 0, edit.stderr
    cancel = as_sofia("orders", "cancel", "727", "--reason", "customer request")
    assert cancel.returncode == 0
    shown = json.loads(pickpack("orders", "show", "727", "--json", db_url=db_url).stdout)
    assert shown["status"] == "cancelled" and shown["events"][-1]["by"] == "sofia"
    missing = pickpack("orders", "show", "NOPE", db_url=db_url)
    assert missing.returncode == 2 and "no order 'NOPE'" in missing.stderr


def test_demo_ships_orders_and_shipment_commands_work(request: pytest.FixtureRequest, tmp_path: Path) -> None:
    config = write_config(tmp_path)
    url = demo_database(request, "sqlite")  # what `demo --seed-only` leaves (seeded once for the whole process)

    def run(*args: str):  # type: ignore[no-untyped-def]
        return pickpack("--config", str(config), *args, db_url=url)

    shipments = json.loads(run("shipments", "list", "--json").stdout)
    shipped = [s for s in shipments if s["status"] == "shipped"]
    assert len(shipped) == 2
    assert all(tn.startswith("1Z") for s in shipped for tn in s["tracking_numbers"])
    assert {"id", "order", "carrier", "service", "status", "tracking_numbers", "sscc"} <= set(shipped[0])
    out = tmp_path / "docs"
    reprinted = run("shipments", "reprint", str(shipped[0]["id"]), "--out", str(out))
    assert reprinted.returncode == 0, reprinted.stderr
    assert sorted(p.suffix for p in out.iterdir()) == [".pdf", ".pdf", ".zpl"]
    labels_only = tmp_path / "labels-only"
    reprinted = run("shipments", "reprint", str(shipped[0]["id"]), "--kind", "label", "--out", str(labels_only))
    assert reprinted.returncode == 0, reprinted.stderr
    assert sorted(p.suffix for p in labels_only.iterdir()) == [".pdf", ".zpl"]  # the label, not the slip
    assert all("slip" not in p.name for p in labels_only.iterdir())
    printed = run("shipments", "reprint", str(shipped[0]["id"]), "--printer", "spool")
    assert printed.returncode == 0 and "label carton 1: ok" in printed.stderr
    manifest = tmp_path / "manifest.pdf"
    made = run("shipments", "manifest", "--carrier", "demo-parcel", "--out", str(manifest))
    assert made.returncode == 0 and manifest.read_bytes().startswith(b"%PDF")
    as_pia = pickpack(
        "--config", str(config), "shipments", "void", str(shipped[0]["id"]), "--reason", "address change",
        "--user", "pia", db_url=url, pin="1111",
    )  # fmt: skip
    assert as_pia.returncode == 2 and "pia (picker) may not void shipments" in as_pia.stderr
    voided = pickpack(
        "--config", str(config), "shipments", "void", str(shipped[0]["id"]), "--reason", "address change",
        "--user", "paul", db_url=url, pin="2222",
    )  # fmt: skip
    assert voided.returncode == 0 and "packed again" in voided.stderr
    again = pickpack(
        "--config", str(config), "shipments", "void", str(shipped[0]["id"]), "--reason", "address change",
        "--user", "paul", db_url=url, pin="2222",
    )  # fmt: skip
    assert again.returncode == 1 and "is voided: nothing to void" in again.stderr
    order = json.loads(run("orders", "show", shipped[0]["order"], "--json").stdout)
    assert order["status"] == "packed" and "retired" in order["events"][-1]["reason"]
    assert order["events"][-1]["by"] == "paul"
    statuses = {o["status"] for o in json.loads(run("orders", "list", "--json").stdout)}
    assert {"released", "picking", "picked", "packing", "packed", "shipped", "cancelled", "on_hold"} <= statuses
