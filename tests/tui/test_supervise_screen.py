"""The supervisor's live queue: a picker in another process scans, the supervisor screen shows every scan without
being asked; actions are confirmed and logged with who did them; pickers cannot reach them. (How fast a scan
shows is a benchmark, `pickpack bench live`, not a test: timings on a shared machine are not behaviour.)"""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path

import pytest
from sqlalchemy import select
from textual.widgets import DataTable

from app.config import Config
from app.db.models import Event
from app.db.unit_of_work import Database
from app.domain.layout import Layout
from app.services import orders
from app.services.errors import Refused
from app.services.supervision import actions as supervisor_actions
from app.tui.app import build_app
from app.tui.screens.home import HomeScreen
from app.tui.widgets.dialogs import ConfirmDialog
from tests.conftest import ROOT
from tests.picking_support import release_orders
from tests.tui.conftest import open_queue, scan
from tests.tui.scanner import settle

SIZE = (120, 45)


@pytest.fixture
def floor(terminal_db: Database, layout: Layout, tmp_path: Path) -> Database:
    release_orders(
        terminal_db,
        layout,
        tmp_path,
        [
            ("L-1", "MUG-BLU-350", 3),
            ("L-1", "TEA-EARL-100", 2),
            ("L-2", "KETTLE-STEEL-1L", 1),
            ("L-2", "INFUSER-SS", 2),
        ],
    )
    return terminal_db


def test_every_scan_of_a_picker_in_another_process_shows_on_the_queue(
    config: Config, floor: Database, db_url: str
) -> None:
    app = build_app(config, floor, station="sup-1")
    scans: list[dict[str, float]] = []

    async def run() -> None:
        async with app.run_test(size=SIZE) as pilot:
            screen = await open_queue(pilot)
            picker = await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "app.bench.live_picker",
                db_url,
                "pia",
                "8",
                "0.25",
                stdout=asyncio.subprocess.PIPE,
                cwd=str(ROOT),
            )
            assert picker.stdout is not None
            while line := await picker.stdout.readline():
                scans.append(json.loads(line))
            assert await picker.wait() == 0
            last = max(s["marker"] for s in scans)
            for _ in range(200):  # the live queue refreshes itself; give a busy machine up to 10 s
                if any(marker >= last for marker, _at in screen.applied):
                    break
                await pilot.pause(0.05)
            rows = [
                [str(c) for c in screen.query_one("#pickers", DataTable).get_row_at(i)]
                for i in range(screen.query_one("#pickers", DataTable).row_count)
            ]
            assert any(row[0] == "pia" for row in rows)  # the picker is on the supervisor's screen
            assert len(scans) == 8
            newest = max(marker for marker, _at in screen.applied)
            assert all(newest >= s["marker"] for s in scans), (newest, scans)  # the last scan reached the screen

    asyncio.run(run())


def test_actions_are_confirmed_and_logged_with_who(config: Config, floor: Database) -> None:
    app = build_app(config, floor, station="sup-1")

    async def run() -> None:
        async with app.run_test(size=SIZE) as pilot:
            screen = await open_queue(pilot)
            risk = screen.query_one("#risk", DataTable)
            risk.focus()
            await settle(pilot)
            number = str(risk.get_row_at(risk.cursor_row)[0])
            await pilot.press("h")
            await pilot.press(*"address check", "enter")
            await settle(pilot)
            assert isinstance(app.screen, ConfirmDialog)
            await pilot.press("y")
            await settle(pilot)
            assert orders.show_order(floor, config, number).summary.status == "on_hold"
            await pilot.press("p")
            await pilot.press(*"999", "enter")
            await settle(pilot)
            assert orders.show_order(floor, config, number).summary.priority == 999
            await pilot.press("w")
            await pilot.press("n")  # declined: nothing happens
            await settle(pilot)

    asyncio.run(run())
    with floor.unit_of_work(readonly=True) as uow:
        logged = [
            (e.kind, e.actor, e.terminal)
            for e in uow.session.scalars(
                select(Event).where(Event.kind.in_(["order.status", "order.priority_set"]), Event.actor == "sofia")
            )
        ]
    assert ("order.status", "sofia", "sup-1") in logged and ("order.priority_set", "sofia", "sup-1") in logged


def test_pickers_cannot_reach_supervisor_actions(config: Config, floor: Database) -> None:
    app = build_app(config, floor, station="hh-1")
    rings: list[int] = []
    app.bell = lambda: rings.append(1)  # type: ignore[method-assign]

    async def run() -> None:
        async with app.run_test(size=SIZE) as pilot:
            await scan(pilot, "BADGE-PIA")
            await pilot.press("v")
            await settle(pilot)
            assert isinstance(app.screen, HomeScreen) and rings == [1]

    asyncio.run(run())
    from app.services.users import get_user

    with pytest.raises(Refused, match=r"pia \(picker\) may not cancel orders: .*supervisor"):
        supervisor_actions.cancel(floor, config, get_user(floor, "pia"), "L-1", "no", terminal="hh-1")
