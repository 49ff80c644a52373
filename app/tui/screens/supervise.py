"""The supervisor's live queue: the whole floor on one screen, with the actions to fix it.

Composed by region (``app.tui.widgets``): ``FloorHeader`` (counts and the result band), ``FloorTabs`` (the floor's
tables, search, KPIs), ``FloorStatus`` (the live line), the footer with the keys of the current tab; dialogs ask,
list and confirm. A thread worker waits for changes (``ChangeWatcher``: LISTEN/NOTIFY on PostgreSQL, a
newest-event poll on SQLite), reads one ``FloorSnapshot`` and hands it to the UI thread, which rewrites only the
tables whose rows changed (and runs the last search again, so its results stay live). The actions, the search
and the timeline run in the screen's step worker (``app.tui.steps``): no database work runs on the UI thread.

An action acts on the row chosen on the current tab (the focused table's cursor row), never on a row of another
tab or a first row taken for granted: with none chosen it lists the candidates to choose from. Before it asks
anything it reads the order or batch again and names it by its number, its state and what will happen; its
outcome (or refusal) is one sentence on the result band above the tables.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.widgets import DataTable, Input, TabbedContent, Tabs

from app.services import orders, supervision
from app.services.errors import ServiceError
from app.services.supervision import FloorSnapshot, Kpis, PickerWork, SearchHit
from app.tui.screens.base import StationScreen
from app.tui.steps import Unavailable, guarded
from app.tui.widgets.dialogs import TimelineDialog
from app.tui.widgets.filtered_footer import FilteredFooter
from app.tui.widgets.floor_status import FloorHeader, FloorStatus
from app.tui.widgets.floor_tables import TABLES_OF, FloorTabs
from app.tui.widgets.supervisor_actions import ACTIONS, Action, Desk, Facts, refusal
from app.tui.widgets.supervisor_asks import ask_dialog, confirm_dialog, fits
from app.tui.widgets.supervisor_dialogs import Choice, ChoiceDialog, HelpDialog
from app.tui.widgets.supervisor_keys import BINDINGS, HELP, holds_of, shown

if TYPE_CHECKING:
    from app.services.orders import OrderDetail

FULL_REFRESH_S = 15.0
"""Re-read the floor at least this often even without changes: ages and time-to-cut-off move with the clock."""

Outcome = tuple[bool, str]
"""What an action's step tells the supervisor: (ok, message)."""
BUSY = "The database is busy or unreachable; nothing was recorded ({}). Try again in a moment."


@dataclass(frozen=True)
class Prepared:
    """What an action needs before it asks: the facts of its row, and for a reassignment who may take it."""

    facts: Facts
    pickers: tuple[PickerWork, ...] = ()


