"""SVG pictures of the supervisor screen: each tab and each dialog, at a desk terminal (100x32) and a small one
(60x20). A change in what the supervisor sees shows up as a picture diff.

The pictures never change between runs: the floor is dated one moment (``AT``) and read "now" ten minutes
later, the change marker shows as 0. The timeline dialog is not pictured: its rows were not the same from one
run to the next (`test_hostile_text` opens it and checks what it says). Update them deliberately with
``pytest tests/tui/test_supervisor_snapshots.py --snapshot-update`` and look at the SVGs before committing.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import DataTable, Input

from app.config import Config
from app.db.unit_of_work import Database
from app.domain.layout import Layout
from app.services import orders, supervision
from app.tui.app import build_app
from app.tui.screens.supervise import SuperviseScreen
from tests.conftest import cached_step
from tests.tui.conftest import open_queue
from tests.tui.scanner import settle
from tests.tui.supervisor_floor import freeze, seed_floor

AT = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
NOW = AT + timedelta(minutes=10)
SnapCompare = Callable[..., bool]
Script = Callable[[Pilot[None], SuperviseScreen], Awaitable[None]]


@pytest.fixture
def frozen(
    request: pytest.FixtureRequest,
    terminal_db: Database,
    layout: Layout,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> Database:
    def build() -> None:
        seed_floor(terminal_db, layout, tmp_path)
        freeze(terminal_db, AT)

    cached_step(request, terminal_db, "supervisor-floor-frozen", build)
    read_floor, read_kpis, read_facts, read_order = (
        supervision.floor_snapshot,
        supervision.kpis,
        supervision.order_facts,
        orders.show_order,
    )

    def floor(*args: Any, **kwargs: Any) -> supervision.FloorSnapshot:
        snapshot = read_floor(*args, now=NOW, **kwargs)
        found = tuple(replace(e, at=AT) for e in snapshot.exceptions)  # dated by events: the log's real times
        return replace(snapshot, change_marker=0, exceptions=found)

    def order(*args: Any, **kwargs: Any) -> orders.OrderDetail:
        detail = read_order(*args, **kwargs)
        return replace(detail, events=tuple(replace(e, at=AT) for e in detail.events))

    monkeypatch.setattr(supervision, "floor_snapshot", floor)
    monkeypatch.setattr(supervision, "kpis", lambda *a, **k: read_kpis(*a, now=NOW, **k))
    monkeypatch.setattr(supervision, "order_facts", lambda *a, **k: read_facts(*a, now=NOW, **k))
    monkeypatch.setattr(orders, "show_order", order)
    return terminal_db


async def choose(pilot: Pilot[None], screen: SuperviseScreen, table_id: str, first_cell: str) -> None:
    table = screen.query_one(f"#{table_id}", DataTable)
    table.focus()
    rows = [str(table.get_row_at(i)[0]) for i in range(table.row_count)]
    table.move_cursor(row=rows.index(first_cell))
    await settle(pilot)


def keys(*pressed: str) -> Script:
    async def script(pilot: Pilot[None], _screen: SuperviseScreen) -> None:
        await pilot.press(*pressed)
        await settle(pilot)

    return script


def on(table_id: str, first_cell: str, *pressed: str) -> Script:
    async def script(pilot: Pilot[None], screen: SuperviseScreen) -> None:
        await choose(pilot, screen, table_id, first_cell)
        await pilot.press(*pressed)
        await settle(pilot)

    return script


SCENES: dict[str, Script] = {
    "tab_floor": on("risk", "#D1011"),
    "tab_exceptions": keys("2", "down"),
    "tab_search": keys("slash", *"#D101", "enter"),
    "tab_kpis": keys("4"),
    "which_order": keys("2", "h"),
    "refused_on_the_band": keys("b", "down", "enter"),
    "reassign_pickers": on("pickers", "pia", "n"),
    "priority": on("risk", "#D1013", "p"),
    "hold_reason": on("risk", "#D1013", "h"),
    "hold_confirm": on("risk", "#D1013", "h", *"address check", "enter"),
    "approve_short": keys("2", "down", "a"),
    "help": keys("f1"),
}


@pytest.mark.parametrize("size", [(100, 32), (60, 20)], ids=["100x32", "60x20"])
@pytest.mark.parametrize("scene", list(SCENES))
def test_supervisor_screen(
    snap_compare: SnapCompare, config: Config, frozen: Database, scene: str, size: tuple[int, int]
) -> None:
    async def run_before(pilot: Pilot[None]) -> None:
        screen = await open_queue(pilot)
        await settle(pilot)
        await SCENES[scene](pilot, screen)
        for field in pilot.app.screen.query(Input):
            field.cursor_blink = False  # a blinking cursor would make the picture depend on the moment
        await settle(pilot)

    app = build_app(config, frozen, station="sup-1")
    assert snap_compare(app, terminal_size=size, run_before=run_before)
