"""The pickpack terminal: one Textual app for handhelds and packing stations; screens call services only."""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping
from functools import cached_property
from pathlib import Path
from typing import Any

from textual.actions import ActionParseResult
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.dom import DOMNode
from textual.notifications import SeverityLevel
from textual.screen import Screen

from app.bootstrap import load_layout
from app.config import Config
from app.domain.layout import Layout
from app.domain.roles import SUPERVISORS
from app.services.runtime import Database, with_busy_retry
from app.services.users import UserView
from app.tui.failures import Failure, record_failure
from app.tui.literal import literal, visible
from app.tui.screens.sign_in import SignInScreen

KIOSK_REFUSAL = (
    "This is a station terminal: it stays open. Sign out with Esc on the home screen; a supervisor signed in here "
    "can close it."
)
FAILURE_STORM = (5, 30.0)
"""More than this many unexpected errors within this many seconds: recovering is not working, so the app closes
(still with the short message, never a traceback) instead of looping."""


class PickpackApp(App[None]):
    """Holds the session state (who is signed in, at which station); screens do the work."""

    CSS_PATH = Path(__file__).with_name("app.tcss")
    TITLE = "pickpack"
    BINDINGS = [Binding("ctrl+q", "quit", "Quit", show=False, priority=True)]

    def __init__(self, config: Config, db: Database, *, station: str) -> None:
        super().__init__()
        self.config = config
        self.db = db
        self.station = station
        self.user: UserView | None = None
        self.sub_title = station
        self.scan_latencies_ms: list[float] = []
        """Scan-to-refreshed-screen times of the picker screen, from the scan field to the next refresh (the bench
        measures from the key's arrival at the app to the repaint written out: ``app.tui.bench``)."""
        self.failures: list[Failure] = []
        """Unexpected errors this session recovered from (each logged with its traceback in the data folder)."""
        self._failure_times: list[float] = []
        self._giving_up = False

    @property
    def kiosk(self) -> bool:
        """A station terminal (``[terminal] kiosk``): a worker cannot close the app, only sign out.

        A signed-in supervisor or admin may close it (their sign-in always took a PIN: ``[security]
        badge_requires_pin_roles``), so shutting a terminal down never needs another machine.
        """
        if not self.config.terminal.kiosk:
            return False
        return self.user is None or self.user.role not in SUPERVISORS

    @cached_property
    def layout(self) -> Layout:
        return load_layout(self.config)

    def on_mount(self) -> None:
        self.theme = "textual-dark"
        self.push_screen(SignInScreen())

    def signed_in(self, user: UserView) -> None:
        from app.tui.screens.home import HomeScreen

        self.user = user
        self.sub_title = visible(f"{user.name} ({user.role}) @ {self.station}", keep_newlines=False)
        self.push_screen(HomeScreen())

    def sign_out(self) -> None:
        """Back to sign-in at once; the sign-out is recorded in a worker (a transaction, maybe a busy database)."""
        from app.services.users import sign_out

        user, db, station = self.user, self.db, self.station
        if user is not None:
            self.run_worker(
                lambda: with_busy_retry(lambda: sign_out(db, user, terminal=station)), thread=True, group="sign-out"
            )
        self.user = None
        self.sub_title = self.station
        while len(self.screen_stack) > 2:
            self.pop_screen()
        if not isinstance(self.screen, SignInScreen):
            self.pop_screen()

    # --- outside text is shown literally ------------------------------------------------------------
    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = True,
    ) -> None:
        """Every notification is plain text: messages quote scanned codes and names, which are outside data.

        ``markup`` is accepted (Textual's own callers pass it) and ignored, so no caller can forget it.
        """
        super().notify(visible(message), title=visible(title), severity=severity, timeout=timeout, markup=False)

    # --- kiosk mode -------------------------------------------------------------------------------
    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        """The command palette without Quit on a station terminal."""
        for command in super().get_system_commands(screen):
            if self.kiosk and command.callback == self.action_quit:
                continue
            yield command

    async def action_quit(self) -> None:
        """Ctrl+Q, the palette, or any ``app.quit`` action: refused on a station terminal (kiosk)."""
        if self.kiosk:
            self.bell()
            self.notify(KIOSK_REFUSAL, severity="warning")
            return
        await super().action_quit()

    def action_help_quit(self) -> None:
        """Ctrl+C: Textual's hint names the quit key, which a station terminal does not have."""
        self.notify(KIOSK_REFUSAL if self.kiosk else "Press Ctrl+Q to quit the app", severity="warning")

    # --- no traceback reaches a worker --------------------------------------------------------------
    async def run_action(
        self,
        action: str | ActionParseResult,
        default_namespace: DOMNode | None = None,
        namespaces: Mapping[str, DOMNode] | None = None,
    ) -> bool:
        """Key bindings and actions run inside the app's own message loop, which Textual ends after an error: an
        action that raises is reported here instead, and the app keeps running."""
        try:
            return await super().run_action(action, default_namespace, namespaces)
        except Exception as error:  # reported to the worker and logged with its traceback
            self.recover(error)
            return True

    def _handle_exception(self, error: Exception) -> None:
        """Textual's one funnel for unhandled errors (message handlers, workers, timers, callbacks, rendering).

        Textual prints the traceback and exits; a station terminal logs it, tells the worker in one line and goes
        back to a safe screen. Errors before the app runs (start-up) or while it closes still end it, with the
        short message instead of a traceback.
        """
        if not self.is_running or self._closing or self._exit_renderables:
            failure = self._log_failure(error)
            self._return_code = 1
            self._exit_renderables.append(literal(failure.message))
            self._close_messages_no_wait()
            return
        self.recover(error)

    def recover(self, error: BaseException) -> Failure:
        """Log ``error``, show the worker the short message and return to the home screen (or sign-in)."""
        failure = self._log_failure(error)
        if self._giving_up:
            return failure
        now = time.monotonic()
        self._failure_times.append(now)
        limit, window = FAILURE_STORM
        if sum(1 for t in self._failure_times if now - t <= window) > limit:
            self._giving_up = True
            self.exit(return_code=1, message=literal(failure.message))
            return failure
        self.bell()
        self.call_later(self._return_to_safe_screen, failure)
        return failure

    def _log_failure(self, error: BaseException) -> Failure:
        context = {"station": self.station, "user": self.user.name if self.user else "-"}
        try:
            context["screen"] = type(self.screen).__name__
        except Exception:  # no screen yet (start-up)
            context["screen"] = "-"
        failure = record_failure(error, self.config.data_dir, context)
        self.failures.append(failure)
        return failure

    def _return_to_safe_screen(self, failure: Failure) -> None:
        """Fresh screens from the bottom: the one whose handler failed may have stopped taking messages."""
        from app.tui.screens.home import HomeScreen

        if self._giving_up:
            return
        try:
            while len(self.screen_stack) > 1:
                self.pop_screen()
            self.push_screen(SignInScreen())
            if self.user is not None:
                self.push_screen(HomeScreen())
            self.notify(failure.message, severity="error", timeout=60)
            self.call_after_refresh(self._show_failure, failure)
        except Exception as error:  # recovering failed too: close with the short message
            self._log_failure(error)
            self._giving_up = True
            self.exit(return_code=1, message=literal(failure.message))

    def _show_failure(self, failure: Failure) -> None:
        """The message also stays on the safe screen (a toast goes away)."""
        for selector in ("#home-message", "#message"):
            for widget in self.screen.query(selector):
                widget.update(literal(failure.message))  # type: ignore[attr-defined]
                widget.set_classes("error")


def build_app(config: Config, db: Database, *, station: str) -> PickpackApp:
    """The one factory used by the CLI and the tests."""
    return PickpackApp(config, db, station=station)
