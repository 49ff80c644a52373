"""The supervisor's live queue: the whole floor on one screen, with the actions to fix it.

Composed by region (``app.tui.widgets``): ``FloorHeader`` (counts), ``FloorTabs`` (the floor's tables, search,
KPIs), ``FloorStatus`` (message and live lines), the footer as the action bar; dialogs ask and confirm. A thread
worker waits for changes (``ChangeWatcher``: LISTEN/NOTIFY on PostgreSQL, a newest-event poll on SQLite), reads
one ``FloorSnapshot`` and hands it to the UI thread, which rewrites only the tables whose rows changed. The
actions, the search and the timeline run in the screen's step worker (``app.tui.steps``): no database work runs
on the UI thread.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.widgets import Footer, Input

from app.services import orders, supervision
from app.services.errors import ServiceError
from app.services.supervision import FloorSnapshot, Kpis, SearchHit
from app.tui.screens.base import StationScreen
from app.tui.steps import Unavailable, guarded
from app.tui.widgets.dialogs import AskDialog, ConfirmDialog, TimelineDialog
from app.tui.widgets.floor_status import FloorHeader, FloorStatus
from app.tui.widgets.floor_tables import FloorTabs
from app.tui.widgets.supervisor_actions import ACTIONS, SELECT_FIRST, Desk, question

if TYPE_CHECKING:
    from app.services.orders import OrderDetail

FULL_REFRESH_S = 15.0
"""Re-read the floor at least this often even without changes: ages and time-to-cut-off move with the clock."""

Outcome = tuple[bool, str]
"""What an action's step tells the supervisor: (ok, message)."""


