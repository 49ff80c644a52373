"""Textual's footer showing only the keys a screen chooses: the supervisor's keys of the current tab, a home
screen's keys of the signed-in role. A key left out still reaches its action (which may explain a refusal); the
footer just does not offer what makes no sense here."""

from __future__ import annotations

from collections.abc import Callable

from textual.app import ComposeResult
from textual.widgets import Footer
from textual.widgets._footer import FooterKey


class FilteredFooter(Footer):
    """The footer with the keys whose action ``shows(action)`` allows; the screen calls ``refresh_bindings``
    when its choice changes (a tab, the focus)."""

    DEFAULT_CSS = """
    FilteredFooter.-compact FooterLabel {
        margin-right: 1;
    }
    """

    def __init__(self, shows: Callable[[str], bool], *, compact: bool = False) -> None:
        super().__init__(compact=compact)
        self.shows = shows

    def compose(self) -> ComposeResult:
        for widget in super().compose():
            if isinstance(widget, FooterKey) and not self.shows(widget.action):
                continue
            yield widget
