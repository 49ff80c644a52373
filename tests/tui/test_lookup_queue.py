"""Stock lookup runs on the screen's serial step queue (``app.tui.steps``): codes scanned or typed while a slow
lookup runs are looked up next, in order, so the table ends on the last code; Esc waits its turn; a database
that is busy for a moment is retried, not reported."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from typing import Any

import pytest
from textual.widgets import DataTable, Static

from app.services import runtime
from app.tui.app import PickpackApp
from app.tui.screens import stock_lookup
from app.tui.screens.home import HomeScreen
from app.tui.screens.stock_lookup import StockLookupScreen
from tests.tui.conftest import scan
from tests.tui.scanner import send_scan, settle

SIZE = (60, 20)
EARL_GREY = "9520000010027"
KETTLE_FACE = "A05-02-L-1"


def wrap_lookup(monkeypatch: pytest.MonkeyPatch, before: Callable[[int], None]) -> list[str]:
    """Replace the screen's lookup with the real one preceded by ``before(n)`` (n = 1 for the first call)."""
    calls: list[str] = []
    real = stock_lookup.lookup

    def wrapped(db: Any, code: str, **kwargs: Any) -> Any:
        calls.append(code)
        before(len(calls))
        return real(db, code, **kwargs)

    monkeypatch.setattr(stock_lookup, "lookup", wrapped)
    return calls


def skus(app: PickpackApp) -> list[str]:
    table = app.screen.query_one("#results", DataTable)
    return [str(table.get_row_at(i)[1]) for i in range(table.row_count)]


def title(app: PickpackApp) -> str:
    return str(app.screen.query_one("#result-title", Static).render())


async def open_lookup(pilot: Any) -> None:
    await scan(pilot, "BADGE-PIA")
    await pilot.press("s")
    await settle(pilot)
    assert isinstance(pilot.app.screen, StockLookupScreen)


def test_codes_typed_during_a_slow_lookup_are_looked_up_next_in_order(
    app: PickpackApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    gate = threading.Event()
    shown: list[str] = []
    calls = wrap_lookup(monkeypatch, lambda n: None if n > 1 else assert_waits(gate))

    async def run() -> None:
        async with app.run_test(size=SIZE) as pilot:
            await open_lookup(pilot)
            screen = app.screen
            assert isinstance(screen, StockLookupScreen)
            show = screen._show
            monkeypatch.setattr(screen, "_show", lambda result: (shown.append(result.query), show(result)))
            await send_scan(pilot, EARL_GREY)  # held in its worker
            await pilot.press(*KETTLE_FACE, "enter")  # typed meanwhile
            await pilot.press("escape")  # and back, after both
            assert calls == [EARL_GREY] and isinstance(app.screen, StockLookupScreen)
            gate.set()
            await settle(pilot)
            assert isinstance(app.screen, HomeScreen)

    asyncio.run(run())
    assert calls == [EARL_GREY, KETTLE_FACE]
    assert shown == [EARL_GREY, KETTLE_FACE]


def test_the_table_ends_on_the_last_code_asked_for(app: PickpackApp, monkeypatch: pytest.MonkeyPatch) -> None:
    gate = threading.Event()
    wrap_lookup(monkeypatch, lambda n: None if n > 1 else assert_waits(gate))

    async def run() -> None:
        async with app.run_test(size=SIZE) as pilot:
            await open_lookup(pilot)
            await send_scan(pilot, EARL_GREY)
            await pilot.press(*KETTLE_FACE, "enter")
            gate.set()
            await settle(pilot)
            assert skus(app) == ["KETTLE-STEEL-1L"]
            assert "on hand" in title(app)

    asyncio.run(run())


def assert_waits(gate: threading.Event) -> None:
    assert gate.wait(30), "the test never opened the gate"


def test_a_busy_database_is_retried_and_the_lookup_shows_its_rows(
    app: PickpackApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    def busy_once(n: int) -> None:
        if n == 1:
            raise runtime.DatabaseUnavailable("SELECT", {}, Exception("database is locked"))

    calls = wrap_lookup(monkeypatch, busy_once)

    async def run() -> None:
        async with app.run_test(size=SIZE) as pilot:
            await open_lookup(pilot)
            await scan(pilot, EARL_GREY)
            assert skus(app) == ["TEA-EARL-100", "TEA-EARL-100"]
            assert "busy" not in title(app) and app.screen.query_one("#result-title").has_class("ok")

    asyncio.run(run())
    assert calls == [EARL_GREY, EARL_GREY]