class SuperviseScreen(StationScreen):
    BINDINGS = [
        ("t", "timeline", "Timeline"),
        ("h", "act('hold')", "Hold"),
        ("r", "act('release_hold')", "Release"),
        ("c", "act('cancel')", "Cancel"),
        ("p", "act('priority')", "Priority"),
        ("a", "act('approve_short')", "Approve short"),
        ("b", "act('release_batch')", "Free batch"),
        ("n", "act('reassign')", "Reassign"),
        ("w", "act('wave')", "Wave now"),
        ("slash", "search", "Search"),
        ("escape", "leave", "Back"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.snapshot: FloorSnapshot | None = None
        self.applied: list[tuple[int, float]] = []
        """(change marker, time.time()) of each snapshot shown: staleness is measured from these."""
        self._stop = False

    def compose(self) -> ComposeResult:
        yield FloorHeader()
        yield FloorTabs()
        yield FloorStatus()
        yield Footer()

    @property
    def tabs(self) -> FloorTabs:
        return self.query_one(FloorTabs)

    def on_mount(self) -> None:
        self.watch_floor()
        self.load_kpis()

    def on_unmount(self) -> None:
        self._stop = True

    # --- live data --------------------------------------------------------------------------------
    @work(thread=True, exclusive=True, group="live")
    def watch_floor(self) -> None:
        db, config = self.pp.db, self.pp.config
        watcher = supervision.watch_changes(db)
        try:
            last_full = 0.0
            changed = True
            while not self._stop:
                if changed or time.monotonic() - last_full > FULL_REFRESH_S:
                    snapshot = supervision.floor_snapshot(db, config, stuck_minutes=config.supervision.stuck_minutes)
                    last_full = time.monotonic()
                    if self._stop:
                        break
                    try:
                        self.app.call_from_thread(self.apply, snapshot)
                    except RuntimeError:
                        if self.app.is_running:
                            raise
                        break  # the app closed while the floor was being read: nothing to show it on
                changed = watcher.wait(1.0)
        finally:
            watcher.close()

    @work(thread=True, exclusive=True, group="kpis")
    def load_kpis(self) -> None:
        numbers = supervision.kpis(self.pp.db, self.pp.config)
        if not self._stop and self.app.is_running:
            self.app.call_from_thread(self.show_kpis, numbers)

    def apply(self, snapshot: FloorSnapshot) -> None:
        if self._stop or not self.is_mounted:
            return  # the screen was left while the worker read the floor (checked on the UI thread: no race)
        self.snapshot = snapshot
        self.query_one(FloorHeader).show(snapshot)
        self.tabs.show_floor(snapshot)
        self.query_one(FloorStatus).show(snapshot)
        self.applied.append((snapshot.change_marker, time.time()))

    def show_kpis(self, k: Kpis) -> None:
        if self._stop or not self.is_mounted:
            return
        self.tabs.show_kpis(k)

    # --- running an action: in the step worker, its outcome on the message line ------------------------
    def _do(self, what: str, action: Callable[[], object]) -> None:
        def step() -> Outcome:
            try:
                result = guarded(action)
            except ServiceError as exc:
                return False, str(exc)
            if isinstance(result, Unavailable):
                return False, f"The database is busy or unreachable; nothing was recorded ({result.detail})"
            return True, f"{what}: done" if result is None else f"{what}: {result}"

        self.steps.run(step, lambda outcome: self.flash(outcome[1], outcome[0]))

    def action_act(self, name: str) -> None:
        """An action key: select its row, ask (when it asks), confirm (when it confirms), then run it."""
        action = ACTIONS[name]
        target_id = "" if action.target == "wave" else self.tabs.selected(f"{action.target}:", self.focused)
        if target_id is None:
            self.flash(SELECT_FIRST[action.target], False)
            return
        user = self.pp.user
        assert user is not None
        desk = Desk(self.pp.db, self.pp.config, self.pp.layout, user, self.pp.station)

        def go(answer: str | None) -> None:
            self._do(action.verb, lambda: action.run(desk, target_id, answer))

        def confirm_then_go(answer: str | None) -> None:
            if not action.confirm:
                go(answer)
                return

            def confirmed(ok: bool | None) -> None:
                if ok:
                    go(answer)

            self.app.push_screen(ConfirmDialog(question(action, target_id, answer)), confirmed)

        def answered(answer: str | None) -> None:
            if answer is not None:
                confirm_then_go(answer)

        if action.ask:
            self.app.push_screen(AskDialog(action.ask), answered)
        else:
            confirm_then_go(None)

    # --- actions ----------------------------------------------------------------------------------
    def action_timeline(self) -> None:
        order_id = self.tabs.selected("order:", self.focused)
        if order_id is None:
            self.flash("Select an order first", False)
            return
        db, config = self.pp.db, self.pp.config

        def read() -> OrderDetail | str | Unavailable:
            try:
                return guarded(lambda: orders.show_order(db, config, order_id))
            except ServiceError as exc:  # e.g. the order was deleted by a purge since the table was read
                return str(exc)

        self.steps.run(read, self._show_timeline)

    def _show_timeline(self, detail: OrderDetail | str | Unavailable) -> None:
        if isinstance(detail, Unavailable):
            self.flash(f"The database is busy or unreachable ({detail.detail})", False)
            return
        if isinstance(detail, str):
            self.flash(detail, False)
            return
        rows = [
            (
                f"{e.at:%m-%d %H:%M:%S}",
                f"{e.from_status or '-'} -> {e.to_status}" if e.to_status else e.kind,
                e.by,
                e.reason,
            )
            for e in detail.events
        ]
        self.app.push_screen(TimelineDialog(f"Order {detail.summary.number} · {detail.summary.status}", rows))

    def action_search(self) -> None:
        self.tabs.open_search()

    @on(Input.Submitted, "#search")
    def searched(self, event: Input.Submitted) -> None:
        text, db = event.value, self.pp.db
        self.steps.run(lambda: guarded(lambda: supervision.search(db, text)), lambda hits: self._found(text, hits))

    def _found(self, text: str, hits: tuple[SearchHit, ...] | Unavailable) -> None:
        if isinstance(hits, Unavailable):
            self.flash(f"The database is busy or unreachable ({hits.detail})", False)
            return
        self.tabs.show_results(hits)
        if not hits:
            self.flash(f"nothing found for {text!r}", False)

    def action_leave(self) -> None:
        self._stop = True
        self.leave()
