"""The supervisor's live queue: the whole floor on one screen, with the actions to fix it.

A thread worker waits for changes (``ChangeWatcher``: LISTEN/NOTIFY on PostgreSQL, a newest-event poll on
SQLite), reads one ``FloorSnapshot`` and hands it to the UI thread, which rewrites only the tables whose rows
changed. Keys stay responsive because no database work runs on the UI thread except the actions themselves.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Footer, Input, Label, Static, TabbedContent, TabPane
from textual_plotext import PlotextPlot

from app.services import orders, supervision, supervisor_actions
from app.services.errors import InvalidInput, ServiceError
from app.services.supervision import FloorSnapshot, Kpis
from app.tui.literal import cell, literal, row
from app.tui.screens.base import StationScreen

if TYPE_CHECKING:
    pass

RISK_STYLE = {"late": "bold white on red", "critical": "bold red", "warning": "yellow", "ok": "green"}
FULL_REFRESH_S = 15.0
"""Re-read the floor at least this often even without changes: ages and time-to-cut-off move with the clock."""


class AskDialog(ModalScreen[str | None]):
    """One line of input (a reason, a priority, a picker's name); Escape cancels."""

    BINDINGS = [("escape", "dismiss(None)", "Cancel")]

    def __init__(self, question: str, placeholder: str = "") -> None:
        super().__init__()
        self.question = question
        self.placeholder = placeholder

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(literal(self.question), classes="title")
            yield Input(placeholder=self.placeholder, id="answer")

    def on_mount(self) -> None:
        self.query_one("#answer", Input).focus()

    @on(Input.Submitted, "#answer")
    def submitted(self, event: Input.Submitted) -> None:
        if event.value.strip():
            self.dismiss(event.value.strip())


class ConfirmDialog(ModalScreen[bool]):
    BINDINGS = [("y", "dismiss(True)", "Yes"), ("n", "dismiss(False)", "No"), ("escape", "dismiss(False)", "No")]

    def __init__(self, question: str) -> None:
        super().__init__()
        self.question = question

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(literal(self.question), classes="title")
            yield Label(literal("[y] yes   [n] no"))


class TimelineDialog(ModalScreen[None]):
    BINDINGS = [("escape", "dismiss(None)", "Close"), ("enter", "dismiss(None)", "Close")]

    def __init__(self, title: str, rows: list[tuple[str, str, str, str]]) -> None:
        super().__init__()
        self.title_text = title
        self.rows = rows

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide"):
            yield Label(literal(self.title_text), classes="title")
            table: DataTable[str] = DataTable(id="timeline", cursor_type="row")
            yield table

    def on_mount(self) -> None:
        table = self.query_one("#timeline", DataTable)
        table.add_columns("At", "Change", "By", "Reason")
        for values in self.rows:
            table.add_row(*row(*values))
        table.focus()


class SuperviseScreen(StationScreen):
    BINDINGS = [
        ("t", "timeline", "Timeline"),
        ("h", "hold", "Hold"),
        ("r", "release_hold", "Release"),
        ("c", "cancel_order", "Cancel"),
        ("p", "priority", "Priority"),
        ("a", "approve_short", "Approve short"),
        ("b", "release_batch", "Free batch"),
        ("n", "reassign", "Reassign"),
        ("w", "wave", "Wave now"),
        ("slash", "search", "Search"),
        ("escape", "leave", "Back"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.snapshot: FloorSnapshot | None = None
        self._rows: dict[str, tuple[tuple[str, ...], ...]] = {}
        self.applied: list[tuple[int, float]] = []
        """(change marker, time.time()) of each snapshot shown: staleness is measured from these."""
        self._stop = False

    def compose(self) -> ComposeResult:
        yield Static("Supervisor · live queue", classes="title")
        yield Static("", id="counts")
        with TabbedContent(id="tabs"):
            with TabPane("Floor", id="floor"):
                yield Static("Orders at risk", classes="hint")
                yield DataTable(id="risk", cursor_type="row", zebra_stripes=True)
                yield Static("Batches", classes="hint")
                yield DataTable(id="batches", cursor_type="row", zebra_stripes=True)
                yield Static("Pickers", classes="hint")
                yield DataTable(id="pickers", cursor_type="row", zebra_stripes=True)
            with TabPane("Exceptions", id="exceptions-tab"):
                yield DataTable(id="exceptions", cursor_type="row", zebra_stripes=True)
            with TabPane("Search", id="search-tab"):
                yield Input(placeholder="order number, customer, SKU, tote or tracking number", id="search")
                yield DataTable(id="results", cursor_type="row", zebra_stripes=True)
            with TabPane("KPIs", id="kpis-tab"):
                yield Static("", id="kpi-numbers")
                yield PlotextPlot(id="kpi-chart")
        yield Static("", id="message", classes="hidden")
        yield Static("", id="live", classes="hint")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#risk", DataTable).add_columns("Order", "Status", "Service", "Ship by", "Left", "Level")
        self.query_one("#batches", DataTable).add_columns("Batch", "Status", "Picker", "Orders", "Stops", "Age", "Idle")
        self.query_one("#pickers", DataTable).add_columns("Picker", "Batch", "At", "Picks/h", "Last hour", "Idle")
        self.query_one("#exceptions", DataTable).add_columns("Kind", "Ref", "Detail", "Since")
        self.query_one("#results", DataTable).add_columns("Kind", "Order", "Status", "Detail")
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

    def _fill(self, table_id: str, rows: list[tuple[object, ...]], keys: list[str]) -> None:
        """Rewrite a table when its rows changed; every value is shown literally (``row``), never as markup."""
        plain = tuple(tuple(str(value) for value in values) for values in rows)
        if self._rows.get(table_id) == plain:
            return  # unchanged: keep the table (and the supervisor's cursor) as it is
        self._rows[table_id] = plain
        table = self.query_one(f"#{table_id}", DataTable)
        cursor = table.cursor_row
        table.clear()
        for values, key in zip(rows, keys, strict=True):
            table.add_row(*row(*values), key=key)
        if rows:
            table.move_cursor(row=min(cursor, len(rows) - 1))

    def apply(self, snapshot: FloorSnapshot) -> None:
        if self._stop or not self.is_mounted:
            return  # the screen was left while the worker read the floor (checked on the UI thread: no race)
        self.snapshot = snapshot
        counts = "  ".join(f"{status} {n}" for status, n in snapshot.counts.items() if n)
        self.query_one("#counts", Static).update(literal(counts or "no orders"))
        self._fill(
            "risk",
            [
                (
                    r.number,
                    r.status,
                    r.service_level,
                    str(r.ship_by),
                    f"{r.minutes_left} min",
                    cell(r.level, style=RISK_STYLE.get(r.level, "")),
                )
                for r in snapshot.at_risk
            ],
            [f"order:{r.order_id}" for r in snapshot.at_risk],
        )
        self._fill(
            "batches",
            [
                (
                    str(b.batch_id),
                    b.status,
                    b.picker or "-",
                    str(b.orders),
                    f"{b.stops_done}/{b.stops}",
                    f"{b.age_minutes} min",
                    "-" if b.idle_minutes is None else f"{b.idle_minutes} min",
                )
                for b in snapshot.batches
            ],
            [f"batch:{b.batch_id}" for b in snapshot.batches],
        )
        self._fill(
            "pickers",
            [
                (
                    p.name,
                    str(p.batch_id or "-"),
                    p.current_location or "-",
                    f"{p.picks_per_hour:.0f}",
                    str(p.picks_last_hour),
                    "-" if p.idle_minutes is None else f"{p.idle_minutes} min",
                )
                for p in snapshot.pickers
            ],
            [f"picker:{p.name}" for p in snapshot.pickers],
        )
        self._fill(
            "exceptions",
            [(e.kind, e.ref, e.detail, f"{e.at:%H:%M}") for e in snapshot.exceptions],
            [f"order:{e.order_id}" if e.order_id else f"x:{i}" for i, e in enumerate(snapshot.exceptions)],
        )
        self.query_one("#live", Static).update(
            literal(f"live · change {snapshot.change_marker} · read {snapshot.generated_at:%H:%M:%S} UTC")
        )
        self.applied.append((snapshot.change_marker, time.time()))

    def show_kpis(self, k: Kpis) -> None:
        if self._stop or not self.is_mounted:
            return
        accuracy = "-" if k.pick_accuracy is None else f"{k.refused_scans} refused / {k.item_scans} item scans"
        on_time = "-" if k.on_time_rate is None else f"{k.on_time_rate * 100:.0f}%"
        cycle = (
            "-"
            if k.cycle_time_minutes_p50 is None
            else f"{k.cycle_time_minutes_p50:.0f} min (p90 {k.cycle_time_minutes_p90:.0f})"
        )
        self.query_one("#kpi-numbers", Static).update(
            literal(
                f"shipped {k.orders_shipped} · units picked {k.units_picked} · refused scans: {accuracy} · "
                f"cycle time p50 {cycle} · on time {on_time}"
            )
        )
        plot = self.query_one("#kpi-chart", PlotextPlot).plt
        plot.clear_data()
        hours = [f"{h.hour_start:%H}h" for h in k.throughput_per_hour]
        plot.bar(hours, [h.orders_shipped for h in k.throughput_per_hour], label="orders shipped")
        plot.title("Throughput per hour")
        self.query_one("#kpi-chart", PlotextPlot).refresh()

    # --- selection --------------------------------------------------------------------------------
    def _selected(self, prefix: str) -> str | None:
        focused = self.focused
        tables = [focused] if isinstance(focused, DataTable) else []
        tables += [self.query_one(f"#{name}", DataTable) for name in ("risk", "exceptions", "results", "batches")]
        for table in tables:
            if table.row_count == 0:
                continue
            key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value or ""
            if key.startswith(prefix):
                return key[len(prefix) :]
            if table is focused:
                break
        return None

    def _do(self, what: str, action) -> None:  # type: ignore[no-untyped-def]
        try:
            result = action()
        except ServiceError as exc:
            self.flash(str(exc), False)
            return
        self.flash(f"{what}: done" if result is None else f"{what}: {result}")

    def _order_action(self, verb: str, run, *, ask: str | None = None, confirm: bool = True) -> None:  # type: ignore[no-untyped-def]
        order_id = self._selected("order:")
        if order_id is None:
            self.flash("Select an order first (at-risk, exceptions or search)", False)
            return
        user = self.pp.user
        assert user is not None

        def go(answer: str | None = None) -> None:
            self._do(verb, lambda: run(user, order_id, answer))

        def confirmed(ok: bool | None) -> None:
            if ok:
                go(self._answer)

        self._answer: str | None = None

        def answered(answer: str | None) -> None:
            if answer is None:
                return
            self._answer = answer
            if confirm:
                self.app.push_screen(ConfirmDialog(f"{verb} order {order_id}: {answer}?"), confirmed)
            else:
                go(answer)

        if ask:
            self.app.push_screen(AskDialog(ask), answered)
        elif confirm:
            self.app.push_screen(ConfirmDialog(f"{verb} order {order_id}?"), confirmed)
        else:
            go()

    # --- actions ----------------------------------------------------------------------------------
    def action_timeline(self) -> None:
        order_id = self._selected("order:")
        if order_id is None:
            self.flash("Select an order first", False)
            return
        try:
            detail = orders.show_order(self.pp.db, self.pp.config, order_id)
        except ServiceError as exc:  # e.g. the order was deleted by a purge since the table was read
            self.flash(str(exc), False)
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

    def action_hold(self) -> None:
        db, config, terminal = self.pp.db, self.pp.config, self.pp.station
        self._order_action(
            "Hold",
            lambda u, o, reason: supervisor_actions.hold(db, config, u, o, reason or "", terminal=terminal).status,
            ask="Hold: why?",
        )

    def action_release_hold(self) -> None:
        db, config, terminal = self.pp.db, self.pp.config, self.pp.station
        self._order_action(
            "Release", lambda u, o, _a: supervisor_actions.release_hold(db, config, u, o, terminal=terminal).status
        )

    def action_cancel_order(self) -> None:
        db, config, terminal = self.pp.db, self.pp.config, self.pp.station
        self._order_action(
            "Cancel",
            lambda u, o, reason: supervisor_actions.cancel(db, config, u, o, reason or "", terminal=terminal).status,
            ask="Cancel: why?",
        )

    def action_priority(self) -> None:
        db, config, terminal = self.pp.db, self.pp.config, self.pp.station

        def run(user, order_id: str, answer: str | None) -> str:  # type: ignore[no-untyped-def]
            try:
                value = None if answer in ("auto", "-") else float(answer or "")
            except ValueError:
                raise InvalidInput(f"priority {answer!r}: a number, or 'auto'") from None
            changed = supervisor_actions.set_priority(db, config, user, order_id, value, terminal=terminal)
            return f"priority {changed.priority:g}"

        self._order_action("Priority", run, ask="New priority (a number, or 'auto')", confirm=False)

    def action_approve_short(self) -> None:
        db, terminal = self.pp.db, self.pp.station
        self._order_action(
            "Approve short shipment",
            lambda u, o, rest: supervisor_actions.approve_short(
                db, u, o, rest=(rest or "").strip().lower(), terminal=terminal
            ).status,
            ask="The missing units: 'backorder' (they follow later) or 'cancel' (the order ships without them)?",
        )

    def _batch_action(self, verb: str, run, ask: str | None = None) -> None:  # type: ignore[no-untyped-def]
        batch = self._selected("batch:")
        if batch is None:
            self.flash("Select a batch first (Floor tab)", False)
            return
        user = self.pp.user
        assert user is not None

        def answered(answer: str | None) -> None:
            if answer is not None:
                self.app.push_screen(
                    ConfirmDialog(f"{verb} batch {batch} ({answer})?"),
                    lambda ok: ok and self._do(verb, lambda: run(user, int(batch), answer)),
                )

        if ask:
            self.app.push_screen(AskDialog(ask), answered)
        else:
            self.app.push_screen(
                ConfirmDialog(f"{verb} batch {batch}?"),
                lambda ok: ok and self._do(verb, lambda: run(user, int(batch), None)),
            )

    def action_release_batch(self) -> None:
        db, config, terminal = self.pp.db, self.pp.config, self.pp.station
        self._batch_action(
            "Free", lambda u, b, _a: supervisor_actions.release_batch(db, config, u, b, terminal=terminal)
        )

    def action_reassign(self) -> None:
        db, terminal = self.pp.db, self.pp.station
        self._batch_action(
            "Reassign",
            lambda u, b, name: supervisor_actions.reassign_batch(db, u, b, name or "", terminal=terminal),
            ask="Give the batch to which picker?",
        )

    def action_wave(self) -> None:
        user = self.pp.user
        assert user is not None

        def go(ok: bool | None) -> None:
            if ok:
                self._do(
                    "Wave",
                    lambda: (lambda r: f"{r.released} released, {r.batches} batches")(
                        supervisor_actions.release_wave(
                            self.pp.db, self.pp.config, self.pp.layout, user, terminal=self.pp.station
                        )
                    ),
                )

        self.app.push_screen(ConfirmDialog("Release a wave now (allocate, release, plan batches)?"), go)

    def action_search(self) -> None:
        self.query_one("#tabs", TabbedContent).active = "search-tab"
        self.query_one("#search", Input).focus()

    @on(Input.Submitted, "#search")
    def searched(self, event: Input.Submitted) -> None:
        hits = supervision.search(self.pp.db, event.value)
        table = self.query_one("#results", DataTable)
        table.clear()
        for i, hit in enumerate(hits):
            table.add_row(
                *row(hit.kind, hit.number, hit.status, hit.detail),
                key=f"order:{hit.order_id}" if hit.order_id else f"x:{i}",
            )
        self._rows.pop("results", None)
        if hits:
            table.focus()
        else:
            self.flash(f"nothing found for {event.value!r}", False)

    def action_leave(self) -> None:
        self._stop = True
        self.app.pop_screen()
