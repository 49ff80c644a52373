"""The packing screen as a packer meets it at a desk (100x32) and on a handheld (60x20): issue 15's packer items,
each tried through Pilot the way a person would, plus SVG snapshots of the screen and its dialogs."""

from __future__ import annotations

import asyncio
import html
import re
from collections.abc import Callable
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import select
from textual.pilot import Pilot
from textual.widgets import Input, Static

from app.config import Config
from app.db.models import Event
from app.db.unit_of_work import Database
from app.domain.layout import Layout
from app.tui.app import PickpackApp, build_app
from app.tui.screens.pack import PackScreen
from app.tui.widgets.pack_dialogs import PackHelp, VoidDialog
from app.tui.widgets.scan_capture import ScanCapture
from app.tui.widgets.weigh_dialog import WeighDialog
from tests.packer_support import LONG_NAME, courier_gone, release, short_approved
from tests.picking_support import GTIN, add_users, pick_all
from tests.tui.conftest import scan
from tests.tui.scanner import settle

SIZES = [pytest.param((100, 32), id="100x32"), pytest.param((60, 20), id="60x20")]
SnapCompare = Callable[..., bool]


@pytest.fixture
def spool_config(config: Config, tmp_path: Path) -> Config:
    return replace(config, paths=replace(config.paths, data_dir=str(tmp_path / "data")))


def one_mug(db: Database, layout: Layout, tmp_path: Path, number: str = "P-1") -> list[str]:
    people = add_users(db)
    release(db, layout, tmp_path, [(number, "MUG-BLU-350", 1)])
    return pick_all(db, layout, people["pia"])


def text_of(app: PickpackApp, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


def screen_rows(app: PickpackApp) -> list[str]:
    """The terminal as a person sees it, one string per row (read from Textual's own SVG screenshot)."""
    svg = app.export_screenshot()
    rows: dict[float, dict[int, str]] = {}
    for x, y, body in re.findall(r'<text class="terminal-[^"]*" x="([\d.]+)" y="([\d.]+)"[^>]*>([^<]*)</text>', svg):
        rows.setdefault(float(y), {})[round(float(x) / 12.2)] = html.unescape(body).replace("\xa0", " ")
    lines = []
    for y in sorted(rows):
        line = ""
        for col, part in sorted(rows[y].items()):
            line = line.ljust(col) + part
        lines.append(line)
    return lines


async def to_pack_screen(pilot: Pilot[None]) -> PackScreen:
    await scan(pilot, "BADGE-PAUL")
    await pilot.press("k")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, PackScreen)
    return screen


async def press(pilot: Pilot[None], *keys: str) -> None:
    await pilot.press(*keys)
    await settle(pilot)


async def weigh(pilot: Pilot[None], kg: str) -> None:
    await press(pilot, "f9")
    assert isinstance(pilot.app.screen, WeighDialog)
    await press(pilot, *kg, "enter")


@pytest.mark.parametrize("size", SIZES)
def test_lines_box_name_and_a_steady_layout(
    sample_catalog: Database, layout: Layout, tmp_path: Path, spool_config: Config, size: tuple[int, int]
) -> None:
    """Names are as wide as the screen allows, Short always shows, the suggested box is named, a refusal names a
    key that then works, and a message appearing moves nothing."""
    totes = one_mug(sample_catalog, layout, tmp_path)
    app = build_app(spool_config, sample_catalog, station="station-1")
    app.bell = lambda: None  # type: ignore[method-assign]

    async def run() -> None:
        async with app.run_test(size=size) as pilot:
            screen = await to_pack_screen(pilot)
            await scan(pilot, totes[0])
            rows = screen_rows(app)
            header = next(r for r in rows if " SKU " in r)
            assert "Short" in header  # at 60 columns too
            if size[0] >= 100:
                assert any(LONG_NAME in r for r in rows)  # not cut to 18 characters
            assert "Suggested: BOX-S1 Mailer box S" in text_of(app, "#cartons")
            await scan(pilot, GTIN["MUG-BLU-350"])
            before = (screen.query_one("#scan").region, screen.query_one("#pack-lines").region)
            await scan(pilot, GTIN["MUG-BLU-350"])  # one too many: refused
            message = text_of(app, "#message")
            assert "already packed" in message and "F2 takes BOX-S1 Mailer box S" in message
            assert "!box" not in message
            assert (screen.query_one("#scan").region, screen.query_one("#pack-lines").region) == before
            await press(pilot, "f2")  # the key the refusal named takes the box
            assert screen.state is not None and screen.state.expect == "weight"

    asyncio.run(run())


