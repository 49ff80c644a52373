"""The picker screen as a worker at a handheld (60x20) and a cart screen (100x32) meets it: help on F1 and ?,
the lines left (F2), a look at the previous and next stop (F7/F8), undo (F3) of a count and of a drop, a pause
with units in hand that asks first, the next stop at the same shelf without a location scan, a header that
counts what is left, refusals in a person's words, the lot step and the expiry, big location and quantity, a
message line that does not move the layout, and a finish screen without empty lists."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest
from sqlalchemy import select
from textual.pilot import Pilot
from textual.widget import Widget
from textual.widgets import DataTable, Static

from app.config import Config
from app.db.models import Event
from app.db.unit_of_work import Database
from app.domain.layout import Layout
from app.services import audit
from app.tui.app import PickpackApp, build_app
from app.tui.screens.batch_done import BatchDoneScreen
from app.tui.screens.home import HomeScreen
from app.tui.screens.pick import PickScreen
from app.tui.widgets.big_text import BigText
from app.tui.widgets.pick_dialogs import PauseWithUnitsDialog
from app.tui.widgets.pick_info import KEYS, PickHelpDialog, RemainingLinesDialog
from tests.conftest import cached_step
from tests.picking_support import GTIN, release_orders
from tests.tui.conftest import scan
from tests.tui.scanner import settle

SIZES = [(100, 32), (60, 20)]
MUG_SHELF = "A01-03-L-1"
ORDERS = [("U-1", "MUG-BLU-350", 3), ("U-1", "TEA-EARL-100", 2), ("U-2", "MUG-BLU-350", 1)]


@pytest.fixture
def floor(request: pytest.FixtureRequest, terminal_db: Database, layout: Layout, tmp_path: Path) -> Database:
    cached_step(request, terminal_db, "picker-usability", lambda: release_orders(terminal_db, layout, tmp_path, ORDERS))
    return terminal_db


def shown(app: PickpackApp, selector: str) -> str:
    widget = app.screen.query_one(selector, Widget)
    return widget.text if isinstance(widget, BigText) else str(widget.render())


def run(app: PickpackApp, size: tuple[int, int], body: Callable[[Pilot[None]], Awaitable[None]]) -> None:
    async def go() -> None:
        async with app.run_test(size=size) as pilot:
            await body(pilot)

    asyncio.run(go())


async def start(pilot: Pilot[None]) -> PickScreen:
    """Sign in as pia, claim, set up the cart; at the first stop."""
    await scan(pilot, "BADGE-PIA")
    assert isinstance(pilot.app.screen, HomeScreen)
    await pilot.press("p")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, PickScreen)
    for n in range(len(screen.state.slots)):
        await scan(pilot, f"TOTE-{n + 1:04d}")
    return screen


async def finish_stop(pilot: Pilot[None], screen: PickScreen) -> None:
    stop = screen.state.stop
    assert stop is not None
    if screen.state.phase == "location":
        await scan(pilot, stop.location)
    while screen.state.phase in ("item", "lot"):
        await scan(pilot, stop.lot if screen.state.phase == "lot" else stop.scan_code)
    await scan(pilot, stop.tote_code or "")


async def walk_to(pilot: Pilot[None], screen: PickScreen, sku: str, qty: int | None = None) -> None:
    while (stop := screen.state.stop) is not None and not (stop.sku == sku and qty in (None, stop.qty)):
        await finish_stop(pilot, screen)
    assert screen.state.stop is not None, f"no stop of {sku}"


@pytest.mark.parametrize("size", SIZES)
def test_help_on_f1_and_question_mark(config: Config, floor: Database, size: tuple[int, int]) -> None:
    app = build_app(config, floor, station="hh-1")

    async def body(pilot: Pilot[None]) -> None:
        screen = await start(pilot)
        await pilot.press("f1")
        await settle(pilot)
        assert isinstance(app.screen, PickHelpDialog)
        assert app.screen.query_one("#help-keys", DataTable).row_count == len(KEYS)
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is screen
        await pilot.press("question_mark")
        await settle(pilot)
        assert isinstance(app.screen, PickHelpDialog)
        stop = screen.state.stop
        assert stop is not None
        await scan(pilot, stop.location)  # a scan closes the help and counts
        assert app.screen is screen and screen.state.phase == "item"

    run(app, size, body)


@pytest.mark.parametrize("size", SIZES)
def test_lines_left_and_the_stops_around(config: Config, floor: Database, size: tuple[int, int]) -> None:
    app = build_app(config, floor, station="hh-1")

    async def body(pilot: Pilot[None]) -> None:
        screen = await start(pilot)
        first = screen.state.stop
        assert first is not None
        await pilot.press("f2")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, RemainingLinesDialog)
        assert len(dialog.lines) == 3 and "3 stop(s), 6 unit(s) left" in str(dialog.query_one(".title").render())
        assert dialog.query_one("#lines", DataTable).get_row_at(0)[0].plain == "▶"
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is screen
        await pilot.press("f7")
        await settle(pilot)
        assert "No stop before this one" in shown(app, "#message")
        await pilot.press("f8")
        await settle(pilot)
        second = screen.query_one("#message", Static)
        assert "Next stop 2/3" in shown(app, "#message") and not second.has_class("error")
        await pilot.press("f8", "f8")
        await settle(pilot)
        assert "No stop after this one" in shown(app, "#message")
        assert screen.state.stop == first  # looking around changes nothing
        await pilot.press("f2")
        await settle(pilot)
        await scan(pilot, first.location)  # a scan closes the list and counts
        assert app.screen is screen and screen.state.phase == "item"

    run(app, size, body)


@pytest.mark.parametrize("size", SIZES)
def test_undo_a_count_and_a_drop(config: Config, floor: Database, size: tuple[int, int]) -> None:
    app = build_app(config, floor, station="hh-1")

    async def body(pilot: Pilot[None]) -> None:
        screen = await start(pilot)
        await walk_to(pilot, screen, "MUG-BLU-350", 3)
        await scan(pilot, MUG_SHELF)
        await scan(pilot, GTIN["MUG-BLU-350"])
        await scan(pilot, GTIN["MUG-BLU-350"])
        assert "(2 in hand)" in shown(app, "#quantity") and shown(app, "#qty-big") == "2/3"
        await pilot.press("f3")
        await settle(pilot)
        assert "Undone: 1 x MUG-BLU-350" in shown(app, "#message") and shown(app, "#qty-big") == "1/3"
        await scan(pilot, "TOTE-0001")
        assert screen.state.stop is not None and screen.state.stop.qty_picked == 1
        await pilot.press("f3")
        await settle(pilot)
        assert "in hand again" in shown(app, "#message")
        assert screen.state.stop is not None and screen.state.stop.qty_picked == 0
        assert screen.state.stop.qty_in_hand == 1

    run(app, size, body)
    with floor.unit_of_work(readonly=True) as uow:
        kinds = list(
            uow.session.scalars(select(Event.data["undone_kind"].as_string()).where(Event.kind == "pick.undone"))
        )
    assert kinds == ["pick.item", "pick.dropped"]
    assert audit.run_audit(floor).ok


@pytest.mark.parametrize("size", SIZES)
def test_pause_with_units_in_hand_asks_first(config: Config, floor: Database, size: tuple[int, int]) -> None:
    app = build_app(config, floor, station="hh-1")

    async def body(pilot: Pilot[None]) -> None:
        screen = await start(pilot)
        await walk_to(pilot, screen, "MUG-BLU-350", 3)
        await scan(pilot, MUG_SHELF)
        await scan(pilot, GTIN["MUG-BLU-350"])
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, PauseWithUnitsDialog)
        assert "You hold 1 x MUG-BLU-350 not yet in TOTE-0001" in str(app.screen.query_one(".title").render())
        await pilot.press("escape")  # stay
        await settle(pilot)
        assert app.screen is screen
        await pilot.press("escape", "y", "enter")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)

    run(app, size, body)


@pytest.mark.parametrize("size", SIZES)
def test_header_counts_what_is_left_and_the_same_shelf_is_not_asked_twice(
    config: Config, floor: Database, size: tuple[int, int]
) -> None:
    app = build_app(config, floor, station="hh-1")

    async def body(pilot: Pilot[None]) -> None:
        screen = await start(pilot)
        assert "3 stop(s), 6 unit(s) left" in shown(app, "#pick-title")
        await walk_to(pilot, screen, "MUG-BLU-350", 3)
        assert "2 stop(s), 4 unit(s) left" in shown(app, "#pick-title")
        await finish_stop(pilot, screen)
        assert "1 stop(s), 1 unit(s) left" in shown(app, "#pick-title")
        assert screen.state.phase == "item" and shown(app, "#location") == MUG_SHELF
        assert f"next stop is here too ({MUG_SHELF})" in shown(app, "#message")
        assert "Scan the ITEM" in shown(app, "#prompt")

    run(app, size, body)


@pytest.mark.parametrize("size", SIZES)
def test_refusals_in_a_persons_words_and_the_layout_stays(
    config: Config, floor: Database, size: tuple[int, int]
) -> None:
    app = build_app(config, floor, station="hh-1")

    async def body(pilot: Pilot[None]) -> None:
        screen = await start(pilot)
        await walk_to(pilot, screen, "MUG-BLU-350", 3)
        await scan(pilot, MUG_SHELF)
        before = {w: screen.query_one(w).region for w in ("#location", "#qty-row", "#prompt", "#scan")}
        await scan(pilot, GTIN["MUG-RED-350"])
        assert f"scanned {GTIN['MUG-RED-350']} (MUG-RED-350, Ceramic mug red 350 ml)" in shown(app, "#message")
        assert screen.query_one("#message", Static).has_class("error")
        assert {w: screen.query_one(w).region for w in before} == before  # nothing moved
        await scan(pilot, GTIN["MUG-BLU-350/case"])
        assert "that is a case of 6 MUG-BLU-350; 3 are still needed" in shown(app, "#message")
        await scan(pilot, "]C11")
        assert "scanned ]C11: not a barcode this warehouse reads" in shown(app, "#message")
        assert "Failed" not in shown(app, "#message")

    run(app, size, body)


@pytest.mark.parametrize("size", SIZES)
def test_big_location_expiry_and_the_lot_step(config: Config, floor: Database, size: tuple[int, int]) -> None:
    app = build_app(config, floor, station="hh-1")

    async def body(pilot: Pilot[None]) -> None:
        screen = await start(pilot)
        await walk_to(pilot, screen, "TEA-EARL-100")
        stop = screen.state.stop
        assert stop is not None
        big = screen.query_one("#location", BigText)
        assert big.text == stop.location and str(big.render()).count("\n") == 2  # three rows high
        assert "╭" in str(big.render())
        assert "lot L2609C (scan it) · best before 2027-03-31" in shown(app, "#product")
        await scan(pilot, stop.location)
        await scan(pilot, GTIN["TEA-EARL-100"])  # no lot in the scan: the lot step comes
        assert screen.state.phase == "lot" and "Scan the LOT" in shown(app, "#prompt")
        assert "(1 waiting for the lot)" in shown(app, "#quantity")
        await scan(pilot, "L2611A")
        assert "Wrong lot: scanned lot L2611A, expected lot L2609C" in shown(app, "#message")
        await scan(pilot, "L2609C")
        assert screen.state.phase == "item" and "(1 in hand)" in shown(app, "#quantity")

    run(app, size, body)


@pytest.mark.parametrize("size", SIZES)
def test_finish_screen_has_no_empty_lists(config: Config, floor: Database, size: tuple[int, int]) -> None:
    app = build_app(config, floor, station="hh-1")

    async def body(pilot: Pilot[None]) -> None:
        await start(pilot)
        await pilot.press("f10")
        await settle(pilot)
        await pilot.press("y", "enter")  # end the batch before anything was picked
        await settle(pilot)
        assert isinstance(app.screen, BatchDoneScreen)
        texts = [str(w.render()) for w in app.screen.query(Static)]
        assert not any(t.rstrip().endswith(":") for t in texts), texts
        assert not any(t.startswith("0 order") for t in texts), texts
        assert "No order was picked complete" in shown(app, "#done-orders")

    run(app, size, body)


@pytest.mark.parametrize("size", SIZES)
def test_monochrome_reads_the_same(
    config: Config, floor: Database, size: tuple[int, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Under NO_COLOR and the ANSI theme (textual-ansi) a refusal still says so in words, and the big text is drawn."""
    monkeypatch.setenv("NO_COLOR", "1")
    app = build_app(config, floor, station="hh-1")

    async def body(pilot: Pilot[None]) -> None:
        app.theme = "ansi-dark"  # Textual 8's name of the textual-ansi theme
        screen = await start(pilot)
        stop = screen.state.stop
        assert stop is not None
        await scan(pilot, "TOTE-0009")
        assert shown(app, "#message").startswith("Wrong scan: expected location")
        assert "╭" in str(screen.query_one("#location", BigText).render()) or "╷" in str(
            screen.query_one("#location", BigText).render()
        )

    run(app, size, body)
