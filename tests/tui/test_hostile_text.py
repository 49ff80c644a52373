"""Text from outside is shown literally on every screen: markup-looking SKUs, names, addresses, lots, reasons and
scans neither crash a screen (``MarkupError``), nor restyle it, nor plant a click action; the app keeps running.

Each test reads what the terminal really draws (the compositor's lines) and the click actions in it.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from sqlalchemy import select
from textual import events
from textual.widgets import DataTable, Label, Static, TabbedContent

from app.config import Config
from app.db.models import Order, Tote
from app.db.unit_of_work import Database
from app.domain.layout import Layout
from app.tui.app import PickpackApp, build_app
from app.tui.literal import CELL_WIDTH
from app.tui.screens.home import HomeScreen
from app.tui.screens.pack import PackScreen
from app.tui.screens.pick import PickScreen
from app.tui.screens.stock_lookup import StockLookupScreen
from app.tui.widgets.dialogs import AskDialog, ConfirmDialog, TimelineDialog
from app.tui.widgets.scan_capture import ScanCapture
from tests.conftest import cached_step
from tests.picking_support import add_users
from tests.tui import hostile
from tests.tui.conftest import open_queue, scan
from tests.tui.hostile import (
    BROKEN,
    EVIL,
    HOLD_REASON,
    LINK,
    LOT,
    NAME,
    NUMBER,
    PICKER,
    RTL,
    RTL_SHOWN,
    SKU,
    click_actions,
    screen_text,
)
from tests.tui.scanner import settle

WIDE = (160, 50)


@pytest.fixture
def hostile_floor(request: pytest.FixtureRequest, terminal_db: Database, layout: Layout, tmp_path: Path) -> Database:
    cached_step(
        request, terminal_db, "hostile-floor", lambda: hostile.seed_hostile_floor(terminal_db, layout, tmp_path)
    )
    return terminal_db


def still_safe(app: PickpackApp) -> str:
    """The app runs, no failure was recovered from, no click action came from data; returns the screen text."""
    assert app.is_running and app.return_code is None
    assert app.failures == []
    assert not [action for action in click_actions(app) if "quit" in action]
    return screen_text(app)


def test_sign_in_home_and_stock_lookup_show_hostile_text_literally(config: Config, hostile_floor: Database) -> None:
    app = build_app(config, hostile_floor, station="hh-1")

    async def run() -> None:
        async with app.run_test(size=WIDE) as pilot:
            await scan(pilot, EVIL)  # a hostile "badge"
            text = still_safe(app)
            assert EVIL in text and "[@click=app.quit]q[/]" in str(app.screen.query_one("#message", Static).render())
            await scan(pilot, "BADGE-PIA")
            assert isinstance(app.screen, HomeScreen)
            assert f"pickpack · {PICKER} (picker)" in still_safe(app)
            await pilot.press("s")
            assert isinstance(app.screen, StockLookupScreen)
            await scan(pilot, SKU)  # the SKU typed as it is
            text = still_safe(app)
            assert f"{SKU}  {EVIL}" in text  # title: SKU and name
            assert BROKEN in text and "A01-03-L-1" in text
            await scan(pilot, "A02-07-L-3")  # the location holding the hostile lot
            assert LOT in still_safe(app)
            await scan(pilot, LINK)  # not found: the message quotes the scan
            assert LINK in still_safe(app)
            app.screen.query_one("#code", ScanCapture).post_message(events.Paste(RTL + "\n"))
            await settle(pilot)
            text = still_safe(app)  # a pasted direction override is made visible (here by the service), not obeyed
            assert "nothing found for 'abc" in text and RTL not in text

    asyncio.run(run())


def test_pick_screen_shows_hostile_orders_products_and_scans_literally(config: Config, hostile_floor: Database) -> None:
    app = build_app(config, hostile_floor, station="hh-1")

    async def run() -> None:
        async with app.run_test(size=WIDE) as pilot:
            await scan(pilot, "BADGE-PIA")
            await pilot.press("p")
            await settle(pilot)
            screen = app.screen
            assert isinstance(screen, PickScreen)
            assert NUMBER in still_safe(app)  # cart set-up: the slot's order number
            await scan(pilot, EVIL)  # refused: the message quotes it
            assert EVIL in still_safe(app) and screen.query_one("#message", Static).has_class("error")
            for n in range(len(screen.state.slots)):
                await scan(pilot, f"TOTE-{n + 1:04d}")
            seen = []
            for _ in range(screen.state.stops_total):  # F6 skips to the next stop: every stop is shown once
                seen.append(still_safe(app))
                await pilot.press("f6")
                await settle(pilot)
            shown = "\n".join(seen)
            assert EVIL in shown and "W" * 150 in shown and SKU in shown  # the 200-character name wraps
            assert f"{LINK} {RTL_SHOWN}" in shown and RTL not in shown and f"lot {LOT}" in shown
            assert f"({NUMBER})" in shown
            await scan(pilot, BROKEN)
            assert BROKEN in still_safe(app)

    asyncio.run(run())


def test_pack_screen_shows_hostile_lines_literally(
    config: Config, sample_catalog: Database, layout: Layout, tmp_path: Path
) -> None:
    people = add_users(sample_catalog)
    totes = hostile.seed_hostile_floor(sample_catalog, layout, tmp_path, picked_by=people["pia"])
    app = build_app(config, sample_catalog, station="station-1")

    async def run() -> None:
        async with app.run_test(size=WIDE) as pilot:
            await scan(pilot, "BADGE-PAUL")
            await pilot.press("k")
            await settle(pilot)
            screen = app.screen
            assert isinstance(screen, PackScreen)
            await scan(pilot, EVIL)
            assert EVIL in still_safe(app)
            await scan(pilot, tote_of(sample_catalog, NUMBER, totes))
            assert screen.state is not None and screen.state.order_number == NUMBER
            text = still_safe(app)
            assert f"Order {NUMBER}" in text
            width = screen._name_width  # the name column: as wide as the screen allows, the rest cut with "…"
            shown = [f"{name[: width - 1]}…" if len(name) > width else name for name in (NAME, LINK)]
            assert SKU in text and all(name in text for name in shown)
            table = screen.query_one("#pack-lines", DataTable)
            assert {str(table.get_row_at(i)[0]) for i in range(table.row_count)} == {SKU, "TEA-EARL-100"}

    asyncio.run(run())


def tote_of(db: Database, number: str, totes: list[str]) -> str:
    with db.unit_of_work(readonly=True) as uow:
        code = uow.session.scalar(
            select(Tote.code).join(Order, Tote.order_id == Order.id).where(Order.number == number)
        )
    assert code in totes
    return code


def test_supervisor_screen_every_tab_search_timeline_and_dialogs(config: Config, hostile_floor: Database) -> None:
    from app.services import picking
    from app.services.users import sign_in_with_badge

    app = build_app(config, hostile_floor, station="sup-1")

    async def run() -> None:
        async with app.run_test(size=WIDE) as pilot:
            screen = await open_queue(pilot)
            assert NUMBER in still_safe(app)  # at-risk orders
            tabs = screen.query_one("#tabs", TabbedContent)
            tabs.active = "exceptions-tab"
            await settle(pilot)
            exceptions = still_safe(app)
            assert HOLD_REASON[: CELL_WIDTH - 1] + "…" in exceptions  # the 5,000-character reason, cut to the cell
            tabs.active = "kpis-tab"
            await settle(pilot)
            still_safe(app)
            await pilot.press("slash")
            await pilot.press(*"evil", "enter")  # customer name contains "EVIL"
            await settle(pilot)
            results = still_safe(app)
            assert NUMBER in results and EVIL in results
            await pilot.press("p")  # a hostile priority is refused, quoted literally
            await pilot.press(*"[b]9[/b]", "enter")
            await settle(pilot)
            assert "priority '[b]9[/b]': a number" in still_safe(app)
            await pilot.press("h")  # hold the order, typing a hostile reason
            await settle(pilot)
            assert isinstance(app.screen, AskDialog)
            await pilot.press(*"[b]x[/] [@click=app.quit]q[/]", "enter")
            await settle(pilot)
            assert isinstance(app.screen, ConfirmDialog)
            question = str(app.screen.query_one(".title", Label).render())
            assert question == f"Hold order {NUMBER}?"
            assert "Reason: [b]x[/] [@click=app.quit]q[/]" in still_safe(app)  # the reason, quoted literally
            await pilot.press("y")
            await settle(pilot)
            assert f"Order {NUMBER} is on hold" in still_safe(app)
            await pilot.press("t")  # the timeline of the hostile order, with the hostile reason
            await settle(pilot)
            assert isinstance(app.screen, TimelineDialog)
            timeline = still_safe(app)
            assert f"Order {NUMBER} · on_hold" in timeline and "[b]x[/] [@click=app.quit]q[/]" in timeline
            await pilot.press("escape")
            await settle(pilot)
            tabs.active = "floor"
            screen.query_one("#risk", DataTable).focus()  # else the focused search results take their tab back
            await settle(pilot)
            pia = sign_in_with_badge(hostile_floor, "BADGE-PIA", terminal="hh-9")
            assert picking.claim_batch(hostile_floor, pia, terminal="hh-9") is not None  # pia (renamed) walks
            for _ in range(100):
                await pilot.pause(0.05)
                if PICKER in screen_text(app):
                    break
            assert PICKER in still_safe(app)  # in the batches and pickers tables

    asyncio.run(run())
