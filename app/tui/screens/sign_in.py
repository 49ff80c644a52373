"""Sign-in: scan a badge, or type name and PIN. A badge scanned into the name field works too. A supervisor's or
admin's badge alone does not sign in: the screen fills in their name and asks for their PIN."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Button, Footer, Input, Static

from app.services.errors import ServiceError
from app.services.users import PinNeeded, UserView, sign_in_with_badge, sign_in_with_pin
from app.tui.literal import literal
from app.tui.widgets.scan_capture import ScanCapture

if TYPE_CHECKING:
    from app.tui.app import PickpackApp


class SignInScreen(Screen[None]):
    BINDINGS = [("f2", "focus_scan", "Scan badge"), ("f3", "focus_pin", "Type name + PIN")]

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

    def on_screen_resume(self) -> None:
        self.query_one("#name", Input).value = ""
        self.query_one("#pin", Input).value = ""
        self.query_one("#badge", ScanCapture).focus()

    def action_focus_scan(self) -> None:
        self.query_one("#badge", ScanCapture).focus()

    def action_focus_pin(self) -> None:
        self.query_one("#name", Input).focus()

    def show_error(self, text: str) -> None:
        message = self.query_one("#message", Static)
        message.update(literal(text))
        message.set_classes("error")
        self.app.bell()

    def ask_pin(self, name: str, text: str) -> None:
        """A supervisor's or admin's badge was scanned: the same user must type their PIN (``[security]
        badge_requires_pin_roles``); the name is filled in, the PIN field takes the next keys."""
        self.query_one("#name", Input).value = name
        pin = self.query_one("#pin", Input)
        pin.value = ""
        pin.focus()
        message = self.query_one("#message", Static)
        message.update(literal(f"{text}: type the PIN, then Enter"))
        message.set_classes("ok")

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
            self.show_error("Type your name and PIN")
            return
        self.sign_in(name=name, pin=pin)

    @work(thread=True, exclusive=True, group="sign-in")
    def sign_in(self, *, badge: str = "", name: str = "", pin: str = "") -> None:
        security = self.pp.config.security
        try:
            if badge:
                user = sign_in_with_badge(self.pp.db, badge, terminal=self.pp.station, security=security)
            else:
                user = sign_in_with_pin(self.pp.db, name, pin, terminal=self.pp.station, security=security)
        except PinNeeded as question:
            self.app.call_from_thread(self.ask_pin, question.name, str(question))
            return
        except ServiceError as exc:
            self.app.call_from_thread(self._refused, str(exc))
            return
        self.app.call_from_thread(self._accepted, user)

    def _refused(self, text: str) -> None:
        self.query_one("#pin", Input).value = ""
        self.show_error(text)

    def _accepted(self, user: UserView) -> None:
        self.query_one("#message", Static).set_classes("hidden")
        self.pp.signed_in(user)
