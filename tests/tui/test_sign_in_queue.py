"""Sign-in runs on the screen's serial step queue (``app.tui.steps``): a badge scanned twice while the first
sign-in is still running signs in once, and a database that is busy for a moment is retried, not reported."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import select

from app.db.models import Event
from app.services import runtime
from app.tui.app import PickpackApp
from app.tui.screens import sign_in as sign_in_screen
from app.tui.screens.home import HomeScreen
from app.tui.screens.sign_in import SignInScreen
from tests.tui.conftest import scan
from tests.tui.scanner import send_scan, settle

SIZE = (40, 20)


def busy_error() -> runtime.DatabaseUnavailable:
    """What SQLite raises when another connection holds the write lock longer than the busy timeout."""
    return runtime.DatabaseUnavailable("UPDATE users", {}, Exception("database is locked"))


def signed_in_events(app: PickpackApp) -> list[str]:
    with app.db.unit_of_work(readonly=True) as uow:
        return list(uow.session.scalars(select(Event.actor).where(Event.kind == "user.signed_in")))


def wrap_badge_sign_in(monkeypatch: pytest.MonkeyPatch, before: Callable[[int], None]) -> list[str]:
    """Replace the screen's badge sign-in with the real one preceded by ``before(n)`` (n = 1 for the first call)."""
    calls: list[str] = []
    real = sign_in_screen.sign_in_with_badge

    def wrapped(db: Any, badge: str, **kwargs: Any) -> Any:
        calls.append(badge)
        before(len(calls))
        return real(db, badge, **kwargs)

    monkeypatch.setattr(sign_in_screen, "sign_in_with_badge", wrapped)
    return calls


def test_a_badge_scanned_twice_while_signing_in_signs_in_once(
    app: PickpackApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    gate = threading.Event()
    calls = wrap_badge_sign_in(monkeypatch, lambda n: None if n > 1 else assert_waits(gate))

    async def run() -> None:
        async with app.run_test(size=SIZE) as pilot:
            await send_scan(pilot, "BADGE-PIA")  # the first sign-in is held in its worker...
            await send_scan(pilot, "BADGE-PIA")  # ...while the scanner fires again
            assert isinstance(app.screen, SignInScreen) and calls == ["BADGE-PIA"]
            gate.set()
            await settle(pilot)
            assert isinstance(app.screen, HomeScreen)
            assert sum(isinstance(s, HomeScreen) for s in app.screen_stack) == 1
            assert app.user is not None and app.user.name == "pia"

    asyncio.run(run())
    assert calls == ["BADGE-PIA"]
    assert signed_in_events(app) == ["pia"]


def assert_waits(gate: threading.Event) -> None:
    assert gate.wait(30), "the test never opened the gate"


def test_a_badge_and_a_typed_pin_wait_for_the_sign_in_before_them(
    app: PickpackApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A refused badge is still being checked when the person types name and PIN: both are answered, in order."""
    gate = threading.Event()
    wrap_badge_sign_in(monkeypatch, lambda n: assert_waits(gate))

    async def run() -> None:
        async with app.run_test(size=SIZE) as pilot:
            await send_scan(pilot, "BADGE-NOBODY")
            await pilot.press("f3", *"paul", "enter", *"2222", "enter")
            assert app.user is None
            gate.set()
            await settle(pilot)
            assert isinstance(app.screen, HomeScreen) and app.user is not None and app.user.name == "paul"

    asyncio.run(run())
    with app.db.unit_of_work(readonly=True) as uow:
        kinds = list(
            uow.session.scalars(
                select(Event.kind).where(Event.kind.in_(["user.signed_in", "user.sign_in_refused"])).order_by(Event.id)
            )
        )
    assert kinds == ["user.sign_in_refused", "user.signed_in"]


def test_a_busy_database_is_retried_and_the_badge_signs_in(app: PickpackApp, monkeypatch: pytest.MonkeyPatch) -> None:
    def busy_once(n: int) -> None:
        if n == 1:
            raise busy_error()

    calls = wrap_badge_sign_in(monkeypatch, busy_once)

    async def run() -> None:
        async with app.run_test(size=SIZE) as pilot:
            await scan(pilot, "BADGE-PIA")
            assert isinstance(app.screen, HomeScreen)
            assert app.user is not None and app.user.name == "pia"
            assert not app.failures

    asyncio.run(run())
    assert calls == ["BADGE-PIA", "BADGE-PIA"]
    assert signed_in_events(app) == ["pia"]


def test_a_database_that_stays_busy_is_reported_on_the_sign_in_screen(
    app: PickpackApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    def always_busy(n: int) -> None:
        raise busy_error()

    calls = wrap_badge_sign_in(monkeypatch, always_busy)

    async def run() -> None:
        async with app.run_test(size=SIZE) as pilot:
            await scan(pilot, "BADGE-PIA")
            assert isinstance(app.screen, SignInScreen) and app.user is None
            message = app.screen.query_one("#message")
            assert "database is busy or unreachable" in str(message.render())
            assert message.has_class("error")

    asyncio.run(run())
    assert len(calls) > 1
    assert signed_in_events(app) == []
