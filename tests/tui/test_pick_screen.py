"""The picker screen through Pilot: a whole batch by scans alone, refusals in red with the bell, short pick
with re-route, typed quantity with confirmation, and resuming after the terminal died."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from sqlalchemy import select
from textual.widgets import Static

from app.config import Config
from app.db.models import Event
from app.db.unit_of_work import Database
from app.domain.layout import Layout
from app.tui.app import PickpackApp, build_app
from app.tui.screens.home import HomeScreen
from app.tui.screens.pick import BatchDoneScreen, PickScreen
from app.tui.widgets.big_text import BigText
from app.tui.widgets.scan_capture import scanner_keys
from tests.picking_support import GTIN, release_orders
from tests.tui.conftest import GS, scan
from tests.tui.scanner import send_keys, settle

SIZE = (40, 20)


@pytest.fixture
def floor(terminal_db: Database, layout: Layout, tmp_path: Path) -> Database:
    release_orders(
        terminal_db,
        layout,
        tmp_path,
        [("T-1", "MUG-BLU-350", 2), ("T-1", "TEA-EARL-100", 1), ("T-2", "KETTLE-STEEL-1L", 1)],
    )
    return terminal_db


def text(app: PickpackApp, selector: str) -> str:
    widget = app.screen.query_one(selector)
    return widget.text if isinstance(widget, BigText) else str(widget.render())  # big text: the characters shown


def with_bell(app: PickpackApp) -> list[int]:
    rings: list[int] = []
    app.bell = lambda: rings.append(1)  # type: ignore[method-assign]
    return rings


async def sign_in_and_start(pilot, badge: str = "BADGE-PIA") -> PickScreen:  # type: ignore[no-untyped-def]
    await scan(pilot, badge)
    assert isinstance(pilot.app.screen, HomeScreen)
    await pilot.press("p")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, PickScreen)
    return screen


async def set_up(pilot, screen: PickScreen) -> None:  # type: ignore[no-untyped-def]
    for n in range(len(screen.state.slots)):
        await scan(pilot, f"TOTE-{n + 1:04d}")


async def pick_stop(pilot, screen: PickScreen) -> None:  # type: ignore[no-untyped-def]
    stop = screen.state.stop
    assert stop is not None
    await scan(pilot, stop.location)
    for _ in range(stop.qty - stop.qty_picked - stop.qty_in_hand):
        await scan(pilot, stop.scan_code)
    await scan(pilot, stop.tote_code or "")


def test_pick_a_whole_batch_with_scans_alone(config: Config, floor: Database) -> None:
    app = build_app(config, floor, station="hh-1")

    async def run() -> None:
        async with app.run_test(size=SIZE) as pilot:
            screen = await sign_in_and_start(pilot)
            assert "CART SET-UP · SLOT 1" in text(app, "#where")
            await set_up(pilot, screen)
            assert screen.state.phase == "location"
            first = screen.state.stop
            assert first is not None
            assert first.location in text(app, "#location") and first.sku in text(app, "#product")
            assert "Scan the LOCATION" in text(app, "#prompt")
            while screen.state.stop is not None:
                await pick_stop(pilot, screen)
            await settle(pilot)
            assert isinstance(app.screen, BatchDoneScreen)  # the last drop finished the batch
            assert "T-1" in text(app, "#done-orders") and "T-2" in text(app, "#done-orders")
            assert "S-shape would be" in text(app, "#done-distance")
            await pilot.press("enter")
            assert isinstance(app.screen, HomeScreen)

    asyncio.run(run())
    from app.services.orders import list_orders

    assert {o.status for o in list_orders(floor)} == {"picked"}


def test_refusals_are_red_ring_the_bell_and_record_only_the_refusal(config: Config, floor: Database) -> None:
    app = build_app(config, floor, station="hh-1")
    rings = with_bell(app)

    async def run() -> None:
        async with app.run_test(size=SIZE) as pilot:
            screen = await sign_in_and_start(pilot)
            await scan(pilot, "A01-01-L-1")  # during set-up a tote is expected
            assert app.screen.query_one("#message", Static).has_class("error")
            await set_up(pilot, screen)
            stop = screen.state.stop
            assert stop is not None
            await scan(pilot, "A09-09-L-9")
            assert f"expected location {stop.location}, scanned A09-09-L-9" in text(app, "#message")
            await scan(pilot, stop.location)
            await scan(pilot, GTIN["INFUSER-SS"])
            assert f"expected item {stop.sku}" in text(app, "#message")
            await scan(pilot, "TOTE-0099")
            assert "expected item" in text(app, "#message")  # nothing in hand: a tote is not the next step
            assert screen.state.stop is not None and screen.state.stop.qty_in_hand == 0
            assert app.screen.query_one("#message", Static).has_class("error")

    asyncio.run(run())
    assert len(rings) == 4
    with floor.unit_of_work(readonly=True) as uow:
        refused = uow.session.scalars(select(Event).where(Event.kind == "pick.refused")).all()
        assert len(refused) == 4 and all(e.terminal == "hh-1" and e.actor == "pia" for e in refused)


def test_gs1_lot_scan_short_pick_reroute_and_typed_quantity(config: Config, floor: Database) -> None:
    app = build_app(config, floor, station="hh-1")

    async def run() -> None:
        async with app.run_test(size=SIZE) as pilot:
            screen = await sign_in_and_start(pilot)
            await set_up(pilot, screen)
            while screen.state.stop is not None and screen.state.stop.sku != "TEA-EARL-100":
                await pick_stop(pilot, screen)
            stop = screen.state.stop
            assert stop is not None and stop.lot == "L2609C"
            await pilot.press("f5")  # a short is counted at the shelf: the location scan comes first
            await settle(pilot)
            assert "Scan location A02-07-L-3 first" in text(app, "#message")
            await scan(pilot, stop.location)
            await scan(pilot, "]C1" + "0109520000010027" + "10L2611A" + GS + "21SN7")  # wrong lot, with GS
            assert "lot L2609C" in text(app, "#message") and "scanned lot L2611A" in text(app, "#message")
            await pilot.press("f5")  # short pick: the shelf is empty
            await settle(pilot)
            await scan(pilot, GTIN["MUG-BLU-350"])  # a scan burst into the dialog: refused, nothing chosen
            assert "is not an answer here" in str(app.screen.query_one("#dialog-message", Static).render())
            await pilot.press("2", "enter")  # damaged
            await pilot.press("0", "enter")  # good units counted on the shelf
            await pilot.press("enter")  # confirm
            await settle(pilot)
            assert isinstance(app.screen, PickScreen)
            assert "found 1 at A02-07-L-2" in text(app, "#message")
            assert screen.state.stop is not None and screen.state.stop.location == "A02-07-L-2"
            await scan(pilot, "A02-07-L-2")
            await scan(pilot, screen.state.stop.scan_code)
            await scan(pilot, screen.state.stop.tote_code or "")
            while screen.state.stop is not None and screen.state.stop.sku != "MUG-BLU-350":
                await pick_stop(pilot, screen)
            mug = screen.state.stop
            assert mug is not None and mug.qty == 2
            await scan(pilot, mug.location)
            await pilot.press("f4")  # no item proven yet: typing a quantity is refused
            await settle(pilot)
            assert "Scan one MUG-BLU-350 first" in text(app, "#message")
            await scan(pilot, mug.scan_code)
            await pilot.press("f4")
            await pilot.press("1", "enter")
            await pilot.press("enter")  # confirm
            await settle(pilot)
            assert screen.state.stop is not None and screen.state.stop.qty_in_hand == 2
            await scan(pilot, screen.state.stop.tote_code or "")
            while screen.state.stop is not None:
                await pick_stop(pilot, screen)
            await settle(pilot)
            assert screen.state.phase == "done" and isinstance(app.screen, BatchDoneScreen)

    asyncio.run(run())
    with floor.unit_of_work(readonly=True) as uow:
        typed = uow.session.scalars(select(Event).where(Event.kind == "pick.item")).all()
        assert any(e.data.get("typed") for e in typed)
        shorts = uow.session.scalars(select(Event).where(Event.kind == "pick.short")).all()
        assert [(e.data["reason"], e.data["counted"]) for e in shorts] == [("damaged", 0)]


def test_resume_after_the_terminal_dies(config: Config, floor: Database) -> None:
    first = build_app(config, floor, station="hh-1")
    seen: dict[str, object] = {}

    async def before_crash() -> None:
        async with first.run_test(size=SIZE) as pilot:
            screen = await sign_in_and_start(pilot)
            await set_up(pilot, screen)
            await pick_stop(pilot, screen)
            stop = screen.state.stop
            assert stop is not None
            await scan(pilot, stop.location)
            await scan(pilot, stop.scan_code)
            seen["stop"] = screen.state.stop
            seen["done"] = screen.state.stops_done
        # leaving the context kills the app without finishing anything

    asyncio.run(before_crash())
    second = build_app(config, floor, station="hh-2")

    async def after_restart() -> None:
        async with second.run_test(size=SIZE) as pilot:
            screen = await sign_in_and_start(pilot)
            assert screen.state.stop == seen["stop"]  # same stop, same counts (1 in hand)
            assert screen.state.stops_done == seen["done"]
            assert "(1 in hand)" in text(second, "#quantity")

    asyncio.run(after_restart())


def test_a_freed_batch_sends_the_terminal_home_saying_who_freed_it(config: Config, floor: Database) -> None:
    from app.services import picking, users

    app = build_app(config, floor, station="hh-1")
    rings = with_bell(app)

    async def run() -> None:
        async with app.run_test(size=SIZE) as pilot:
            screen = await sign_in_and_start(pilot)
            await set_up(pilot, screen)
            sofia = users.get_user(floor, "sofia")
            from app.domain.actor import Actor

            picking.release_batch(
                floor, screen.state.batch_id, actor=Actor("sofia", "sup", sofia.id), idle_minutes=20, force=True
            )
            stop = screen.state.stop
            assert stop is not None
            await scan(pilot, stop.location)
            assert isinstance(app.screen, HomeScreen)
            assert "was freed by sofia" in str(app.screen.query_one("#home-message", Static).render())

    asyncio.run(run())
    assert rings == [1]
    with floor.unit_of_work(readonly=True) as uow:
        assert uow.session.scalars(select(Event).where(Event.kind == "pick.location")).all() == []


def test_an_item_without_a_barcode_is_picked_by_its_sku_label(
    config: Config, terminal_db: Database, layout: Layout, tmp_path: Path
) -> None:
    from tests.services.test_no_barcode import SKU, add_no_barcode_product

    add_no_barcode_product(terminal_db, tmp_path)
    release_orders(terminal_db, layout, tmp_path, [("T-9", SKU, 2), ("T-9", "MUG-BLU-350", 1)])
    app = build_app(config, terminal_db, station="hh-1")

    async def run() -> None:
        async with app.run_test(size=(60, 20)) as pilot:
            screen = await sign_in_and_start(pilot)
            await set_up(pilot, screen)
            while screen.state.stop is not None:
                stop = screen.state.stop
                await scan(pilot, stop.location)
                if stop.sku == SKU:
                    assert f"No barcode: scan the SKU label {SKU}" in text(app, "#prompt")
                    await scan(pilot, SKU)
                    assert screen.state.stop is not None and screen.state.stop.qty_in_hand == 1
                    await scan(pilot, SKU)
                else:
                    await scan(pilot, "MUG-BLU-350")  # the SKU of an item with a barcode proves nothing
                    assert "expected item MUG-BLU-350" in text(app, "#message")
                    assert screen.state.stop is not None and screen.state.stop.qty_in_hand == 0
                    await scan(pilot, stop.scan_code)
                await scan(pilot, stop.tote_code or "")
            await settle(pilot)
            assert isinstance(app.screen, BatchDoneScreen)

    asyncio.run(run())
    from app.services.orders import list_orders

    assert {o.number: o.status for o in list_orders(terminal_db)}["T-9"] == "picked"


def test_a_burst_of_scans_is_applied_in_order_each_once(config: Config, floor: Database) -> None:
    """Scans that arrive while the one before is still in its worker wait their turn: none lost, none twice."""
    app = build_app(config, floor, station="hh-1")

    async def run() -> None:
        async with app.run_test(size=SIZE) as pilot:
            screen = await sign_in_and_start(pilot)
            codes = [f"TOTE-{n + 1:04d}" for n in range(len(screen.state.slots))]
            await send_keys(pilot, [key for code in codes for key in scanner_keys(code)])  # one burst
            await settle(pilot)
            assert [slot.tote_code for slot in screen.state.slots] == codes
            assert screen.state.phase == "location"

    asyncio.run(run())
    with floor.unit_of_work(readonly=True) as uow:
        totes = [e.subject for e in uow.session.scalars(select(Event).where(Event.kind == "pick.tote_set"))]
        refused = uow.session.scalars(select(Event).where(Event.kind == "pick.refused")).all()
    assert refused == [] and len(totes) == 2
