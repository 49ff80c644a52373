"""Sign-in: scan a badge, or type name and PIN. A badge scanned into the name field works too. A supervisor's or
admin's badge alone does not sign in: the screen fills in their name and asks for their PIN.

Every sign-in goes through the screen's serial step queue (``app.tui.steps``), like every other screen: the call
runs in a thread worker, a busy database is retried (the message line says so), and a scan or PIN that arrives
meanwhile waits its turn. A sign-in that waited while an earlier one succeeded is dropped: a badge scanned twice
quickly signs in once.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Button, Footer, Input, Static
from textual.worker import Worker

from app.services.errors import ServiceError
from app.services.users import PinNeeded, UserView, sign_in_with_badge, sign_in_with_pin
from app.tui.literal import literal
from app.tui.steps import Steps, Unavailable, guarded
from app.tui.widgets.scan_capture import ScanCapture

if TYPE_CHECKING:
    from app.tui.app import PickpackApp

Outcome = UserView | PinNeeded | ServiceError | Unavailable
"""What one sign-in attempt came back with: the user, a question for the PIN, a refusal, or a database that
stayed busy or is down."""


class SignInScreen(Screen[None]):
    BINDINGS = [("f2", "focus_scan", "Scan badge"), ("f3", "focus_pin", "Type name + PIN")]

    def __init__(self) -> None:
        super().__init__()
        self.steps = Steps(self, group="steps")
        """Sign-in attempts, one at a time in input order, off the UI thread."""

    @property
    def pp(self) -> PickpackApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        yield Static("pickpack · sign in", classes="title")
        yield Static("", id="message", classes="hidden")
        yield ScanCapture("Badge", suffix=self.pp.config.terminal.scanner_suffix, id="badge")
        yield Static("Scan your badge, or type your name and PIN:", classes="hint")
        with Vertical(id="pin-form"):
            yield Input(placeholder="name", id="name")
            yield Input(placeholder="PIN", password=True, id="pin")
            yield Button("Sign in", id="sign-in", variant="primary")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#badge", ScanCapture).focus()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """A sign-in's worker finished: its outcome is drawn here, on the UI thread, and the next one starts."""
        if self.steps.worker_changed(event):
            event.stop()

    def on_unmount(self) -> None:
        self.steps.close()

    def on_screen_resume(self) -> None:
        self.query_one("#name", Input).value = ""
        self.query_one("#pin", Input).value = ""
        self.query_one("#badge", ScanCapture).focus()

    def action_focus_scan(self) -> None:
        self.query_one("#badge", ScanCapture).focus()

    def action_focus_pin(self) -> None:
        self.query_one("#name", Input).focus()

    def say(self, text: str, ok: bool) -> None:
        """The message line, literally (service messages quote scanned codes and typed names)."""
        message = self.query_one("#message", Static)
        message.update(literal(text))
        message.set_classes("ok" if ok else "error")

    def show_error(self, text: str) -> None:
        self.say(text, False)
        self.app.bell()

    def ask_pin(self, name: str, text: str) -> None:
        """A supervisor's or admin's badge was scanned: the same user must type their PIN (``[security]
        badge_requires_pin_roles``); the name is filled in, the PIN field takes the next keys."""
        self.query_one("#name", Input).value = name
        pin = self.query_one("#pin", Input)
        pin.value = ""
        pin.focus()
        self.say(f"{text}: type the PIN, then Enter", True)

    @on(ScanCapture.Scanned, "#badge")
    def badge_scanned(self, event: ScanCapture.Scanned) -> None:
        self.sign_in(badge=event.code.strip())

    @on(Input.Submitted, "#name")
    def name_submitted(self, event: Input.Submitted) -> None:
        prefix = self.pp.config.terminal.badge_prefix
        if prefix and event.value.upper().startswith(prefix.upper()):
            event.input.value = ""
            self.sign_in(badge=event.value.strip())
        else:
            self.query_one("#pin", Input).focus()

    @on(Input.Submitted, "#pin")
    @on(Button.Pressed, "#sign-in")
    def pin_submitted(self) -> None:
        name = self.query_one("#name", Input).value.strip()
        pin = self.query_one("#pin", Input).value
        if not name or not pin:
            self.steps.ui(lambda: self.show_error("Type your name and PIN"))
            return
        self.sign_in(name=name, pin=pin)

    def sign_in(self, *, badge: str = "", name: str = "", pin: str = "") -> None:
        """Queue one attempt; when its turn comes and somebody already signed in meanwhile, it is dropped."""
        self.steps.ui(lambda: self._attempt(badge, name, pin))

    def _attempt(self, badge: str, name: str, pin: str) -> None:
        if self.pp.user is not None or not self.is_current:
            return  # an earlier scan signed in while this one waited: the screen it was meant for is gone
        self.steps.run(self._work(badge, name, pin), self._answered)

    def _work(self, badge: str, name: str, pin: str) -> Callable[[], Outcome]:
        """The attempt as work for the step's worker thread (built here, on the UI thread)."""
        db, station, security, app, say = self.pp.db, self.pp.station, self.pp.config.security, self.app, self.say

        def retrying(n: int) -> None:
            app.call_from_thread(say, f"Database busy, retrying ({n})", True)

        def attempt() -> UserView:
            if badge:
                return sign_in_with_badge(db, badge, terminal=station, security=security)
            return sign_in_with_pin(db, name, pin, terminal=station, security=security)

        def step() -> Outcome:
            try:
                return guarded(attempt, on_retry=retrying)
            except ServiceError as exc:  # PinNeeded included: a question for the screen, not a failure
                return exc

        return step

    def _answered(self, outcome: Outcome) -> None:
        if isinstance(outcome, PinNeeded):
            self.ask_pin(outcome.name, str(outcome))
        elif isinstance(outcome, ServiceError):
            self.query_one("#pin", Input).value = ""
            self.show_error(str(outcome))
        elif isinstance(outcome, Unavailable):
            self.show_error(f"The database is busy or unreachable; nothing was recorded, try again ({outcome.detail})")
        else:
            self.query_one("#message", Static).set_classes("hidden")
            self.pp.signed_in(outcome)
