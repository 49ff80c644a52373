"""Kiosk mode (``[terminal] kiosk = true``, the default): a station terminal cannot be closed from the keyboard,
the command palette or an ``app.quit`` action; the worker can only sign out. With kiosk off, Quit works."""

from __future__ import annotations

import asyncio
from dataclasses import replace

from textual.command import CommandPalette

from app.config import Config
from app.db.unit_of_work import Database
from app.tui.app import KIOSK_REFUSAL, PickpackApp, build_app
from app.tui.screens.home import HomeScreen
from app.tui.screens.sign_in import SignInScreen
from tests.tui.conftest import scan, sign_in
from tests.tui.hostile import screen_text
from tests.tui.scanner import settle

SIZE = (80, 24)


def with_kiosk(config: Config, kiosk: bool) -> Config:
    return replace(config, terminal=replace(config.terminal, kiosk=kiosk))


def palette_titles(app: PickpackApp) -> list[str]:
    return [command.title for command in app.get_system_commands(app.screen)]


async def palette_text(pilot) -> str:  # type: ignore[no-untyped-def]
    """What the command palette lists when opened with Ctrl+P and nothing typed."""
    await pilot.press("ctrl+p")
    for _ in range(50):
        await pilot.pause(0.02)
        if isinstance(pilot.app.screen, CommandPalette) and "Theme" in screen_text(pilot.app):
            break
    text = screen_text(pilot.app)
    await pilot.press("escape")
    await settle(pilot)
    return text


def test_kiosk_terminal_offers_no_quit_and_ctrl_q_does_not_close_it(config: Config, terminal_db: Database) -> None:
    app = build_app(with_kiosk(config, True), terminal_db, station="hh-1")

    async def run() -> None:
        async with app.run_test(size=SIZE) as pilot:
            assert "Quit" not in palette_titles(app) and "Theme" in palette_titles(app)
            listed = await palette_text(pilot)
            assert "Theme" in listed and "Quit" not in listed
            await pilot.press("ctrl+q")
            await settle(pilot)
            assert app.is_running and isinstance(app.screen, SignInScreen)
            await pilot.press("ctrl+c")
            await settle(pilot)
            await scan(pilot, "BADGE-PIA")
            assert isinstance(app.screen, HomeScreen)
            await pilot.press("ctrl+q")
            await app.run_action("app.quit")  # what an injected [@click=app.quit] would run
            await settle(pilot)
            assert app.is_running and isinstance(app.screen, HomeScreen)
            assert KIOSK_REFUSAL in [n.message for n in app._notifications]
            await pilot.press("escape")  # signing out is the way to leave
            await settle(pilot)
            assert isinstance(app.screen, SignInScreen) and app.user is None and app.is_running
            assert app.failures == [] and app.return_code is None  # nothing went wrong, nothing asked to exit

    asyncio.run(run())


def test_a_supervisor_signed_in_on_a_kiosk_terminal_can_close_it(config: Config, terminal_db: Database) -> None:
    """Shutting a station down needs no second machine: a supervisor (badge and PIN) may quit; a picker may not."""
    app = build_app(with_kiosk(config, True), terminal_db, station="hh-1")

    async def run() -> None:
        async with app.run_test(size=SIZE) as pilot:
            await sign_in(pilot, "BADGE-SOFIA")
            assert isinstance(app.screen, HomeScreen) and app.user is not None and app.user.name == "sofia"
            assert "Quit" in palette_titles(app)
            await pilot.press("ctrl+q")
            await settle(pilot)
            assert not app.is_running

    asyncio.run(run())
    assert app.return_code == 0


def test_desk_terminal_quits_with_ctrl_q(config: Config, terminal_db: Database) -> None:
    app = build_app(with_kiosk(config, False), terminal_db, station="desk-1")

    async def run() -> None:
        async with app.run_test(size=SIZE) as pilot:
            assert "Quit" in palette_titles(app)
            assert "Quit" in await palette_text(pilot)
            await pilot.press("ctrl+q")
            await settle(pilot)
            assert not app.is_running

    asyncio.run(run())
    assert app.return_code == 0
