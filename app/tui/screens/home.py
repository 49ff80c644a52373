"""Home: what the signed-in user's role allows, as large buttons with one-key shortcuts."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Button, Static
from textual.worker import Worker

from app.services.errors import ServiceError
from app.services.users import UserView
from app.tui.literal import literal
from app.tui.steps import Steps, Unavailable, guarded
from app.tui.widgets.filtered_footer import FilteredFooter

if TYPE_CHECKING:
    from app.services.picking import PickState
    from app.tui.app import PickpackApp

MENU: tuple[tuple[str, str, str], ...] = (
    ("pick", "[P] Start picking", "p"),
    ("pack", "[K] Pack orders", "k"),
    ("stock", "[S] Stock lookup", "s"),
    ("supervise", "[V] Supervisor: live queue", "v"),
)
"""(activity, label, key) for each screen the terminal offers; shown only when the role allows the activity."""


NOT_FOR = {"pick": "picking", "pack": "packing", "stock": "stock lookup", "supervise": "the live queue"}


class HomeScreen(Screen[None]):
    """The menu; claiming a batch (a transaction) runs in a worker, and keys pressed meanwhile wait their turn."""

    BINDINGS = [
        ("p", "open('pick')", "Pick"),
        ("k", "open('pack')", "Pack"),
        ("v", "open('supervise')", "Supervise"),
        ("s", "open('stock')", "Stock lookup"),
        ("escape", "sign_out", "Sign out"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.steps = Steps(self, group="steps")

    @property
    def pp(self) -> PickpackApp:
        return self.app  # type: ignore[return-value]

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if self.steps.worker_changed(event):
            event.stop()

    def on_unmount(self) -> None:
        self.steps.close()

    def compose(self) -> ComposeResult:
        user = self.pp.user
        assert user is not None
        yield Static(literal(f"pickpack · {user.name} ({user.role})"), classes="title")
        with Vertical(id="menu"):
            for activity, label, _key in MENU:
                if activity in user.activities:
                    yield Button(Content(label), id=f"go-{activity}")
            yield Button(Content("[Esc] Sign out"), id="sign-out", variant="error")
        yield Static(literal(""), id="home-message", classes="hint")
        yield FilteredFooter(self._offers)

    def _offers(self, action: str) -> bool:
        """The footer offers only what the signed-in role may open (a picker sees no Pack or Supervise key)."""
        user = self.pp.user
        if not action.startswith("open("):
            return True
        activity = action[len("open(") :].strip("')\"")
        return user is not None and activity in user.activities

    def on_mount(self) -> None:
        buttons = self.query(Button)
        if buttons:
            buttons.first().focus()

    @on(Button.Pressed)
    def pressed(self, event: Button.Pressed) -> None:
        button_id = event.button.id or ""
        if button_id == "sign-out":
            self.action_sign_out()
        elif button_id.startswith("go-"):
            self.action_open(button_id[3:])

    def action_open(self, activity: str) -> None:
        self.steps.ui(lambda: self._open(activity))

    def _open(self, activity: str) -> None:
        user = self.pp.user
        if user is None:
            return
        if activity not in user.activities:
            self.app.bell()
            message = self.query_one("#home-message", Static)
            message.update(
                literal(f"{user.name} is signed in as a {user.role}: {NOT_FOR[activity]} is not for this role.")
            )
            message.set_classes("error")
            return
        if activity == "stock":
            from app.tui.screens.stock_lookup import StockLookupScreen

            self.app.push_screen(StockLookupScreen())
        elif activity == "pick":
            self.start_picking(user)
        elif activity == "supervise":
            from app.tui.screens.supervise import SuperviseScreen

            self.app.push_screen(SuperviseScreen())
        elif activity == "pack":
            from app.tui.screens.pack import PackScreen

            self.app.push_screen(PackScreen())

    def start_picking(self, user: UserView) -> None:
        """Claim the next batch (or the one this picker holds) in a worker, then open the picker screen."""
        from app.services import picking

        db, station = self.pp.db, self.pp.station

        def claim() -> PickState | str | Unavailable | None:
            try:
                return guarded(lambda: picking.claim_batch(db, user, terminal=station))
            except ServiceError as exc:
                return str(exc)

        self.steps.run(claim, self._claimed)

    def _claimed(self, state: PickState | str | Unavailable | None) -> None:
        from app.tui.screens.pick import PickScreen

        message = self.query_one("#home-message", Static)
        if isinstance(state, str):
            self.notify(state, severity="error", markup=False)
            return
        if isinstance(state, Unavailable):
            message.update(literal(f"The database is busy or unreachable; press P again ({state.detail})"))
            self.app.bell()
            return
        if state is None:
            message.update(literal("No batch is waiting for picking right now."))
            self.app.bell()
            return
        message.update(literal(""))
        self.app.push_screen(PickScreen(state))

    def action_sign_out(self) -> None:
        self.steps.ui(self.pp.sign_out)
