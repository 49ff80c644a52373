"""The supervisor screen as a supervisor uses it, at a desk terminal (100x32) and a small one (60x20): every
action names the order by its number, its state and what will happen, and acts only on the row chosen on the
tab in view (with none chosen it asks which); outcomes are sentences where the eye is; the footer shows the keys
of the tab, F1 shows them all; tabs have hotkeys; Esc after a search goes back to the list; search results stay
live; lateness reads in days and hours; the status lines never wrap; a picker's home offers no supervisor keys.
"""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import DataTable, Static

from app.config import Config
from app.db.unit_of_work import Database
from app.domain.layout import Layout
from app.services import orders, supervision
from app.services.supervision import actions as supervisor_actions
from app.services.users import get_user
from app.tui.app import PickpackApp, build_app
from app.tui.screens.home import HomeScreen
from app.tui.screens.supervise import SuperviseScreen
from app.tui.widgets.dialogs import AskDialog, ConfirmDialog
from app.tui.widgets.supervisor_dialogs import ChoiceDialog, HelpDialog
from tests.conftest import cached_step
from tests.tui.conftest import open_queue, scan
from tests.tui.hostile import screen_text
from tests.tui.scanner import settle
from tests.tui.supervisor_floor import seed_floor

DESK = (100, 32)
SMALL = (60, 20)
SIZES = pytest.mark.parametrize("size", [DESK, SMALL], ids=["100x32", "60x20"])


@pytest.fixture
def floor(request: pytest.FixtureRequest, terminal_db: Database, layout: Layout, tmp_path: Path) -> Database:
    cached_step(request, terminal_db, "supervisor-floor", lambda: seed_floor(terminal_db, layout, tmp_path))
    return terminal_db


def run(app: PickpackApp, size: tuple[int, int], script) -> None:  # type: ignore[no-untyped-def]
    async def go() -> None:
        async with app.run_test(size=size) as pilot:
            screen = await open_queue(pilot)
            await settle(pilot)
            await script(pilot, screen)

    asyncio.run(go())


async def choose(pilot: Pilot[None], screen: SuperviseScreen, table_id: str, first_cell: str) -> None:
    """Move into a list and put the cursor on the row whose first cell is ``first_cell`` (as ↓ would)."""
    table = screen.query_one(f"#{table_id}", DataTable)
    table.focus()
    rows = [str(table.get_row_at(i)[0]) for i in range(table.row_count)]
    table.move_cursor(row=rows.index(first_cell))
    await settle(pilot)


def choices(app: PickpackApp) -> list[str]:
    table = app.screen.query_one("#choices", DataTable)
    return [" | ".join(str(c) for c in table.get_row_at(i)) for i in range(table.row_count)]


def band(app: PickpackApp) -> str:
    return str(app.screen.query_one("#message", Static).render())


async def keys(pilot: Pilot[None], *pressed: str) -> None:
    await pilot.press(*pressed)
    await settle(pilot)


def drawn(app: PickpackApp) -> str:
    """What the terminal shows, lines joined with one space (a sentence wrapped at a space reads whole)."""
    shown = " ".join(line.strip(" █▌▐▋▊") for line in screen_text(app).splitlines())
    return re.sub(r"\s+", " ", shown)


def visible(app: PickpackApp, text: str) -> bool:
    """``text`` is drawn on the terminal (wrapped or not)."""
    return re.sub(r"\s+", " ", text) in drawn(app)


async def take(pilot: Pilot[None], app: PickpackApp, name: str) -> None:
    """In a list dialog, move down to the row that starts with ``name`` and take it (↓ and Enter)."""
    for _ in range(len(choices(app))):
        table = app.screen.query_one("#choices", DataTable)
        if str(table.get_row_at(table.cursor_row)[0]) == name:
            break
        await keys(pilot, "down")
    await keys(pilot, "enter")


