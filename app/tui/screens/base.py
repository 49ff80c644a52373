"""What every signed-in screen shares: the typed app, the acting user, the message line, and the serial queue
that runs the screen's blocking work in a thread worker (``app.tui.steps``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

from textual.screen import ModalScreen, Screen
from textual.widgets import Static
from textual.worker import Worker

from app.domain.actor import Actor
from app.tui.literal import literal
from app.tui.steps import Steps

if TYPE_CHECKING:
    from app.tui.app import PickpackApp

T = TypeVar("T")


class StationScreen(Screen[None]):
    """A screen used by a signed-in user at a station; it must compose a ``Static`` with id ``message``."""

    def __init__(self) -> None:
        super().__init__()
        self.steps = Steps(self, group="steps")
        """The screen's database and printer calls, one at a time in input order, off the UI thread."""

    @property
    def pp(self) -> PickpackApp:
        return self.app  # type: ignore[return-value]

    @property
    def actor(self) -> Actor:
        """Who is acting, at which station: written on every event this screen causes."""
        user = self.pp.user
        assert user is not None
        return Actor(user.name, self.pp.station, user.id)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """A step's worker finished: its result is drawn here, on the UI thread, and the next step starts."""
        if self.steps.worker_changed(event):
            event.stop()

    def on_unmount(self) -> None:
        self.steps.close()

    def leave(self) -> None:
        """Back to the screen below; the steps still waiting are dropped (a running one finishes unseen)."""
        self.steps.close()
        self.app.pop_screen()

    def ask(self, dialog: ModalScreen[T], answered: Callable[[T], None]) -> None:
        """Open a dialog; the input that arrives meanwhile waits, and the steps its answer asks for run first."""
        self.steps.pause()
        self.app.push_screen(dialog, lambda answer: self.steps.resume(lambda: answered(answer)))

    def flash(self, text: str, ok: bool = True) -> None:
        """Show the outcome of the last action: green, or red with the terminal bell.

        ``text`` is shown literally: service messages quote scanned codes and names, which are outside data."""
        message = self.query_one("#message", Static)
        message.update(literal(text))
        message.set_classes("ok" if ok else "error")
        if not ok:
            self.app.bell()
