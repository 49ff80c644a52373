"""The packing step engine answers a packer can act on (issue 15), on SQLite and PostgreSQL: the same engine runs
`pickpack station pack` and the packing screen, so what is checked here holds for both."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from sqlalchemy import select

from app.config import Config
from app.db.models import Event
from app.db.unit_of_work import Database
from app.domain.layout import Layout
from app.services import orders
from app.stations.pack import PackEngine
from tests.conftest import url_of
from tests.integration.test_station import Station
from tests.packer_support import courier_gone, release, short_approved
from tests.picking_support import GTIN, add_users, config, pick_all

REQUIRED = {"ok", "message", "expect", "batch", "stop", "order", "suggested_box", "expected_weight_kg", "shipment"}


@pytest.fixture
def spool(tmp_path: Path) -> Config:
    base = config()
    return replace(base, paths=replace(base.paths, data_dir=str(tmp_path / "data")))


def station(db: Database, cfg: Config, people: dict[str, Any]) -> PackEngine:
    engine = PackEngine(db, cfg, people["paul"], terminal="station-1")
    engine.start()
    return engine


def send(engine: PackEngine, line: str) -> dict[str, Any]:
    answer = engine.handle(line).as_json()
    assert set(answer) >= REQUIRED, answer  # the answers keep their shape
    return answer


def pack_to_weight(engine: PackEngine, tote: str, gtins: list[str]) -> dict[str, Any]:
    answer = send(engine, tote)
    assert answer["ok"], answer
    for code in gtins:
        answer = send(engine, code)
        assert answer["ok"], answer
    answer = send(engine, "!box")
    assert answer["ok"] and answer["expect"] == "weight", answer
    return answer


def ship(engine: PackEngine, tote: str, gtins: list[str]) -> dict[str, Any]:
    answer = pack_to_weight(engine, tote, gtins)
    answer = send(engine, f"!weight {answer['expected_weight_kg']}")
    assert answer["ok"] and answer["expect"] == "ship", answer
    answer = send(engine, "!ship")
    assert answer["ok"] and answer["expect"] == "order", answer
    return answer


def kinds(db: Database, kind: str) -> list[SimpleNamespace]:
    """The events of ``kind``, oldest first, as plain values (read after their session is gone)."""
    with db.unit_of_work(readonly=True) as uow:
        found = uow.session.scalars(select(Event).where(Event.kind == kind).order_by(Event.id))
        return [SimpleNamespace(actor=e.actor, terminal=e.terminal, message=e.message, data=e.data) for e in found]


def test_the_suggested_box_is_named_and_the_refusal_names_a_key_that_works(
    sample_catalog: Database, layout: Layout, tmp_path: Path, spool: Config
) -> None:
    people = add_users(sample_catalog)
    release(sample_catalog, layout, tmp_path, [("U-1", "MUG-BLU-350", 1)])
    totes = pick_all(sample_catalog, layout, people["pia"])
    engine = station(sample_catalog, spool, people)
    opened = send(engine, totes[0])
    code = opened["suggested_box"]
    assert code.startswith("BOX-") and " " not in code  # the JSON key keeps the bare code
    assert f"suggested box {code} Mailer box" in opened["message"]  # the message names the box
    assert send(engine, GTIN["MUG-BLU-350"])["expect"] == "box"
    refused = send(engine, GTIN["MUG-BLU-350"])  # one too many
    assert not refused["ok"] and "already packed" in refused["message"]
    assert f"!box takes {code} " in refused["message"]
    taken = send(engine, "!box")  # and it does
    assert taken["ok"] and taken["expect"] == "weight"


def test_an_off_weight_says_by_how_much_and_what_it_may_mean(
    sample_catalog: Database, layout: Layout, tmp_path: Path, spool: Config
) -> None:
    people = add_users(sample_catalog)
    release(sample_catalog, layout, tmp_path, [("U-2", "MUG-BLU-350", 1)])
    totes = pick_all(sample_catalog, layout, people["pia"])
    engine = station(sample_catalog, spool, people)
    expected = pack_to_weight(engine, totes[0], [GTIN["MUG-BLU-350"]])["expected_weight_kg"]
    heavy = send(engine, f"!weight {expected + 0.2:.3f}")
    assert not heavy["ok"] and heavy["message"].startswith("0.2 kg over: an extra or wrong unit?"), heavy
    assert f"{expected:.3f}" not in heavy["message"] and "supervisor must approve" in heavy["message"]
    light = send(engine, f"!weight {expected - 0.3:.3f}")
    assert not light["ok"] and light["message"].startswith("0.3 kg under: a unit missing?"), light


def test_reprint_says_reprinted_and_is_on_the_timeline_and_void_needs_a_reason(
    sample_catalog: Database, layout: Layout, tmp_path: Path, spool: Config
) -> None:
    people = add_users(sample_catalog)
    release(sample_catalog, layout, tmp_path, [("U-3", "MUG-BLU-350", 1)])
    totes = pick_all(sample_catalog, layout, people["pia"])
    engine = station(sample_catalog, spool, people)
    shipped = ship(engine, totes[0], [GTIN["MUG-BLU-350"]])
    tracking = shipped["shipment"]["tracking_numbers"][0]
    again = send(engine, "!reprint")
    assert again["ok"] and again["message"].startswith("Reprinted U-3: label 1") and tracking in again["message"]
    [event] = kinds(sample_catalog, "shipment.reprinted")
    assert event.actor == "paul" and "label 1" in event.message and event.terminal == "station-1"
    timeline = orders.show_order(sample_catalog, spool, "U-3").events
    assert any(e.kind == "shipment.reprinted" for e in timeline)
    empty = send(engine, "!void")
    assert not empty["ok"] and "!void needs a reason" in empty["message"], empty
    assert orders.show_order(sample_catalog, spool, "U-3").summary.status == "shipped"  # nothing changed
    voided = send(engine, "!void wrong address")
    assert voided["ok"] and voided["expect"] == "ship" and "!ship books and prints new labels" in voided["message"]
    assert tracking in voided["message"]


def test_a_shipped_order_scanned_again_is_refused_and_can_still_be_reprinted(
    sample_catalog: Database, layout: Layout, tmp_path: Path, spool: Config
) -> None:
    people = add_users(sample_catalog)
    release(sample_catalog, layout, tmp_path, [("U-4", "MUG-BLU-350", 1)])
    totes = pick_all(sample_catalog, layout, people["pia"])
    engine = station(sample_catalog, spool, people)
    ship(engine, totes[0], [GTIN["MUG-BLU-350"]])
    again = send(engine, "U-4")
    assert not again["ok"] and again["expect"] == "order", again
    assert again["message"].startswith("order U-4 is shipped; !reprint prints its labels again, !void REASON")
    assert [e.data["scanned"] for e in kinds(sample_catalog, "pack.refused")] == ["U-4"]
    assert send(engine, "!reprint")["ok"]  # the refusal still lets the labels be printed again


def test_a_short_picked_item_scanned_at_packing_names_the_short_and_who_approved_it(
    sample_catalog: Database, layout: Layout, tmp_path: Path, spool: Config
) -> None:
    people = add_users(sample_catalog)
    totes = short_approved(sample_catalog, layout, tmp_path, people, "U-5")
    engine = station(sample_catalog, spool, people)
    assert send(engine, totes[0])["ok"]
    refused = send(engine, GTIN["KETTLE-STEEL-1L"])
    assert not refused["ok"] and refused["expect"] == "item", refused
    assert "this order is short 1 KETTLE-STEEL-1L (approved by sofia)" in refused["message"]
    assert "already packed" not in refused["message"]
    assert send(engine, GTIN["MUG-BLU-350"])["ok"]  # the rest packs as usual


def test_a_same_day_order_that_cannot_go_today_says_so_and_the_timeline_keeps_it(
    sample_catalog: Database, layout: Layout, tmp_path: Path, spool: Config
) -> None:
    people = add_users(sample_catalog)
    release(sample_catalog, layout, tmp_path, [("U-6", "MUG-BLU-350", 1)], service="same_day")
    totes = pick_all(sample_catalog, layout, people["pia"])
    engine = station(sample_catalog, courier_gone(spool), people)
    shipped = ship(engine, totes[0], [GTIN["MUG-BLU-350"]])
    assert "NOT SAME DAY: past the same-day cut-off" in shipped["message"], shipped
    [event] = kinds(sample_catalog, "order.same_day_missed")
    assert event.message.startswith("NOT SAME DAY") and event.actor == "paul"
    timeline = orders.show_order(sample_catalog, spool, "U-6").events
    assert any(e.kind == "order.same_day_missed" and "cut-off" in (e.reason or "") for e in timeline)


def test_a_same_day_order_in_time_and_a_standard_one_say_nothing_more(
    sample_catalog: Database, layout: Layout, tmp_path: Path, spool: Config
) -> None:
    from app.services import shipping

    people = add_users(sample_catalog)
    release(sample_catalog, layout, tmp_path, [("U-7", "MUG-BLU-350", 1), ("U-8", "MUG-BLU-350", 1)], U_7="same_day")
    pick_all(sample_catalog, layout, people["pia"])
    pick_all(sample_catalog, layout, people["pia"], first_tote=5)  # same-day orders go on carts of their own
    morning = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # a Monday, before the 12:00 cut-off
    for number in ("U-7", "U-8"):
        engine = station(sample_catalog, spool, people)  # shipped below with a clock of its own, not by !ship
        opened = send(engine, number)
        state = engine.state
        assert opened["ok"] and state is not None, opened
        for line in state.lines:
            for _ in range(line.qty_picked):
                answer = send(engine, GTIN[line.sku])
                assert answer["ok"], answer
        weight = send(engine, "!box")["expected_weight_kg"]
        assert send(engine, f"!weight {weight}")["expect"] == "ship"
        outcome = shipping.ship_order(
            sample_catalog, spool, state.order_id, actor=engine.actor, station="station-1", now=morning
        )
        assert "NOT SAME DAY" not in outcome.summary
    assert not kinds(sample_catalog, "order.same_day_missed")


def test_the_station_process_refuses_a_shipped_order(sample_catalog: Database, layout: Layout, tmp_path: Path) -> None:
    """The same through `pickpack station pack` as a process: one JSON line, ``ok`` false, the way out named."""
    people = add_users(sample_catalog)
    release(sample_catalog, layout, tmp_path, [("U-9", "MUG-BLU-350", 1)])
    totes = pick_all(sample_catalog, layout, people["pia"])
    engine = station(sample_catalog, config(), people)
    ship(engine, totes[0], [GTIN["MUG-BLU-350"]])
    process = Station(url_of(sample_catalog), "pack", "paul", "2222")
    try:
        answer = process.send("U-9")
        assert set(answer) >= REQUIRED
        assert not answer["ok"] and answer["expect"] == "order" and "U-9 is shipped; !reprint" in answer["message"]
    finally:
        code, errors = process.close()
    assert code == 0 and errors == ""
