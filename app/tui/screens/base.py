"""What every signed-in screen shares: the typed app, the acting user, and the message line."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.screen import Screen
from textual.widgets import Static

from app.domain.actor import Actor
from app.tui.literal import literal

if TYPE_CHECKING:
    from app.tui.app import PickpackApp


class StationScreen(Screen[None]):
    """A screen used by a signed-in user at a station; it must compose a ``Static`` with id ``message``."""

    @property
    def pp(self) -> PickpackApp:
        return self.app  # type: ignore[return-value]

    @property
    def actor(self) -> Actor:
        """Who is acting, at which station: written on every event this screen causes."""
        user = self.pp.user
        assert user is not None
        return Actor(user.name, self.pp.station, user.id)

    def flash(self, text: str, ok: bool = True) -> None:
        """Show the outcome of the last action: green, or red with the terminal bell.

        ``text`` is shown literally: service messages quote scanned codes and names, which are outside data."""
        message = self.query_one("#message", Static)
        message.update(literal(text))
        message.set_classes("ok" if ok else "error")
        if not ok:
            self.app.bell()
