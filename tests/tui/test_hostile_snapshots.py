"""SVG snapshots of the screens that show the most outside data, seeded with hostile text: the supervisor's floor
and search, the picker's stop and the packing lines. A change in how data is drawn shows up as a picture diff.

The pictures never change between runs: the data is fixed, orders and batches are dated one moment and the
supervisor screen reads the floor "now" at that moment plus ten minutes. Update them deliberately with
``pytest tests/tui/test_hostile_snapshots.py --snapshot-update`` and look at the SVGs before committing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import DataTable

from app.config import Config
from app.db.unit_of_work import Database
from app.domain.layout import Layout
from app.services import supervision
from app.tui.app import build_app
from app.tui.screens.pack import PackScreen
from app.tui.screens.pick import PickScreen
from tests.conftest import cached_step
from tests.picking_support import add_users
from tests.tui import hostile
from tests.tui.conftest import open_queue, scan
from tests.tui.scanner import settle
from tests.tui.test_hostile_text import tote_of

AT = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
NOW = AT + timedelta(minutes=10)
SnapCompare = Callable[..., bool]


@pytest.fixture
def frozen_floor(
    request: pytest.FixtureRequest,
    terminal_db: Database,
    layout: Layout,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> Database:
    def build() -> None:
        hostile.seed_hostile_floor(terminal_db, layout, tmp_path)
        hostile.freeze_clock(terminal_db, AT)

    cached_step(request, terminal_db, "hostile-frozen", build)
    read_floor = supervision.floor_snapshot

    def frozen_snapshot(*args: Any, **kwargs: Any) -> supervision.FloorSnapshot:
        """The floor at NOW; the change marker (an event id, which counts every event written, on each database
        its own way) is shown as 0 so the picture does not depend on how many events seeding wrote."""
        return replace(read_floor(*args, now=NOW, **kwargs), change_marker=0)

    monkeypatch.setattr(supervision, "floor_snapshot", frozen_snapshot)
    return terminal_db


def test_supervisor_floor(snap_compare: SnapCompare, config: Config, frozen_floor: Database) -> None:
    async def floor(pilot: Pilot[None]) -> None:
        screen = await open_queue(pilot)
        screen.query_one("#risk", DataTable).focus()
        await settle(pilot)

    app = build_app(config, frozen_floor, station="sup-1")
    assert snap_compare(app, terminal_size=(110, 30), run_before=floor)


def test_supervisor_search_and_refusal(snap_compare: SnapCompare, config: Config, frozen_floor: Database) -> None:
    async def search_then_refuse(pilot: Pilot[None]) -> None:
        await open_queue(pilot)
        await pilot.press("slash", *"evil", "enter")
        await pilot.press("p", *"[b]9[/b]", "enter")  # a hostile priority, refused and quoted
        await settle(pilot)

    app = build_app(config, frozen_floor, station="sup-1")
    assert snap_compare(app, terminal_size=(110, 24), run_before=search_then_refuse)


def test_pick_stop_with_hostile_product(snap_compare: SnapCompare, config: Config, frozen_floor: Database) -> None:
    async def to_the_hostile_stop(pilot: Pilot[None]) -> None:
        await scan(pilot, "BADGE-PIA")
        await pilot.press("p")
        await settle(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, PickScreen)
        for n in range(len(screen.state.slots)):
            await scan(pilot, f"TOTE-{n + 1:04d}")
        while screen.state.stop is not None and screen.state.stop.sku != hostile.SKU:
            await pilot.press("f6")
            await settle(pilot)
        await scan(pilot, hostile.EVIL)  # a hostile scan, refused and quoted

    app = build_app(config, frozen_floor, station="hh-1")
    assert snap_compare(app, terminal_size=(60, 24), run_before=to_the_hostile_stop)


def test_pack_hostile_lines(
    snap_compare: SnapCompare, config: Config, sample_catalog: Database, layout: Layout, tmp_path: Path
) -> None:
    people = add_users(sample_catalog)
    totes = hostile.seed_hostile_floor(sample_catalog, layout, tmp_path, picked_by=people["pia"])
    tote = tote_of(sample_catalog, hostile.NUMBER, totes)

    async def open_the_hostile_order(pilot: Pilot[None]) -> None:
        await scan(pilot, "BADGE-PAUL")
        await pilot.press("k")
        await settle(pilot)
        assert isinstance(pilot.app.screen, PackScreen)
        await scan(pilot, tote)
        await scan(pilot, hostile.LINK)  # a hostile scan, refused and quoted

    app = build_app(config, sample_catalog, station="station-1")
    assert snap_compare(app, terminal_size=(80, 24), run_before=open_the_hostile_order)
