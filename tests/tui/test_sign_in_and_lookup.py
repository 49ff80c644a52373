"""The terminal's first screens, driven through Pilot as a picker with a scanner would use them."""

from __future__ import annotations

import asyncio

from sqlalchemy import select
from textual.message import Message
from textual.widgets import DataTable, Input, Static

from app.db.models import Event
from app.tui.app import PickpackApp
from app.tui.screens.home import HomeScreen
from app.tui.screens.sign_in import SignInScreen
from app.tui.screens.stock_lookup import StockLookupScreen
from app.tui.widgets.scan_capture import ScanCapture
from tests.tui.conftest import GS, press_scan, scan
from tests.tui.scanner import settle

SIZE = (40, 20)  # a handheld's screen


def table_rows(app: PickpackApp) -> list[list[str]]:
    table = app.screen.query_one("#results", DataTable)
    return [[str(cell) for cell in table.get_row_at(i)] for i in range(table.row_count)]


def message_text(app: PickpackApp, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


def test_badge_scan_signs_in_and_lookup_shows_lots_and_expiry(app: PickpackApp) -> None:
    async def run() -> None:
        async with app.run_test(size=SIZE) as pilot:
            assert isinstance(app.screen, SignInScreen)
            await scan(pilot, "BADGE-PIA")
            assert isinstance(app.screen, HomeScreen)
            assert app.user is not None and app.user.name == "pia"
            await pilot.press("s")
            assert isinstance(app.screen, StockLookupScreen)
            await scan(pilot, "9520000010027")  # Earl Grey's GTIN-13
            assert table_rows(app) == [
                ["A02-07-L-3", "TEA-EARL-100", "20", "0", "20", "L2609C", "2027-03-31"],
                ["A02-07-L-2", "TEA-EARL-100", "30", "0", "30", "L2611A", "2027-06-30"],
            ]
            assert "on hand 50" in message_text(app, "#result-title")
            await scan(pilot, "A05-02-L-1")
            assert [row[1] for row in table_rows(app)] == ["KETTLE-STEEL-1L"]
            await scan(pilot, "NO-SUCH-THING")
            assert "nothing found for 'NO-SUCH-THING'" in message_text(app, "#result-title")
            assert table_rows(app) == []
            await pilot.press("escape")
            assert isinstance(app.screen, HomeScreen)

    asyncio.run(run())


def test_unknown_badge_is_refused_in_red_and_logged(app: PickpackApp) -> None:
    async def run() -> None:
        async with app.run_test(size=SIZE) as pilot:
            await scan(pilot, "BADGE-NOBODY")
            assert isinstance(app.screen, SignInScreen)
            assert app.user is None
            message = app.screen.query_one("#message", Static)
            assert "unknown badge 'BADGE-NOBODY'" in str(message.render())
            assert message.has_class("error")

    asyncio.run(run())
    with app.db.unit_of_work(readonly=True) as uow:
        refused = uow.session.scalars(select(Event).where(Event.kind == "user.sign_in_refused")).all()
        assert [(e.subject, e.terminal) for e in refused] == [("badge:BADGE-NOBODY", "hh-test")]


def test_name_and_pin_sign_in_and_wrong_pin(app: PickpackApp) -> None:
    async def run() -> None:
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press("f3")
            await pilot.press(*"sofia", "enter")
            assert app.screen.focused is app.screen.query_one("#pin", Input)
            await pilot.press(*"9999", "enter")
            await settle(pilot)
            assert "wrong user name or PIN" in message_text(app, "#message")
            assert app.screen.query_one("#pin", Input).value == ""  # a refused PIN is cleared
            await pilot.press(*"3333", "enter")
            await settle(pilot)
            assert isinstance(app.screen, HomeScreen) and app.user and app.user.role == "supervisor"
            await pilot.press("escape")  # sign out
            assert isinstance(app.screen, SignInScreen) and app.user is None

    asyncio.run(run())


def test_badge_scanned_into_the_name_field_still_signs_in(app: PickpackApp) -> None:
    async def run() -> None:
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press("f3")
            await scan(pilot, "BADGE-PAUL")
            assert app.user is not None and app.user.name == "paul"

    asyncio.run(run())


def test_gs1_scan_keeps_the_group_separator(app: PickpackApp) -> None:
    seen: list[str] = []

    def hook(message: Message) -> None:
        if isinstance(message, ScanCapture.Scanned):
            seen.append(message.code)

    async def run() -> None:
        async with app.run_test(size=SIZE, message_hook=hook) as pilot:
            await scan(pilot, "BADGE-PIA")
            await pilot.press("s")
            await press_scan(pilot, "]C1" + "0109520000010027" + "10L2611A" + GS + "21SN42")
            assert "TEA-EARL-100" in message_text(app, "#result-title")

    asyncio.run(run())
    assert seen[-1] == "]C1" + "0109520000010027" + "10L2611A" + GS + "21SN42"


def test_a_supervisor_badge_alone_asks_for_the_pin(app: PickpackApp) -> None:
    async def run() -> None:
        async with app.run_test(size=SIZE) as pilot:
            await scan(pilot, "BADGE-SOFIA")
            assert isinstance(app.screen, SignInScreen) and app.user is None  # a found badge makes no supervisor
            assert app.screen.query_one("#name", Input).value == "sofia"
            assert app.screen.focused is app.screen.query_one("#pin", Input)
            assert "PIN needed: sofia (supervisor)" in message_text(app, "#message")
            await pilot.press(*"3333", "enter")
            await settle(pilot)
            assert isinstance(app.screen, HomeScreen)
            assert app.user is not None and app.user.name == "sofia"

    asyncio.run(run())