@SIZES
def test_an_action_never_takes_a_row_from_another_tab(config: Config, floor: Database, size: tuple[int, int]) -> None:
    app = build_app(config, floor, station="sup-1")

    async def script(pilot: Pilot[None], screen: SuperviseScreen) -> None:
        await choose(pilot, screen, "risk", "#D1013")  # chosen on Floor ...
        await keys(pilot, "2")  # ... then the Exceptions tab, with no row chosen there
        await keys(pilot, "h")
        assert isinstance(app.screen, ChoiceDialog)  # it asks which, listing this tab's orders only
        listed = choices(app)
        assert any("#D1011" in r for r in listed) and any("#D1014" in r for r in listed)
        assert not any("#D1013" in r for r in listed)
        await keys(pilot, "escape")
        await keys(pilot, "a")  # approve short: only the short picks are offered
        assert isinstance(app.screen, ChoiceDialog)
        assert [r.split(" | ")[0] for r in choices(app)] == ["#D1011"]
        await keys(pilot, "escape")
        assert isinstance(app.screen, SuperviseScreen)

    run(app, size, script)


@SIZES
def test_with_no_row_chosen_it_asks_which(config: Config, floor: Database, size: tuple[int, int]) -> None:
    app = build_app(config, floor, station="sup-1")

    async def script(pilot: Pilot[None], screen: SuperviseScreen) -> None:
        await keys(pilot, "b")  # on Floor, nothing chosen: never the first row
        assert isinstance(app.screen, ChoiceDialog)
        assert "Free batch: which batch?" in screen_text(app)
        listed = choices(app)
        assert len(listed) == 2 and all(r.startswith("Batch ") for r in listed)
        await keys(pilot, "down", "enter")  # the ready batch: refused at once, in a sentence
        assert isinstance(app.screen, SuperviseScreen)
        assert re.fullmatch(r"Batch \d+ is ready: nobody is picking it, so there is nothing to free\.", band(app))
        assert visible(app, band(app))

    run(app, size, script)


@SIZES
def test_confirmation_names_the_order_its_state_and_the_effect(
    config: Config, floor: Database, size: tuple[int, int]
) -> None:
    app = build_app(config, floor, station="sup-1")

    async def script(pilot: Pilot[None], screen: SuperviseScreen) -> None:
        await choose(pilot, screen, "risk", "#D1013")
        await keys(pilot, "h")
        assert isinstance(app.screen, AskDialog)
        assert visible(app, "Hold order #D1013: why?") and visible(app, "Order #D1013 is released")
        await keys(pilot, *"address check", "enter")
        assert isinstance(app.screen, ConfirmDialog)
        assert visible(app, "Hold order #D1013?")
        assert visible(app, "Order #D1013 is released (standard, ship by 2026-12-01).")
        assert visible(app, "It stays out of picking and packing until released (r). Reason: address check")
        assert not re.search(r"order \d+\b", screen_text(app))  # never a database id
        await keys(pilot, "y")
        said = "Order #D1013 is on hold: it stays out of picking and packing until you release it (r)."
        assert band(app) == said and visible(app, said)
        await keys(pilot, "h")  # again: refused at once, saying why and what to do
        assert band(app).startswith("Order #D1013 is already on hold (address check); r releases it.")
        await keys(pilot, "r", "y")
        assert band(app).startswith("Order #D1013 is released from hold")

    run(app, size, script)


