"""`pickpack station` as a real process: a whole demo batch picked and packed through stdin/stdout alone, the
same totes reused for the next batch, refusals, leases and restarts (on SQLite and PostgreSQL). The supervisor's
commands beside the stations, and a refused sign-in, run in this process (``test_cli.pickpack``)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import Any

import pytest
from sqlalchemy import select

from app.db.engine import make_engine
from app.db.models import Tote
from app.db.unit_of_work import Database
from app.domain.scans import item_code
from tests.conftest import ROOT
from tests.integration.test_cli import pickpack

REQUIRED = {"ok", "message", "expect", "batch", "stop"}

pytestmark = pytest.mark.slow  # started first: see tests/conftest.py


class Station:
    """One station process: ``send`` a line, get its one JSON answer back."""

    def __init__(self, db_url: str, role: str, user: str, pin: str, *args: str) -> None:
        env = {k: v for k, v in os.environ.items() if k not in ("PICKPACK_PIN", "PICKPACK_DATABASE_URL")}
        env.update({"PICKPACK_DATABASE_URL": db_url, "PICKPACK_PIN": pin})
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "app", "station", role, "--user", user, *args],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            cwd=ROOT,
            env=env,
            text=True,
            encoding="utf-8",
        )
        self.first = self.read()

    def read(self) -> dict[str, Any]:
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()
        assert line, self.proc.stderr.read() if self.proc.stderr else "no answer"
        answer = json.loads(line)
        assert set(answer) >= REQUIRED, answer
        return answer

    def send(self, line: str) -> dict[str, Any]:
        assert self.proc.stdin is not None
        self.proc.stdin.write(line + "\n")
        self.proc.stdin.flush()
        return self.read()

    def close(self) -> tuple[int, str]:
        assert self.proc.stdin is not None and self.proc.stderr is not None
        self.proc.stdin.close()
        code = self.proc.wait(30)
        return code, self.proc.stderr.read()


def pick_batch(station: Station, totes: list[str]) -> tuple[int, list[str]]:
    """Claim and pick a whole batch by scans as a person would; returns the batch and the order numbers."""
    answer = station.send("!claim")
    assert answer["ok"] and answer["expect"] == "tote", answer
    batch = answer["batch"]
    used = iter(totes)
    while answer["expect"] == "tote" and answer["stop"] is None:
        assert answer["setup"]["slots"] >= answer["setup"]["slot"] >= 1
        answer = station.send(next(used))
        assert answer["ok"], answer
    orders: set[str] = set()
    while answer["expect"] != "done":
        stop = answer["stop"]
        assert stop is not None and answer["batch"] == batch, answer
        if answer["expect"] == "location":
            answer = station.send(stop["location"])
        elif answer["expect"] == "item":
            answer = station.send(item_code(stop["gtin"], stop["lot"] or ""))
        elif answer["expect"] == "lot":
            answer = station.send(stop["lot"])
        elif answer["expect"] == "tote":
            orders.add(stop["order"])
            answer = station.send(stop["tote"])
        assert answer["ok"], answer
    return batch, sorted(orders)


def test_a_demo_batch_is_picked_and_packed_through_stations_alone(demo_url: str) -> None:
    picker = Station(demo_url, "pick", "pia", "1111")
    assert picker.first["ok"] and picker.first["expect"] == "claim" and picker.first["batch"] is None
    refused = picker.send("A01-01-L-1")
    assert not refused["ok"] and "expected !claim" in refused["message"]
    totes = [f"TOTE-{n:04d}" for n in range(7001, 7009)]
    batch, orders = pick_batch(picker, totes)
    assert len(orders) >= 2
    db = Database(make_engine(demo_url))
    try:
        with db.unit_of_work(readonly=True) as uow:
            waiting = {t.code: t.order_id for t in uow.session.scalars(select(Tote).where(Tote.status == "packing"))}
            mine = [code for code in totes if code in waiting]
    finally:
        db.dispose()
    assert len(mine) == len(orders)

    packer = Station(demo_url, "pack", "paul", "2222")
    assert packer.first["expect"] == "order" and "order" in packer.first
    shipped = []
    for tote in mine:
        answer = packer.send(tote)
        assert answer["ok"] and answer["expect"] == "item", answer
        while answer["expect"] == "item":
            line = next(x for x in answer["order"]["lines"] if x["qty_packed"] < x["qty"])
            answer = packer.send(item_code(line["gtin"], line["lot"] or ""))
            assert answer["ok"], answer
        assert answer["expect"] == "box" and answer["suggested_box"].startswith("BOX-")
        answer = packer.send("!box")
        assert answer["ok"] and answer["expect"] == "weight" and answer["expected_weight_kg"] > 0, answer
        if not shipped:  # the first carton is weighed too heavy: a supervisor approves without the station's keys
            answer = approve_off_weight(packer, demo_url, answer)
        else:
            answer = packer.send(f"!weight {answer['expected_weight_kg']}")
        assert answer["ok"] and answer["expect"] == "ship", answer
        answer = packer.send("!ship")
        assert answer["expect"] == "order" and answer["shipment"]["tracking_numbers"], answer
        assert answer["shipment"]["sscc"] and len(answer["shipment"]["sscc"][0]) == 18
        shipped.append(answer["order"]["number"])
    assert sorted(shipped) == orders
    # the same totes start the next cart: nothing stays single-use
    nxt, _ = pick_batch(picker, mine + [f"TOTE-{n:04d}" for n in range(7101, 7109)])
    assert nxt != batch
    for station in (picker, packer):
        code, err = station.close()
        assert code == 0 and err == ""


def approve_off_weight(packer: Station, db_url: str, answer: dict[str, Any]) -> dict[str, Any]:
    """Weigh 0.5 kg too heavy; sofia's badge alone is refused (a station never reads a PIN) and says how to
    approve; sofia approves with `pickpack orders approve-weight` and the packer's next weighing closes the carton."""
    heavy = f"{answer['expected_weight_kg'] + 0.5:.3f}"
    number = answer["order"]["number"]
    off = packer.send(f"!weight {heavy}")
    assert not off["ok"] and off["expect"] == "weight" and "supervisor must approve" in off["message"], off
    badge = packer.send("BADGE-SOFIA")
    assert not badge["ok"] and badge["expect"] == "weight", badge
    assert "PIN needed: sofia" in badge["message"] and "a station does not read PINs" in badge["message"]
    assert f"pickpack orders approve-weight '{number}' --kg {heavy} --user sofia" in badge["message"]
    done = pickpack("orders", "approve-weight", number, "--kg", heavy, "--user", "sofia", db_url=db_url, pin="3333")
    assert done.returncode == 0 and "by sofia" in done.stderr, done.stderr
    closed = packer.send(f"!weight {heavy}")
    assert closed["ok"] and "weight approved by sofia" in closed["message"], closed
    return closed


