"""The pickpack terminal: one Textual app for handhelds and packing stations; screens call services only."""

from __future__ import annotations

from functools import cached_property
from pathlib import Path

from textual.app import App
from textual.binding import Binding

from app.bootstrap import load_layout
from app.config import Config
from app.db.unit_of_work import Database
from app.domain.layout import Layout
from app.services.users import UserView
from app.tui.screens.sign_in import SignInScreen


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
        """Scan-to-refreshed-screen times of the picker screen (read by `pickpack bench scan`)."""

    @cached_property
    def layout(self) -> Layout:
        return load_layout(self.config)

    def on_mount(self) -> None:
        self.theme = "textual-dark"
        self.push_screen(SignInScreen())

    def signed_in(self, user: UserView) -> None:
        from app.tui.screens.home import HomeScreen

        self.user = user
        self.sub_title = f"{user.name} ({user.role}) @ {self.station}"
        self.push_screen(HomeScreen())

    def sign_out(self) -> None:
        from app.services.users import sign_out

        if self.user is not None:
            sign_out(self.db, self.user, terminal=self.station)
        self.user = None
        self.sub_title = self.station
        while len(self.screen_stack) > 2:
            self.pop_screen()
        if not isinstance(self.screen, SignInScreen):
            self.pop_screen()


def build_app(config: Config, db: Database, *, station: str) -> PickpackApp:
    """The one factory used by the CLI and the tests."""
    return PickpackApp(config, db, station=station)
