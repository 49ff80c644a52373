"""Pilot helpers: scans are typed as key events exactly as a keyboard-wedge scanner sends them."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from textual.pilot import Pilot

from app.config import Config, load_config
from app.db.unit_of_work import Database
from app.services.demo import DEMO_USERS
from app.services.users import add_user, system_actor
from app.tui.app import PickpackApp, build_app
from app.tui.failures import Failure
from app.tui.screens.sign_in import SignInScreen
from app.tui.screens.supervise import SuperviseScreen
from tests.conftest import cached_step
from tests.tui.scanner import send_scan, settle

ROOT = Path(__file__).resolve().parents[2]
GS = "\x1d"


async def scan(pilot: Pilot, code: str, *, suffix: str = "enter") -> None:
    """A scanner's burst: every key of ``code`` (GS as ctrl+]) and the suffix, queued at once."""
    await send_scan(pilot, code, suffix=suffix)
    await settle(pilot)


async def press_scan(pilot: Pilot, code: str, *, suffix: str = "enter") -> None:
    """The same through Pilot.press, one key at a time (slow, but the exact path of typed keys)."""
    keys = ["ctrl+right_square_bracket" if ch == GS else ch for ch in code]
    await pilot.press(*keys, suffix)
    await settle(pilot)


@pytest.fixture
def config(tmp_path: Path) -> Config:
    """The repository's config.toml with the data folder (spool, error log) in the test's own folder."""
    loaded = load_config(ROOT / "config.toml", env={})
    return replace(loaded, paths=replace(loaded.paths, data_dir=str(tmp_path / "data")))


@pytest.fixture(autouse=True)
def no_unexpected_failures(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The app recovers from unexpected errors instead of failing; a test still fails when one happened, unless
    its module injects them on purpose (``EXPECTS_FAILURES = True``)."""
    seen: list[Failure] = []
    log_failure = PickpackApp._log_failure

    def spy(app: PickpackApp, error: BaseException) -> Failure:
        failure = log_failure(app, error)
        seen.append(failure)
        return failure

    monkeypatch.setattr(PickpackApp, "_log_failure", spy)
    yield
    if not getattr(request.module, "EXPECTS_FAILURES", False):
        assert not seen, f"the terminal recovered from unexpected errors: {[repr(f.error) for f in seen]}"


@pytest.fixture
def terminal_db(request: pytest.FixtureRequest, sample_catalog: Database) -> Database:
    def build() -> None:
        system = system_actor(sample_catalog, "test-terminal")
        for name, role, badge, pin in DEMO_USERS:
            add_user(sample_catalog, name, role, badge, pin, actor=system)

    cached_step(request, sample_catalog, "demo-users", build)
    return sample_catalog


async def sign_in(pilot: Pilot, badge: str) -> None:
    """Scan a badge; a supervisor's or admin's badge also needs the PIN (``[security] badge_requires_pin_roles``),
    typed into the PIN field the screen moves to."""
    await scan(pilot, badge)
    if isinstance(pilot.app.screen, SignInScreen) and pilot.app.screen.focused is pilot.app.screen.query_one("#pin"):
        pin = next(pin for _name, _role, code, pin in DEMO_USERS if code == badge)
        await pilot.press(*pin, "enter")
        await settle(pilot)


@pytest.fixture
def app(config: Config, terminal_db: Database) -> PickpackApp:
    return build_app(config, terminal_db, station="hh-test")


async def open_queue(pilot: Pilot, *, within_s: float = 20.0) -> SuperviseScreen:
    """Sign in as the supervisor sofia and open the live queue; returns once it shows the floor (generous: on a
    busy 2-core machine the first PostgreSQL read can take seconds)."""
    await sign_in(pilot, "BADGE-SOFIA")
    await pilot.press("v")
    deadline = time.monotonic() + within_s
    while time.monotonic() < deadline:
        await pilot.pause(0.02)
        screen = pilot.app.screen
        if isinstance(screen, SuperviseScreen) and screen.applied:
            return screen
    raise AssertionError("the supervisor screen never showed the floor")
