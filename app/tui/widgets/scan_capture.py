"""ScanCapture: takes barcode scans as raw key events, keeping the GS separator that Textual's Input drops.

A scanner is a keyboard wedge: a code arrives as fast keystrokes ending in Enter (or Tab, per config). GS1 data
carries GS (ASCII 29) between variable-length fields, which arrives as ctrl+] and is mapped back to ``\\x1d``.
Pasted text is taken whole (never through ``splitlines()``, which would split at GS). The widget measures how
fast the characters came, so a code typed by hand is marked as typed in the event log.
"""

from __future__ import annotations

import time

from rich.text import Text
from textual import events
from textual.keys import _character_to_key
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget

from app.tui.literal import visible

GS = "\x1d"
TYPED_THRESHOLD_S = 0.08
"""Mean time between keystrokes above which a code counts as typed by hand (scanners send < 20 ms)."""


def key_name(character: str) -> str:
    """Textual's key name for a received character ("-" -> "minus", "/" -> "slash", "a" -> "a"; GS -> ctrl+]).

    The same function Textual's own input driver uses, so a hostile scan (brackets, "@", "/", control or
    unnamed characters) is described by exactly the key events a terminal would send.
    """
    if character == GS:
        return "ctrl+right_square_bracket"
    return _character_to_key(character)


def scanner_keys(code: str, *, suffix: str = "enter") -> list[tuple[str, str | None]]:
    """The (key, character) events a keyboard-wedge scanner sends for ``code``: GS as ctrl+], then the suffix.

    The mirror of ``ScanCapture.on_key``; a benchmark or a test that plays a scanner sends these in one burst.
    """
    keys: list[tuple[str, str | None]] = [(key_name(ch), None if ch == GS else ch) for ch in code]
    keys.append((suffix, "\r" if suffix == "enter" else "\t"))
    return keys


class ScanCapture(Widget, can_focus=True):
    """Shows the code being received and posts ``ScanCapture.Scanned`` when the suffix key arrives."""

    DEFAULT_CSS = """
    ScanCapture {
        height: 3;
        border: tall $accent;
        padding: 0 1;
    }
    ScanCapture:focus {
        border: tall $success;
    }
    """

    buffer: reactive[str] = reactive("", layout=False)
    """Characters received since the last submitted scan."""

    class Scanned(Message):
        """A complete code: ``typed`` is True when it came at human typing speed."""

        def __init__(self, capture: ScanCapture, code: str, typed: bool, received: float = 0.0) -> None:
            super().__init__()
            self.capture = capture
            self.code = code
            self.typed = typed
            self.received = received
            """``time.perf_counter()`` when the suffix key arrived: the start of scan-to-screen latency."""

        @property
        def control(self) -> ScanCapture:
            return self.capture

    def __init__(
        self,
        prompt: str = "Scan",
        *,
        suffix: str = "enter",
        submit_empty: bool = False,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(id=id, classes=classes)
        self.prompt = prompt
        self.suffix = suffix
        self.submit_empty = submit_empty
        """Post an empty line too (a dialog's "press Enter to confirm"); a scan field ignores empty Enters."""
        self._stamps: list[float] = []

    def render(self) -> Text:
        shown = visible(self.buffer, keep_newlines=False)  # a pasted escape or direction override is shown, not sent
        text = Text(f"{self.prompt}: ", style="bold")
        text.append(shown, style="bold reverse" if shown else "")
        if self.has_focus:
            text.append("▌", style="blink")
        return text

    def _submit(self) -> None:
        code = self.buffer
        stamps = self._stamps
        self.buffer = ""
        self._stamps = []
        if not code.strip(" \r\n") and not self.submit_empty:
            return
        typed = len(stamps) < 2 or (stamps[-1] - stamps[0]) / (len(stamps) - 1) > TYPED_THRESHOLD_S
        self.post_message(self.Scanned(self, code, typed, time.perf_counter()))

    def feed(self, character: str) -> None:
        """Append one received character (also used by screens that forward keys from other widgets)."""
        self.buffer += character
        self._stamps.append(time.perf_counter())

    def on_key(self, event: events.Key) -> None:
        submit_keys = ("enter", "tab") if self.suffix == "tab" else ("enter",)
        if event.key in submit_keys:
            event.stop()
            event.prevent_default()
            self._submit()
        elif event.key in ("ctrl+right_square_bracket", "ctrl+]") or event.character == GS:
            event.stop()
            self.feed(GS)
        elif event.key == "backspace":
            event.stop()
            self.buffer = self.buffer[:-1]
            if self._stamps:
                self._stamps.pop()
        elif event.key == "escape" and self.buffer:
            event.stop()
            self.buffer = ""
            self._stamps = []
        elif event.is_printable and event.character:
            event.stop()
            self.feed(event.character)

    def on_paste(self, event: events.Paste) -> None:
        event.stop()
        text = event.text
        ends_with_newline = text.endswith(("\n", "\r"))
        for character in text.rstrip("\r\n"):
            self.feed(character)
        if ends_with_newline:
            self._submit()
