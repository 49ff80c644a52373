"""SVG snapshots of the picker's screens at a cart screen (100x32) and a handheld (60x20): a stop with a unit in
hand and a refusal, the help (F1), the lines left (F2) and the finish screen. A change in what a picker sees
shows up as a picture diff; update deliberately with ``--snapshot-update`` and look at the SVGs first.

The pictures do not change between runs: the orders, stock, lots and expiry dates are fixed, and the screens
show no clock.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from textual.pilot import Pilot

from app.config import Config
from app.db.unit_of_work import Database
from app.tui.app import build_app
from app.tui.screens.batch_done import BatchDoneScreen
from app.tui.widgets.pick_info import PickHelpDialog, RemainingLinesDialog
from tests.picking_support import GTIN
from tests.tui.conftest import scan
from tests.tui.scanner import settle
from tests.tui.test_picker_usability import MUG_SHELF, SIZES, finish_stop, floor, start, walk_to

__all__ = ["floor"]  # the fixture, shared with the behaviour tests
SnapCompare = Callable[..., bool]


async def at_the_mug_stop(pilot: Pilot[None]) -> None:
    """The 3-mug stop: shelf scanned, one mug in hand, then a red mug scanned by mistake (refused)."""
    screen = await start(pilot)
    await walk_to(pilot, screen, "MUG-BLU-350", 3)
    await scan(pilot, MUG_SHELF)
    await scan(pilot, GTIN["MUG-BLU-350"])
    await scan(pilot, GTIN["MUG-RED-350"])


@pytest.mark.parametrize("size", SIZES)
def test_pick_stop(snap_compare: SnapCompare, config: Config, floor: Database, size: tuple[int, int]) -> None:
    app = build_app(config, floor, station="hh-1")
    assert snap_compare(app, terminal_size=size, run_before=at_the_mug_stop)


@pytest.mark.parametrize("size", SIZES)
def test_pick_help(snap_compare: SnapCompare, config: Config, floor: Database, size: tuple[int, int]) -> None:
    async def help_open(pilot: Pilot[None]) -> None:
        await at_the_mug_stop(pilot)
        await pilot.press("f1")
        await settle(pilot)
        assert isinstance(pilot.app.screen, PickHelpDialog)

    app = build_app(config, floor, station="hh-1")
    assert snap_compare(app, terminal_size=size, run_before=help_open)


@pytest.mark.parametrize("size", SIZES)
def test_pick_lines_left(snap_compare: SnapCompare, config: Config, floor: Database, size: tuple[int, int]) -> None:
    async def lines_open(pilot: Pilot[None]) -> None:
        await at_the_mug_stop(pilot)
        await pilot.press("f2")
        await settle(pilot)
        assert isinstance(pilot.app.screen, RemainingLinesDialog)

    app = build_app(config, floor, station="hh-1")
    assert snap_compare(app, terminal_size=size, run_before=lines_open)


@pytest.mark.parametrize("size", SIZES)
def test_pick_finished(snap_compare: SnapCompare, config: Config, floor: Database, size: tuple[int, int]) -> None:
    async def walk_all(pilot: Pilot[None]) -> None:
        screen = await start(pilot)
        while screen.state.stop is not None:
            await finish_stop(pilot, screen)
        await settle(pilot)
        assert isinstance(pilot.app.screen, BatchDoneScreen)

    app = build_app(config, floor, station="hh-1")
    assert snap_compare(app, terminal_size=size, run_before=walk_all)