@SIZES
def test_reassign_names_the_batch_and_lists_signed_in_pickers(
    config: Config, floor: Database, size: tuple[int, int]
) -> None:
    app = build_app(config, floor, station="sup-1")

    async def script(pilot: Pilot[None], screen: SuperviseScreen) -> None:
        await choose(pilot, screen, "pickers", "pia")  # a picker's row stands for their batch
        await keys(pilot, "n")
        assert isinstance(app.screen, ChoiceDialog)
        assert re.search(r"Give batch \d+ \(picking by pia, 2 orders, 1 of 2 stops done\) to which", drawn(app))
        listed = choices(app)
        assert listed[0] == "pete | picker | free: no batch in hand"
        assert re.fullmatch(r"pia \| picker \| picking batch \d+: 1 of 2 stops done.*", listed[1])
        assert not any(r.startswith(("paul", "sofia")) for r in listed)  # a packer cannot pick; sofia holds nothing
        await take(pilot, app, "pia")  # pia already holds it: the refusal is where the eye is
        assert isinstance(app.screen, ConfirmDialog)
        await keys(pilot, "y")
        assert re.fullmatch(r"Not done: pia already holds batch \d+\.", band(app)) and visible(app, band(app))
        await keys(pilot, "n")
        await take(pilot, app, "pete")
        assert isinstance(app.screen, ConfirmDialog)
        assert visible(app, "pete goes on at the next open stop with the same counts.")
        await keys(pilot, "y")
        assert re.fullmatch(
            r"Batch \d+ is pete's now: they go on at the next open stop with the same counts\.", band(app)
        )
        await choose(pilot, screen, "batches", next(str(c[0]) for c in rows(screen, "batches") if str(c[1]) == "ready"))
        await keys(pilot, "n")  # the ready batch to pete, who is picking one already
        await take(pilot, app, "pete")
        await keys(pilot, "y")
        assert re.fullmatch(r"Not done: pete is already picking batch \d+\.", band(app)) and visible(app, band(app))

    run(app, size, script)


def rows(screen: SuperviseScreen, table_id: str) -> list[tuple[object, ...]]:
    table = screen.query_one(f"#{table_id}", DataTable)
    return [tuple(table.get_row_at(i)) for i in range(table.row_count)]


@SIZES
def test_priority_shows_the_order_its_score_and_parts(config: Config, floor: Database, size: tuple[int, int]) -> None:
    app = build_app(config, floor, station="sup-1")
    before = orders.show_order(floor, config, "#D1013").summary.priority

    async def script(pilot: Pilot[None], screen: SuperviseScreen) -> None:
        await choose(pilot, screen, "risk", "#D1013")
        await keys(pilot, "p")
        assert isinstance(app.screen, AskDialog)
        text = screen_text(app)
        assert "Priority of order #D1013" in text
        assert f"Priority now {before:g} (computed from its facts)" in text
        assert re.search(r"[+-]\d+(\.\d+)?\s+\w+: ", text)  # a part: points, name, why
        await keys(pilot, *"999", "enter")
        assert band(app) == f"Order #D1013: priority pinned at 999 (was {before:g}); picking follows it."

    run(app, size, script)


@SIZES
def test_footer_shows_the_tabs_keys_and_f1_lists_them_all(
    config: Config, floor: Database, size: tuple[int, int]
) -> None:
    app = build_app(config, floor, station="sup-1")

    def footer() -> str:
        return screen_text(app).splitlines()[-1]

    async def script(pilot: Pilot[None], screen: SuperviseScreen) -> None:
        assert footer().startswith("F1 Help")
        assert "Hold" in footer() and "Reassign" not in footer() and "Approve" not in footer()
        await choose(pilot, screen, "batches", str(rows(screen, "batches")[0][0]))
        assert "Free batch" in footer() and "Reassign" in footer() and "Hold" not in footer()
        if size == DESK:
            assert "Wave" in footer() and "Esc Back" in footer()  # nothing cut at a desk
        await keys(pilot, "2")
        assert "Approve short" in footer() or size == SMALL
        for key in ("f1", "question_mark"):
            await keys(pilot, key)
            assert isinstance(app.screen, HelpDialog)
            listed = drawn(app) + str(app.screen.query_one("#keys Static", Static).render())
            for word in ("reassign", "approve a short", "wave", "timeline", "Esc"):
                assert word in listed
            await keys(pilot, "escape")
            assert app.screen is screen

    run(app, size, script)