@pytest.mark.parametrize("size", SIZES)
def test_weighing_hides_the_expected_weight_and_says_what_an_off_weight_may_mean(
    sample_catalog: Database, layout: Layout, tmp_path: Path, spool_config: Config, size: tuple[int, int]
) -> None:
    totes = one_mug(sample_catalog, layout, tmp_path)
    app = build_app(spool_config, sample_catalog, station="station-1")
    app.bell = lambda: None  # type: ignore[method-assign]

    async def run() -> None:
        async with app.run_test(size=size) as pilot:
            screen = await to_pack_screen(pilot)
            await scan(pilot, totes[0])
            await scan(pilot, GTIN["MUG-BLU-350"])
            await press(pilot, "f2")
            assert screen.state is not None and screen.state.open_carton is not None
            expected = screen.state.open_carton.expected_weight_kg
            await press(pilot, "f9")
            dialog = app.screen
            assert isinstance(dialog, WeighDialog)
            shown = "\n".join(screen_rows(app))
            assert "Weigh carton 1 of P-1" in shown and str(expected) not in shown
            await press(pilot, *str(expected + Decimal("0.2")), "enter")
            again = app.screen
            assert isinstance(again, WeighDialog) and again.needs_approval
            error = str(again.query_one("#weigh-error", Static).render())
            assert error.startswith("0.2 kg over: an extra or wrong unit?") and f"{expected:.3f}" not in error

    asyncio.run(run())


@pytest.mark.parametrize("size", SIZES)
def test_reprint_void_and_a_shipped_order_scanned_again(
    sample_catalog: Database, layout: Layout, tmp_path: Path, spool_config: Config, size: tuple[int, int]
) -> None:
    """F7 says "Reprinted" and logs it; F8 refuses an empty reason in the dialog; after the void the prompt says
    what to do; the shipped order scanned again is refused with the keys that still apply."""
    totes = one_mug(sample_catalog, layout, tmp_path)
    app = build_app(spool_config, sample_catalog, station="station-1")
    rings: list[int] = []
    app.bell = lambda: rings.append(1)  # type: ignore[method-assign]

    async def run() -> None:
        async with app.run_test(size=size) as pilot:
            screen = await to_pack_screen(pilot)
            await scan(pilot, totes[0])
            await scan(pilot, GTIN["MUG-BLU-350"])
            await press(pilot, "f2")
            assert screen.state is not None and screen.state.open_carton is not None
            await weigh(pilot, str(screen.state.open_carton.expected_weight_kg))
            assert screen.state.status == "shipped" and "F7" in text_of(app, "#prompt")
            await press(pilot, "f7")
            assert text_of(app, "#message").startswith("Reprinted P-1: label 1")
            await press(pilot, "f8")
            dialog = app.screen
            assert isinstance(dialog, VoidDialog)
            await press(pilot, "enter")  # no reason: refused in the dialog, which stays open
            assert app.screen is dialog and "Type why" in str(dialog.query_one("#void-error", Static).render())
            assert rings and screen.state.status == "shipped"
            await press(pilot, *"wrong address", "enter")
            assert app.screen is screen and screen.state.status == "packed"
            assert text_of(app, "#prompt").startswith("Labels voided") and "F9 books" in text_of(app, "#prompt")
            assert "!ship" not in text_of(app, "#message")
            await press(pilot, "f9")  # ship again
            assert screen.state.status == "shipped"
            rings.clear()
            await scan(pilot, "P-1")
            message = text_of(app, "#message")
            assert rings and message.startswith("order P-1 is shipped; F7 prints its labels again, F8 cancels them")

    asyncio.run(run())
    with sample_catalog.unit_of_work(readonly=True) as uow:
        reprinted = uow.session.scalars(select(Event.actor).where(Event.kind == "shipment.reprinted")).all()
    assert reprinted == ["paul"]


@pytest.mark.parametrize("size", SIZES)
def test_a_short_picked_item_names_the_short(
    sample_catalog: Database, layout: Layout, tmp_path: Path, spool_config: Config, size: tuple[int, int]
) -> None:
    people = add_users(sample_catalog)
    totes = short_approved(sample_catalog, layout, tmp_path, people, "P-5")
    app = build_app(spool_config, sample_catalog, station="station-1")
    app.bell = lambda: None  # type: ignore[method-assign]

    async def run() -> None:
        async with app.run_test(size=size) as pilot:
            await to_pack_screen(pilot)
            await scan(pilot, totes[0])
            await scan(pilot, GTIN["KETTLE-STEEL-1L"])
            message = text_of(app, "#message")
            assert "this order is short 1 KETTLE-STEEL-1L (approved by sofia)" in message
            assert "already packed" not in message

    asyncio.run(run())