def test_refusals_lease_and_restart(demo_url: str) -> None:
    picker = Station(demo_url, "pick", "pia", "1111")
    answer = picker.send("!claim")
    batch = answer["batch"]
    for n in range(answer["setup"]["slots"]):
        answer = picker.send(f"TOTE-{7201 + n:04d}")
    stop = answer["stop"]
    assert answer["expect"] == "location" and stop["kind"] in ("pick", "put_back")
    wrong = picker.send("A10-30-R-4")
    assert not wrong["ok"] and f"expected location {stop['location']}" in wrong["message"]
    assert wrong["expect"] == "location" and wrong["stop"] == stop  # nothing changed
    assert not picker.send("!short missing")["ok"]  # a short is counted at the shelf, after the location
    answer = picker.send(stop["location"])
    assert answer["expect"] in ("item", "lot")
    unknown = picker.send("!dance")
    assert not unknown["ok"] and "Unknown key" in unknown["message"]
    code, err = picker.close()  # end of input: the work stays where it is
    assert code == 0 and err == ""
    again = Station(demo_url, "pick", "pia", "1111")
    assert again.first["batch"] == batch and again.first["expect"] in ("item", "lot")  # resumed at the same step
    sofia = Station(demo_url, "pick", "sofia", "3333")
    assert sofia.first["ok"]
    # a supervisor frees pia's batch through the command line: pia's next scan is refused and names who did it
    freed = pickpack("batches", "release", str(batch), "--force", "--user", "sofia", db_url=demo_url, pin="3333")
    assert freed.returncode == 0, freed.stderr
    lost = again.send(again.first["stop"]["location"])
    assert not lost["ok"] and "freed by sofia" in lost["message"]
    assert lost["batch"] is None and lost["expect"] == "claim"
    for station in (again, sofia):
        code, err = station.close()
        assert code == 0 and err == ""


def test_sign_in_refusals_exit_2(demo_url: str) -> None:
    """In this process: a refused sign-in ends before any scan, so the station's loop is not what is tested."""
    for args, pin in ((("pick", "--user", "paul"), "2222"), (("pack", "--user", "pia"), "9999")):
        done = pickpack("station", *args, db_url=demo_url, pin=pin, stdin="!claim\n")
        answer = json.loads(done.stdout.strip().splitlines()[0])
        assert done.returncode == 2 and answer["ok"] is False and answer["expect"] is None