@SIZES
def test_tabs_have_hotkeys(config: Config, floor: Database, size: tuple[int, int]) -> None:
    app = build_app(config, floor, station="sup-1")

    async def script(pilot: Pilot[None], screen: SuperviseScreen) -> None:
        for key, tab in (("2", "exceptions-tab"), ("4", "kpis-tab"), ("3", "search-tab"), ("1", "floor")):
            await keys(pilot, key) if key != "1" else await keys(pilot, "escape", "1")
            assert screen.tabs.current == tab
        assert "1 Floor" in screen_text(app) and "4 KPIs" in screen_text(app)

    run(app, size, script)


@SIZES
def test_search_results_stay_live_and_esc_returns_to_the_list(
    config: Config, floor: Database, size: tuple[int, int]
) -> None:
    app = build_app(config, floor, station="sup-1")

    async def script(pilot: Pilot[None], screen: SuperviseScreen) -> None:
        await keys(pilot, "2", "slash", *"#D1013", "enter")
        assert [str(r[1]) for r in rows(screen, "results")] == ["#D1013"]
        assert str(rows(screen, "results")[0][2]) == "released"
        adam = get_user(floor, "adam")
        supervisor_actions.hold(floor, config, adam, "#D1013", "customer called", terminal="office")  # elsewhere
        for _ in range(200):
            await pilot.pause(0.05)
            if str(rows(screen, "results")[0][2]) == "on hold":
                break
        assert str(rows(screen, "results")[0][2]) == "on hold"  # without searching again
        await keys(pilot, "escape")
        assert app.screen is screen and screen.tabs.current == "exceptions-tab"  # back to the list it came from
        await keys(pilot, "escape")
        assert isinstance(app.screen, HomeScreen)

    run(app, size, script)


@SIZES
def test_lateness_reads_in_days_and_hours_and_status_lines_never_wrap(
    config: Config, floor: Database, size: tuple[int, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    from dataclasses import replace
    from datetime import UTC, datetime

    read = supervision.floor_snapshot
    ten_days_late = datetime(2026, 12, 12, 16, 0, tzinfo=UTC)

    def later(*args: object, **kwargs: object) -> supervision.FloorSnapshot:
        snapshot = read(*args, now=ten_days_late, **kwargs)  # type: ignore[arg-type]
        counts = {f"{k}_with_a_long_name_{i}": 9999 for i, k in enumerate(snapshot.counts)}  # far wider than 60
        return replace(snapshot, counts=counts)

    monkeypatch.setattr(supervision, "floor_snapshot", later)
    app = build_app(config, floor, station="sup-1")

    async def script(pilot: Pilot[None], screen: SuperviseScreen) -> None:
        left = {str(r[4]) for r in rows(screen, "risk")}
        assert all(re.fullmatch(r"late \d+ d \d+ h|late \d+ d", cell) for cell in left), left
        assert not re.search(r"-\d+ min", screen_text(app))
        for line_id in ("#counts", "#live"):
            assert screen.query_one(line_id, Static).region.height == 1
        lines = screen_text(app).splitlines()
        assert lines[1].rstrip().endswith("…")  # the counts line is cut, not wrapped
        assert lines[-2].strip().startswith("live · read")

    run(app, size, script)


@SIZES
def test_a_pickers_home_offers_no_keys_of_other_roles(config: Config, floor: Database, size: tuple[int, int]) -> None:
    app = build_app(config, floor, station="hh-1")
    rings: list[int] = []
    app.bell = lambda: rings.append(1)  # type: ignore[method-assign]

    async def go() -> None:
        async with app.run_test(size=size) as pilot:
            await scan(pilot, "BADGE-PETE")
            await settle(pilot)
            footer = screen_text(app).splitlines()[-1]
            assert "Pick" in footer and "Stock" in footer
            assert "Pack" not in footer and "Supervise" not in footer
            await keys(pilot, "v")  # still refused with words, not only a bell
            assert isinstance(app.screen, HomeScreen) and rings == [1]
            assert visible(app, "pete is signed in as a picker: the live queue is not for this role.")

    asyncio.run(go())