@pytest.mark.parametrize("size", SIZES)
def test_a_same_day_order_that_cannot_go_today_says_so(
    sample_catalog: Database, layout: Layout, tmp_path: Path, spool_config: Config, size: tuple[int, int]
) -> None:
    people = add_users(sample_catalog)
    release(sample_catalog, layout, tmp_path, [("P-6", "MUG-BLU-350", 1)], service="same_day")
    totes = pick_all(sample_catalog, layout, people["pia"])
    app = build_app(courier_gone(spool_config), sample_catalog, station="station-1")
    app.bell = lambda: None  # type: ignore[method-assign]

    async def run() -> None:
        async with app.run_test(size=size) as pilot:
            screen = await to_pack_screen(pilot)
            await scan(pilot, totes[0])
            await scan(pilot, GTIN["MUG-BLU-350"])
            await press(pilot, "f2")
            assert screen.state is not None and screen.state.open_carton is not None
            await weigh(pilot, str(screen.state.open_carton.expected_weight_kg))
            assert "NOT SAME DAY" in text_of(app, "#message")
            assert any("NOT SAME DAY" in r for r in screen_rows(app))  # on the screen, not below it

    asyncio.run(run())


@pytest.mark.parametrize("size", SIZES)
def test_help_lists_the_keys_with_f1_and_question_mark(
    sample_catalog: Database, spool_config: Config, size: tuple[int, int]
) -> None:
    add_users(sample_catalog)
    app = build_app(spool_config, sample_catalog, station="station-1")
    app.bell = lambda: None  # type: ignore[method-assign]

    async def run() -> None:
        async with app.run_test(size=size) as pilot:
            screen = await to_pack_screen(pilot)
            for key in ("f1", "question_mark"):
                await press(pilot, key)
                assert isinstance(app.screen, PackHelp)
                shown = "\n".join(screen_rows(app))
                for name in ("F2", "F3", "F9", "F7", "F8", "Esc"):
                    assert re.search(rf"^\W*{name}\s", shown, re.MULTILINE), name
                await press(pilot, "escape")
                assert app.screen is screen
            await pilot.press(*"AB?")  # inside a code being typed, "?" is part of the code
            assert app.screen is screen and screen.query_one("#scan", ScanCapture).buffer == "AB?"

    asyncio.run(run())


# --- pictures --------------------------------------------------------------------------------------------------


def _snap_app(db: Database, layout: Layout, tmp_path: Path, spool_config: Config) -> tuple[PickpackApp, list[str]]:
    totes = one_mug(db, layout, tmp_path)
    app = build_app(spool_config, db, station="station-1")
    app.bell = lambda: None  # type: ignore[method-assign]
    return app, totes


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("view", ["screen", "weight", "void", "help"])
def test_pack_pictures(
    snap_compare: SnapCompare,
    sample_catalog: Database,
    layout: Layout,
    tmp_path: Path,
    spool_config: Config,
    size: tuple[int, int],
    view: str,
) -> None:
    """The packing screen with a refusal showing, the weighing dialog after an off weight, the void dialog after
    an empty reason, and the help, at both sizes."""
    app, totes = _snap_app(sample_catalog, layout, tmp_path, spool_config)

    async def get_there(pilot: Pilot[None]) -> None:
        screen = await to_pack_screen(pilot)
        await scan(pilot, totes[0])
        await scan(pilot, GTIN["MUG-BLU-350"])
        if view == "screen":
            await scan(pilot, GTIN["MUG-BLU-350"])  # refused: the message band
            return
        if view == "help":
            await press(pilot, "f1")
            return
        await press(pilot, "f2")
        assert screen.state is not None and screen.state.open_carton is not None
        expected = screen.state.open_carton.expected_weight_kg
        if view == "weight":
            await weigh(pilot, str(expected + Decimal("0.2")))
            for field in pilot.app.screen.query(Input):
                field.cursor_blink = False  # a blinking cursor would make the picture depend on the moment
            await settle(pilot)
            return
        await weigh(pilot, str(expected))
        await press(pilot, "f8", "enter")  # the void dialog, its empty reason refused
        assert isinstance(pilot.app.screen, VoidDialog)
        pilot.app.screen.query_one("#reason", Input).cursor_blink = False
        await settle(pilot)

    assert snap_compare(app, terminal_size=size, run_before=get_there)
