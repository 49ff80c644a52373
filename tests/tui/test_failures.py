"""No traceback reaches a worker: an unexpected error in a key action, a screen's handler or a worker thread is
logged with its traceback in the data folder, the worker reads one line with a reference, and the terminal goes
back to a screen that works (home, or sign-in) instead of closing."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from textual.widgets import Static

from app.config import Config
from app.db.unit_of_work import Database
from app.domain.layout import Layout
from app.services import picking
from app.stations.pick import PickEngine
from app.tui import failures
from app.tui.app import PickpackApp, build_app
from app.tui.screens.home import HomeScreen
from app.tui.screens.pick import PickScreen
from app.tui.screens.sign_in import SignInScreen
from app.tui.screens.stock_lookup import StockLookupScreen
from tests.picking_support import release_orders
from tests.tui.conftest import scan
from tests.tui.scanner import settle

SIZE = (80, 24)
EXPECTS_FAILURES = True
"""Every test here injects an error on purpose (see ``no_unexpected_failures`` in conftest)."""


class Boom(RuntimeError):
    """The injected failure: a bug nobody expected."""


def explode(*_args: object, **_kwargs: object) -> None:
    raise Boom("injected failure 7f3a")


@pytest.fixture
def data_config(config: Config, tmp_path: Path) -> Config:
    assert config.data_dir == tmp_path / "data"  # the conftest's config: the error log lands in the test folder
    return config


def log_text(config: Config) -> str:
    return failures.error_log_path(config.data_dir).read_text(encoding="utf-8")


def assert_reported(app: PickpackApp, config: Config, where: str) -> None:
    """Still running, one failure, its message on the screen, its traceback in the log under its reference."""
    assert app.is_running and app.return_code is None
    assert len(app.failures) == 1
    failure = app.failures[0]
    shown = str(app.screen.query_one(where, Static).render())
    assert "Something went wrong — call your supervisor; your work is saved." in shown
    assert failure.ref in shown
    log = log_text(config)
    assert f"ref {failure.ref}" in log
    assert "Traceback (most recent call last)" in log and "Boom: injected failure 7f3a" in log
    assert "explode" in log  # the frame that raised


def test_a_failing_key_action_returns_home_and_the_terminal_keeps_working(
    data_config: Config, terminal_db: Database, layout: Layout, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    release_orders(terminal_db, layout, tmp_path, [("F-1", "MUG-BLU-350", 1)])
    monkeypatch.setattr(picking, "claim_batch", explode)
    app = build_app(data_config, terminal_db, station="hh-1")

    async def run() -> None:
        async with app.run_test(size=SIZE) as pilot:
            await scan(pilot, "BADGE-PIA")
            await pilot.press("p")  # start picking: the claim raises
            await settle(pilot)
            assert isinstance(app.screen, HomeScreen)
            assert_reported(app, data_config, "#home-message")
            assert "pia" in log_text(data_config) and "hh-1" in log_text(data_config)
            await pilot.press("s")  # the terminal still takes keys
            await settle(pilot)
            assert isinstance(app.screen, StockLookupScreen)

    asyncio.run(run())


def test_a_failing_scan_handler_leaves_the_pick_screen_for_home(
    data_config: Config, terminal_db: Database, layout: Layout, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    release_orders(terminal_db, layout, tmp_path, [("F-1", "MUG-BLU-350", 1)])
    app = build_app(data_config, terminal_db, station="hh-1")

    async def run() -> None:
        async with app.run_test(size=SIZE) as pilot:
            await scan(pilot, "BADGE-PIA")
            await pilot.press("p")
            await settle(pilot)
            assert isinstance(app.screen, PickScreen)
            monkeypatch.setattr(PickEngine, "handle", explode)
            await scan(pilot, "TOTE-0001")  # the screen's scan handler raises inside its message loop
            await settle(pilot)
            assert isinstance(app.screen, HomeScreen)
            assert_reported(app, data_config, "#home-message")
            monkeypatch.undo()
            await pilot.press("p")  # the claimed batch resumes on a fresh pick screen
            await settle(pilot)
            assert isinstance(app.screen, PickScreen)
            await scan(pilot, "TOTE-0001")
            assert app.screen.state.slots[0].tote_code == "TOTE-0001"

    asyncio.run(run())


def test_a_failing_worker_thread_is_reported_and_the_app_stays_up(
    data_config: Config, terminal_db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    from app.tui.screens import stock_lookup

    monkeypatch.setattr(stock_lookup, "lookup", explode)
    app = build_app(data_config, terminal_db, station="hh-1")

    async def run() -> None:
        async with app.run_test(size=SIZE) as pilot:
            await scan(pilot, "BADGE-PIA")
            await pilot.press("s")
            await settle(pilot)
            await scan(pilot, "MUG-BLU-350")  # the lookup worker raises in its thread
            await settle(pilot)
            assert isinstance(app.screen, HomeScreen)
            assert_reported(app, data_config, "#home-message")

    asyncio.run(run())


def test_before_sign_in_the_safe_screen_is_sign_in(
    data_config: Config, terminal_db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    from app.tui.screens import sign_in

    monkeypatch.setattr(sign_in, "sign_in_with_badge", explode)
    app = build_app(data_config, terminal_db, station="hh-1")

    async def run() -> None:
        async with app.run_test(size=SIZE) as pilot:
            await scan(pilot, "BADGE-PIA")
            await settle(pilot)
            assert isinstance(app.screen, SignInScreen) and app.user is None
            assert_reported(app, data_config, "#message")
            monkeypatch.undo()
            await scan(pilot, "BADGE-PIA")  # the fresh sign-in screen works
            assert isinstance(app.screen, HomeScreen)

    asyncio.run(run())


def test_an_unwritable_log_still_gives_the_short_message(
    data_config: Config, terminal_db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    from app.tui.screens import stock_lookup

    data_config.data_dir.mkdir(parents=True)
    (data_config.data_dir / "logs").write_text("a file where the log folder should be")
    monkeypatch.setattr(stock_lookup, "lookup", explode)
    app = build_app(data_config, terminal_db, station="hh-1")

    async def run() -> None:
        async with app.run_test(size=SIZE) as pilot:
            await scan(pilot, "BADGE-PIA")
            await pilot.press("s")
            await scan(pilot, "X")
            await settle(pilot)
            assert isinstance(app.screen, HomeScreen) and app.is_running
            assert app.failures[0].log_path is None
            assert "call your supervisor" in str(app.screen.query_one("#home-message", Static).render())

    asyncio.run(run())


def test_errors_that_keep_coming_close_the_app_with_the_message_not_a_traceback(
    data_config: Config, terminal_db: Database, capsys: pytest.CaptureFixture[str]
) -> None:
    app = build_app(data_config, terminal_db, station="hh-1")

    async def run() -> None:
        async with app.run_test(size=SIZE) as pilot:
            for _ in range(10):
                app.recover(Boom("again"))
            await settle(pilot)

    asyncio.run(run())
    assert app.return_code == 1
    assert len(app.failures) == 10  # every one is logged
    assert log_text(data_config).count("Boom: again") == 10
    printed = capsys.readouterr()
    assert "call your supervisor" in printed.err + printed.out
    assert "Traceback" not in printed.err + printed.out