class SuperviseScreen(StationScreen):
    BINDINGS = BINDINGS  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.snapshot: FloorSnapshot | None = None
        self.applied: list[tuple[int, float]] = []
        """(change marker, time.time()) of each snapshot shown: staleness is measured from these."""
        self.search_text = ""
        self._before_search = "floor"
        self._stop = False

    def compose(self) -> ComposeResult:
        yield FloorHeader()
        yield FloorTabs()
        yield FloorStatus()
        yield FilteredFooter(self._footer_shows, compact=True)

    @property
    def tabs(self) -> FloorTabs:
        return self.query_one(FloorTabs)

    def on_mount(self) -> None:
        self.query_one(Tabs).focus()
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
        if self.search_text:
            self.search_again(self.search_text)

    def show_kpis(self, k: Kpis) -> None:
        if self._stop or not self.is_mounted:
            return
        self.tabs.show_kpis(k)

    # --- tabs, footer, help -----------------------------------------------------------------------
    def _footer_shows(self, action: str) -> bool:
        return shown(action, self.tabs.current, holds_of(self.focused))

    @on(TabbedContent.TabActivated)
    def tab_changed(self) -> None:
        self.refresh_bindings()

    def on_descendant_focus(self) -> None:
        self.refresh_bindings()

    def action_tab(self, pane_id: str) -> None:
        self.tabs.show_tab(pane_id)
        if pane_id == "search-tab" and not self.search_text:
            self.tabs.open_search()
            return
        self.query_one(Tabs).focus()  # no row is chosen until the supervisor moves into a list

    def action_into_list(self) -> None:
        """↓ from the tab bar or the search field: into the current tab's first list that has rows."""
        for table_id in TABLES_OF.get(self.tabs.current, ()):
            table = self.query_one(f"#{table_id}", DataTable)
            if table.row_count:
                table.focus()
                return

    def action_help(self) -> None:
        self.app.push_screen(HelpDialog("Supervisor keys", HELP))

    # --- choosing the row an action is about ------------------------------------------------------
    def _target(self, action_name: str, target: str, then: Callable[[str], None]) -> None:
        """The chosen row's id on the current tab, else a list of candidates to choose from (never a guess)."""
        prefix = f"{target}:"
        chosen = self.tabs.chosen(prefix, self.focused)
        if chosen is not None:
            then(chosen)
            return
        rows = self.tabs.candidates(prefix, lambda r: fits(action_name, r))
        verb = ACTIONS[action_name].verb if action_name in ACTIONS else "Timeline"
        if not rows:
            self.flash(f"{verb}: there is no {target} it applies to on the floor right now.", False)
            return
        columns = ("Order", "State", "Detail") if target == "order" else ("Batch", "Status", "Picker", "Progress")
        dialog = ChoiceDialog(
            f"{verb}: which {target}?",
            columns,
            [Choice(r.key, r.cells) for r in rows[:200]],
            details=[f"No {target} row is chosen on this tab; choose one here."],
        )

        def answered(key: str | None) -> None:
            if key is not None:
                self._point_at(key)
                then(key[len(prefix) :])

        self.ask(dialog, answered)

    def _point_at(self, key: str) -> None:
        """Put the current tab's cursor on the row chosen in a list, so the next key acts on it too."""
        for table_id in TABLES_OF.get(self.tabs.current, ()):
            table = self.query_one(f"#{table_id}", DataTable)
            try:
                index = table.get_row_index(key)
            except Exception:  # the row is not in this table (RowDoesNotExist)
                continue
            table.move_cursor(row=index)
            table.focus()
            return

    # --- running an action: read, ask, confirm, run; the outcome on the result band -----------------
    def action_act(self, name: str) -> None:
        action = ACTIONS[name]
        if action.target == "wave":
            self._prepared(action, Prepared(None))
            return
        self._target(name, action.target, lambda target_id: self._read(action, target_id))

    def _read(self, action: Action, target_id: str) -> None:
        db, config = self.pp.db, self.pp.config

        def read() -> Prepared | str | Unavailable:
            def facts() -> Prepared:
                if action.target == "order":
                    return Prepared(supervision.order_facts(db, config, target_id))
                batch = supervision.batch_facts(db, int(target_id))
                return Prepared(batch, supervision.pickers_on_shift(db) if action.ask == "picker" else ())

            try:
                return guarded(facts)
            except ServiceError as exc:  # e.g. the order was purged since the table was read
                return refusal(str(exc))

        self.steps.run(read, lambda got: self._prepared(action, got))

    def _prepared(self, action: Action, got: Prepared | str | Unavailable) -> None:
        if isinstance(got, Unavailable):
            self.flash(BUSY.format(got.detail), False)
            return
        if isinstance(got, str):
            self.flash(got, False)
            return
        refused = action.refuse(got.facts) if got.facts is not None else None
        if refused:
            self.flash(refused, False)
            return
        if action.ask is None:
            self._confirm(action, got.facts, None)
            return
        dialog = ask_dialog(action, got.facts, got.pickers)
        if isinstance(dialog, str):
            self.flash(dialog, False)
            return
        facts = got.facts

        def answered(answer: str | None) -> None:
            if answer is not None:
                self._confirm(action, facts, answer)

        self.ask(dialog, answered)

    def _confirm(self, action: Action, facts: Facts, answer: str | None) -> None:
        if not action.confirm:
            self._run(action, facts, answer)
            return

        def confirmed(ok: bool | None) -> None:
            if ok:
                self._run(action, facts, answer)

        self.ask(confirm_dialog(action, facts, answer), confirmed)

    def _run(self, action: Action, facts: Facts, answer: str | None) -> None:
        user = self.pp.user
        assert user is not None
        desk = Desk(self.pp.db, self.pp.config, self.pp.layout, user, self.pp.station)

        def step() -> Outcome:
            try:
                result = guarded(lambda: action.run(desk, facts, answer))
            except ServiceError as exc:
                return False, refusal(str(exc))
            if isinstance(result, Unavailable):
                return False, BUSY.format(result.detail)
            return True, result

        self.steps.run(step, lambda outcome: self.flash(outcome[1], outcome[0]))

    # --- timeline ---------------------------------------------------------------------------------
    def action_timeline(self) -> None:
        self._target("timeline", "order", self._read_timeline)

    def _read_timeline(self, order_id: str) -> None:
        db, config = self.pp.db, self.pp.config

        def read() -> OrderDetail | str | Unavailable:
            try:
                return guarded(lambda: orders.show_order(db, config, order_id))
            except ServiceError as exc:  # e.g. the order was deleted by a purge since the table was read
                return refusal(str(exc))

        self.steps.run(read, self._show_timeline)

    def _show_timeline(self, detail: OrderDetail | str | Unavailable) -> None:
        if isinstance(detail, Unavailable):
            self.flash(BUSY.format(detail.detail), False)
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

    # --- search: live results, Esc back to the list -----------------------------------------------
    def action_search(self) -> None:
        if self.tabs.current != "search-tab":
            self._before_search = self.tabs.current
        self.tabs.open_search()

    @on(Input.Submitted, "#search")
    def searched(self, event: Input.Submitted) -> None:
        text, db = event.value.strip(), self.pp.db
        self.search_text = text
        self.steps.run(lambda: guarded(lambda: supervision.search(db, text)), lambda hits: self._found(text, hits))

    @work(thread=True, exclusive=True, group="search")
    def search_again(self, text: str) -> None:
        hits = guarded(lambda: supervision.search(self.pp.db, text))
        if not self._stop and self.app.is_running and not isinstance(hits, Unavailable):
            self.app.call_from_thread(self._found, text, hits, True)

    def _found(self, text: str, hits: tuple[SearchHit, ...] | Unavailable, live: bool = False) -> None:
        if self._stop or not self.is_mounted or text != self.search_text:
            return  # a newer search was asked for meanwhile
        if isinstance(hits, Unavailable):
            self.flash(BUSY.format(hits.detail), False)
            return
        self.tabs.show_results(hits, live=live)
        if not live:
            found = f"{len(hits)} found" if hits else "Nothing found"
            self.flash(f"{found} for {text!r}, kept up to date; Esc: back to the list", bool(hits))

    def action_leave(self) -> None:
        """Esc: from the search tab back to the list it was opened from; elsewhere back to the home screen."""
        if self.tabs.current == "search-tab":
            self.tabs.show_tab(self._before_search if self._before_search != "search-tab" else "floor")
            self.query_one(Tabs).focus()
            return
        self._stop = True
        self.leave()
